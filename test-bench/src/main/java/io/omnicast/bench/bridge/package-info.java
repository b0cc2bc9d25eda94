/** Test-bench scenario for the encoder bridge: pass-through latency and CPU ({@code omnicast bench bridge}). */
package io.omnicast.bench.bridge;
