/**
 * Runs one topology plugin alone, on a scripted sequence of joins, departures and failure reports, without a
 * network or a database. For plugin authors' tests; see {@link io.omnicast.proxy.topology.testkit.TopologyTestKit}.
 */
package io.omnicast.proxy.topology.testkit;
