/** {@code omnicast bench peer}: the peer node's figures (Tconnection per hop, Trecovery, relay cost, memory). */
package io.omnicast.bench.peer;
