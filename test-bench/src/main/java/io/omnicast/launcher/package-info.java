/** The {@code omnicast} command line: one picocli command per component, started by the {@code ./omnicast} script. */
package io.omnicast.launcher;
