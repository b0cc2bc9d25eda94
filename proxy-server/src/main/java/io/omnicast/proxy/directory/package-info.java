/**
 * The node directory: accounts, the proxy's signing key, node-id blocks and the event log, in an embedded H2
 * file database over plain JDBC. Every method blocks; callers are never Netty event loops.
 */
package io.omnicast.proxy.directory;
