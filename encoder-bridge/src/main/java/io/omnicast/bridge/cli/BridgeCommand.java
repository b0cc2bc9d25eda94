package io.omnicast.bridge.cli;

import io.omnicast.bridge.Bridge;
import io.omnicast.bridge.BridgeConfig;
import io.omnicast.bridge.BridgeStatus;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code omnicast bridge}: brings a test pattern, a file, a camera or an encoder's stream into the streaming server.
 * Options left out take their values from {@code bridge-defaults.properties}. Exit codes: 0 input ended or
 * stopped, 1 the input failed, 2 bad options, 5 the server rejected the stream key.
 */
@Command(name = "bridge", mixinStandardHelpOptions = true,
        description = {"Run the encoder bridge: bring a test pattern, file, camera or encoder stream into the "
                + "streaming server.",
            "Inputs: testsrc[:WxH[@FPS]], file:PATH, v4l2:/dev/videoN, rtp:SDPFILE, udp://0.0.0.0:PORT (MPEG-TS), "
                + "rtmp://0.0.0.0:1935/live/KEY (listen for OBS), rtsp://camera/path (pull).",
            "H.264 passes through unchanged; other video (or --transcode) is encoded with libx264; audio is "
                + "passed through if AAC, else encoded to AAC."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:input ended (files) or stopped", "1:the input failed", "2:invalid options",
            "5:the server rejected the stream key"})
public class BridgeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--input", paramLabel = "SOURCE", description = "What to bring in (default: testsrc).")
    String input;

    @Option(names = "--publish", paramLabel = "URL",
            description = "Where to publish: rtsp://HOST:8554/live/CHANNEL (default: rtsp://127.0.0.1:8554/live/demo).")
    String publish;

    @Option(names = "--stream-key", paramLabel = "KEY", description = "The channel's stream key (required).")
    String streamKey;

    @Option(names = "--transcode", description = "Re-encode H.264 input too instead of passing it through.")
    Boolean transcode;

    @Option(names = "--bitrate", paramLabel = "KBPS", description = "Video bitrate when encoding, kbit/s "
            + "(default 2000).")
    Integer bitrate;

    @Option(names = "--gop", paramLabel = "FRAMES", description = "Keyframe interval when encoding, frames "
            + "(default 60).")
    Integer gop;

    @Option(names = "--preset", paramLabel = "PRESET", description = "libx264 preset when encoding "
            + "(default veryfast).")
    String preset;

    @Option(names = "--transport", paramLabel = "udp|tcp", description = "RTP transport to the server "
            + "(default tcp).")
    BridgeConfig.Transport transport;

    @Option(names = "--audio-input", paramLabel = "auto|none|FORMAT:DEVICE",
            description = "Audio from a capture device: auto (v4l2 inputs take the default ALSA/PulseAudio input "
                    + "where present), none, or an FFmpeg input device such as alsa:default, alsa:hw:1,0, "
                    + "pulse:default (replaces the input's own audio; default auto).")
    String audioInput;

    @Option(names = "--loop", description = "Play a file input again and again, timestamps continuing.")
    Boolean loop;

    @Option(names = "--status", paramLabel = "auto|on|off",
            description = "One-line live status on stderr: auto (on a terminal), on, off (default auto).")
    BridgeConfig.StatusMode status;

    @Override
    public Integer call() {
        BridgeConfig config;
        try {
            BridgeConfig.Builder b = BridgeConfig.defaults();
            if (input != null) {
                b.input(input);
            }
            if (publish != null) {
                b.publishUrl(publish);
            }
            if (streamKey != null) {
                b.streamKey(streamKey);
            }
            if (transcode != null) {
                b.transcode(transcode);
            }
            if (bitrate != null) {
                b.bitrateKbps(bitrate);
            }
            if (gop != null) {
                b.gopFrames(gop);
            }
            if (preset != null) {
                b.preset(preset);
            }
            if (transport != null) {
                b.transport(transport);
            }
            if (loop != null) {
                b.loop(loop);
            }
            if (audioInput != null) {
                b.audioInput(audioInput);
            }
            if (status != null) {
                b.status(status);
            }
            config = b.build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        PrintWriter err = spec.commandLine().getErr();
        Bridge bridge = new Bridge(config);
        java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
        // On Ctrl-C: stop, then give run() a moment to TEARDOWN the session before the JVM goes.
        Thread hook = new Thread(() -> {
            bridge.stop();
            try {
                finished.await(3, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bridge-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean statusLine = config.status() == BridgeConfig.StatusMode.ON
                || (config.status() == BridgeConfig.StatusMode.AUTO && System.console() != null);
        ScheduledExecutorService printer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bridge-status");
            t.setDaemon(true);
            return t;
        });
        if (statusLine) {
            printer.scheduleAtFixedRate(() -> {
                BridgeStatus s = bridge.status();
                err.print("\r" + s.line() + "\u001b[K");
                err.flush();
            }, 1, 1, TimeUnit.SECONDS);
        }
        int code;
        try {
            code = bridge.run();
        } finally {
            printer.shutdownNow();
            bridge.close();
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting because of a signal; the hook has run
            }
        }
        if (statusLine) {
            err.println();
        }
        if (code == Bridge.EXIT_REJECTED) {
            err.println("omnicast bridge: " + bridge.rejection());
        }
        err.flush();
        return code;
    }
}
