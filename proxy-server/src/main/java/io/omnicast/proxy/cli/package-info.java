/** The {@code omnicast proxy} command line: run the proxy, and manage accounts offline. */
package io.omnicast.proxy.cli;
