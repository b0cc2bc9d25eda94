/**
 * {@code omnicast bench load}: the proxy under a flash crowd of USCP sessions and the streaming server under many
 * readers, composed from {@code bench proxy-load} and {@code bench server-fanout} into one report.
 */
package io.omnicast.bench.load;
