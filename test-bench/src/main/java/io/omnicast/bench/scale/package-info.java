/**
 * {@code omnicast bench scale}: as many peers as the machine holds on loopback, many peer nodes per JVM
 * ({@link io.omnicast.bench.scale.ScaleHost}), most counting frames without decoding and a sample decoding.
 */
package io.omnicast.bench.scale;
