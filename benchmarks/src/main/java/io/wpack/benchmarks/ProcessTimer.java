package io.wpack.benchmarks;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external command and times it from just before {@code fork/exec} to its exit, as
 * {@code time} in a shell would: process start-up is included, and the driver reports the
 * start-up cost of an empty run of the same tool beside the figures.
 */
public final class ProcessTimer {
    private static final long TIMEOUT_MINUTES = 30;

    private final Path stderrFile;

    /** @param stderrFile where the commands' standard error goes, read back when one fails */
    public ProcessTimer(Path stderrFile) {
        this.stderrFile = stderrFile;
    }

    /**
     * Runs {@code command} with standard output to {@code stdout} (or discarded when null) and
     * returns the elapsed seconds.
     *
     * @throws IOException if the command cannot start, times out or exits non-zero
     */
    public double run(List<String> command, Path stdout) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(stdout == null ? Redirect.DISCARD : Redirect.to(stdout.toFile()))
                .redirectError(Redirect.to(stderrFile.toFile()));
        long t0 = System.nanoTime();
        Process p = pb.start();
        try {
            if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in " + TIMEOUT_MINUTES + " minutes");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + String.join(" ", command), e);
        }
        long t1 = System.nanoTime();
        if (p.exitValue() != 0) {
            String err = Files.exists(stderrFile) ? Files.readString(stderrFile).strip() : "";
            throw new IOException(String.join(" ", command) + " exited with " + p.exitValue()
                    + (err.isEmpty() ? "" : ": " + err));
        }
        return (t1 - t0) / 1e9;
    }

    /** The command's standard output as text (for version strings); empty if it fails. */
    public static String capture(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(1, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return "";
            }
            return out.strip();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
