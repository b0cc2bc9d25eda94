/** The bridge's stream model: encoded frames with microsecond times and the tracks they belong to. */
package io.omnicast.bridge.media;
