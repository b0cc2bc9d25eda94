/**
 * The RTSP origin: publishers in (ANNOUNCE/RECORD), peers and ordinary players out, per-channel GOP cache.
 */
package io.omnicast.server;
