/** {@code omnicast demo}: the whole system on loopback with live figures, a graceful leave and a SIGKILL. */
package io.omnicast.bench.demo;
