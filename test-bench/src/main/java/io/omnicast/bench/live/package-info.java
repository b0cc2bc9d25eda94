/**
 * Live experiments on real processes on loopback: {@link io.omnicast.bench.live.LiveRig} runs a proxy and a
 * streaming server in the bench's JVM, the encoder bridge's test pattern as a child process, and peers as child
 * processes (each on its own 127.0.x.y), and stops every process it started, also on Ctrl-C. The scenarios
 * ({@code paper}, {@code chaos}, {@code scale}, {@code load}) and the demo build on it.
 */
package io.omnicast.bench.live;
