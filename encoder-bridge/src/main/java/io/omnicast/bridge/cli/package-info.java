/** The {@code omnicast bridge} command line. */
package io.omnicast.bridge.cli;
