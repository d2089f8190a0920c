package io.wpack.benchmarks;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Measures the peak heap an operation needs as the smallest {@code -Xmx} with which a fresh JVM
 * completes it ({@link HeapProbe}), found by bisection.
 *
 * <p>Why this method: sampling "heap used" inside a JVM measures garbage as much as live data,
 * so the figure follows the collector's heuristics and the machine's memory, not the code.
 * The smallest heap that suffices is what an operator has to provision. The child uses the
 * serial collector (no per-thread allocation buffers or regions that depend on the core count)
 * and does its work on one thread, so the figure is reproducible to within the search's
 * resolution, and CPU contention does not change it, so several searches run at once. It counts
 * the JVM's own heap floor too; {@link #floorMiB()} measures that with an
 * empty run for comparison. Off-heap memory (metaspace, code cache, direct buffers, mapped
 * files) is not counted.
 */
final class HeapMeasurer {
    private static final long PROBE_TIMEOUT_SECONDS = 600;

    private final Path java;
    private final String classpath;
    private final double tolerance;

    /**
     * @param tolerance stop when the bracket is narrower than this fraction of its upper end
     *                  (and at 1 MiB in any case)
     */
    HeapMeasurer(Path java, String classpath, double tolerance) {
        this.java = java;
        this.classpath = classpath;
        this.tolerance = tolerance;
    }

    /** The JVM running this code, and its class path, so the child runs the same build. */
    static HeapMeasurer forThisJvm(double tolerance) {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        return new HeapMeasurer(javaBin, System.getProperty("java.class.path"), tolerance);
    }

    /** The heap an empty JVM needs by the same method. */
    int floorMiB(Path log) throws IOException {
        return minimumHeapMiB(List.of("noop"), 64, 0, log);
    }

    /**
     * The smallest heap, in MiB, with which {@code HeapProbe args} completes, rounded up to the
     * search's resolution.
     *
     * @param startMiB a heap that is probably enough; doubled until it is
     * @param tooSmallMiB a heap known not to be enough (e.g. less than the data the operation keeps), or 0
     * @param log      where the children's output goes (one file per concurrent search)
     * @throws IOException if the operation fails even with a generous heap (with the child's output)
     */
    int minimumHeapMiB(List<String> args, int startMiB, int tooSmallMiB, Path log) throws IOException {
        int lo = tooSmallMiB;
        int hi = Math.max(lo + 8, startMiB);
        int code;
        while ((code = exitCode(hi, args, log)) != 0) {
            lo = hi;
            if (code != HeapProbe.OUT_OF_MEMORY && !tail(log).contains("OutOfMemoryError")) {
                throw new IOException("HeapProbe " + String.join(" ", args) + " failed with -Xmx" + hi + "m: "
                        + tail(log));
            }
            if (hi >= 16384) {
                throw new IOException("HeapProbe " + String.join(" ", args) + " fails even with -Xmx" + hi + "m: "
                        + tail(log));
            }
            hi *= 2;
        }
        while (hi - lo > Math.max(1, (int) (tolerance * hi))) {
            int mid = (lo + hi) >>> 1;
            if (exitCode(mid, args, log) == 0) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return hi;
    }

    /** Runs the probe; a heap too small shows as {@link HeapProbe#OUT_OF_MEMORY} or a JVM start-up failure. */
    private int exitCode(int mib, List<String> args, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-XX:+UseSerialGC", "-Xmx" + mib + "m",
                "-XX:-UsePerfData", "-cp", classpath, HeapProbe.class.getName()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(Redirect.to(log.toFile()))
                .start();
        try {
            if (!p.waitFor(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return p.exitValue();
    }

    private static String tail(Path log) throws IOException {
        String s = Files.exists(log) ? Files.readString(log) : "";
        return s.length() > 2000 ? "..." + s.substring(s.length() - 2000) : s;
    }
}
