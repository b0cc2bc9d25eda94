/**
 * The peer node (viewer app): USCP client, receive, buffer, play, relay to children, fail over.
 */
package io.omnicast.peer;
