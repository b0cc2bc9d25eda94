/**
 * The topology simulator ({@code omnicast bench simulate}): a discrete-event simulation of one channel that drives
 * the proxy's real topology plugins through the real {@code TopologyEngine} and {@code ChannelTree}, with models of
 * arrivals ({@link io.omnicast.bench.sim.ArrivalProcess}), session lengths
 * ({@link io.omnicast.bench.sim.SessionLengths}), access capacity ({@link io.omnicast.bench.sim.CapacityMix}),
 * NAT, link delays and failure detection ({@link io.omnicast.bench.sim.ChannelSimulation}). Settings and scenario
 * files: {@link io.omnicast.bench.sim.SimConfig}, {@link io.omnicast.bench.sim.ScenarioFile}.
 */
package io.omnicast.bench.sim;
