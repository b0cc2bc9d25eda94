/** The {@code omnicast server} command line. */
package io.omnicast.server.cli;
