/**
 * The service and interface layers: USCP sessions (one handler per connection), channel owners (one thread per
 * channel tree), placement and re-parenting, liveness, and the connect-back probe.
 */
package io.omnicast.proxy.session;
