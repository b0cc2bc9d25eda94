/** {@code omnicast bench proxy-load}: the proxy's re-parent push latency and join throughput, on loopback. */
package io.omnicast.bench.proxy;
