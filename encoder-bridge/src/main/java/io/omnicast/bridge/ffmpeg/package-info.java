/** FFmpeg through org.bytedeco (JavaCPP): loading the GPL natives, error handling, the codec wrappers we use. */
package io.omnicast.bridge.ffmpeg;
