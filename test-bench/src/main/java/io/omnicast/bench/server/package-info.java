/** {@code omnicast bench server-fanout}: the streaming server's start latency and fan-out cost per reader. */
package io.omnicast.bench.server;
