/** JMH micro-benchmarks, run with {@code ./omnicast bench jmh [REGEX]}. */
package io.omnicast.bench.jmh;
