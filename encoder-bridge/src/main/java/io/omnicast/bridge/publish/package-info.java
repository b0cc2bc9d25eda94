/** Publishing to the streaming server over RTSP (ANNOUNCE/SETUP record/RECORD) with media-transport. */
package io.omnicast.bridge.publish;
