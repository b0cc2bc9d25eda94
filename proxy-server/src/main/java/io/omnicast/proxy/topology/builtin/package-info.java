/** The topology plugins built into the proxy: {@code hop-count}, {@code random} and {@code longevity}. */
package io.omnicast.proxy.topology.builtin;
