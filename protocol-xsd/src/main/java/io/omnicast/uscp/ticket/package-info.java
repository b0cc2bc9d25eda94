/**
 * Tickets: the proxy's signed grant that lets one child pull one channel from one parent until an expiry.
 *
 * <p>The proxy signs with {@link io.omnicast.uscp.ticket.TicketSigner}; relays and the streaming server check
 * with {@link io.omnicast.uscp.ticket.TicketVerifier}, built from the Ed25519 public key the proxy hands out in
 * the {@code Session} element of its login reply. {@link io.omnicast.uscp.ticket.TicketFormat} describes the
 * token. Only the JDK is needed (Ed25519 is built into Java 15+).
 */
package io.omnicast.uscp.ticket;
