package io.omnicast.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What was measured: the OmniCast version and, when the run starts inside a git work tree, the commit and
 * whether the tree had uncommitted changes (a figure from a dirty tree is not reproducible from the commit).
 */
public record BuildInfo(String omnicastVersion, String gitCommit, boolean gitDirty) {
    private static final long GIT_TIMEOUT_SECONDS = 10;

    /** The version of the running code and the git state of {@code workTree} ("unknown" without git). */
    public static BuildInfo of(Path workTree) {
        String version = BuildInfo.class.getPackage().getImplementationVersion();
        String commit = git(workTree, "rev-parse", "HEAD");
        String status = commit == null ? null : git(workTree, "status", "--porcelain", "--untracked-files=no");
        return new BuildInfo(version == null ? "development build (0.1.0-SNAPSHOT)" : version,
                commit == null ? "unknown (not a git work tree)" : commit, status != null && !status.isBlank());
    }

    private static String git(Path workTree, String... args) {
        String[] command = new String[args.length + 3];
        command[0] = "git";
        command[1] = "-C";
        command[2] = workTree.toAbsolutePath().toString();
        System.arraycopy(args, 0, command, 3, args.length);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(GIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return null;
            }
            return process.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8).trim() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Rows for the report's version table. */
    public Map<String, String> describe() {
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("OmniCast", omnicastVersion);
        rows.put("git commit", gitCommit + (gitDirty ? " (with uncommitted changes)" : ""));
        return rows;
    }
}
