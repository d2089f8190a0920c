package io.wpack.benchmarks.jmh;

import io.wpack.benchmarks.MachineInfo;
import io.wpack.benchmarks.ProcessTimer;
import io.wpack.benchmarks.ScratchFiles;
import io.wpack.encoders.ByteCodec;
import io.wpack.encoders.Codecs;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What users would otherwise run to decode the {@link CodecDecodeBenchmark} data: {@code zstd -d}
 * of a {@code zstd -19} file, timed as a process, next to wpack's huffman and huffman-nz
 * decoders on the same bytes in this JVM, interleaved run by run so that both see the same load.
 *
 * <p>For each data kind it writes exactly the bytes that benchmark decodes (same CRC32),
 * compresses them with {@code zstd -19}, and after a warm-up (page cache for zstd, JIT for
 * Java) repeats rounds of: {@code zstd -d -q -c EMPTY.zst > /dev/null} (process start-up alone),
 * {@code zstd -d -q -c FILE.zst > /dev/null}, and one decode per wpack codec into a byte array.
 * It prints each median (min–max) and decoded MB/s (10^6 bytes): for zstd with start-up
 * included (what a user sees) and with the empty run's median subtracted (decoding alone,
 * noisier: a difference of medians). Then CPU time, which other work on the machine disturbs
 * much less than elapsed time: the children's user + system time of N {@code zstd -d} runs in
 * one shell ({@code times}), less the same for the empty file, against the thread CPU time of
 * the Java decodes. Last, {@code zstd -b19} gives zstd's own in-process decode speed, with no
 * process or I/O.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.wpack.benchmarks.jmh.ZstdDecodeReference [--runs 21] [--data int8,int8-mag80,f32]</pre>
 */
public final class ZstdDecodeReference {
    private static final Pattern BENCH_SPEEDS = Pattern.compile("([0-9.]+) MB/s, *([0-9.]+) MB/s");
    private static final Pattern TIMES = Pattern.compile("(\\d+)m([0-9.]+)s\\s+(\\d+)m([0-9.]+)s");
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ZstdDecodeReference() {
    }

    public static void main(String[] args) throws IOException {
        int runs = 21;
        int chunkBytes = 4 << 20;
        List<String> kinds = List.of("int8", "int8-mag80", "f32");
        List<String> codecs = List.of("huffman", "huffman-nz");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--chunk-bytes" -> chunkBytes = Integer.parseInt(args[++i]);
                case "--data" -> kinds = List.of(args[++i].split(","));
                case "--codecs" -> codecs = List.of(args[++i].split(","));
                default -> {
                    System.err.println("usage: ZstdDecodeReference [--runs N] [--chunk-bytes N] "
                            + "[--data int8,int8-mag80,f32] [--codecs huffman,huffman-nz]");
                    System.exit(2);
                }
            }
        }
        PrintStream out = System.out;
        MachineInfo machine = MachineInfo.detect();
        out.printf(Locale.ROOT, "%s, %d cores; %s; load average at start %s%n", machine.cpuModel(), machine.cores(),
                ProcessTimer.capture(List.of("zstd", "--version")), machine.loadAverage());
        Path dir = Files.createTempDirectory("wpack-zstd-ref");
        try {
            ProcessTimer timer = new ProcessTimer(dir.resolve("stderr.txt"));
            Path empty = dir.resolve("empty.bin");
            Files.write(empty, new byte[0]);
            Path emptyZst = compress(timer, empty);
            for (String kind : kinds) {
                StringBuilder source = new StringBuilder();
                byte[] data = BenchmarkWeights.codecData(kind, chunkBytes, source);
                Path raw = dir.resolve(kind + ".bin");
                Files.write(raw, data);
                Path zst = compress(timer, raw);
                out.printf(Locale.ROOT, "%n%s: %s%n", kind, source);
                out.printf(Locale.ROOT, "  zstd -19: %d bytes (%.3f)%n", Files.size(zst), (double) Files.size(zst) / data.length);
                List<ByteCodec> java = new ArrayList<>();
                List<byte[]> encoded = new ArrayList<>();
                for (String name : codecs) {
                    ByteCodec c = Codecs.byName(name);
                    java.add(c);
                    encoded.add(c.encode(data, 0, data.length));
                    out.printf(Locale.ROOT, "  %s: %d bytes (%.3f)%n", name, encoded.get(encoded.size() - 1).length,
                            (double) encoded.get(encoded.size() - 1).length / data.length);
                }
                compare(out, timer, runs, data, zst, emptyZst, java, encoded);
                String bench = ProcessTimer.capture(List.of("zstd", "-b19", "-i2", raw.toString()));
                Matcher m = BENCH_SPEEDS.matcher(bench);
                String last = null;
                while (m.find()) {
                    last = m.group(2);
                }
                out.printf(Locale.ROOT, "  zstd -b19 -i2 (zstd's in-process benchmark, no process, no I/O): decode %s MB/s%n",
                        last == null ? "? (could not parse: " + bench + ")" : last);
            }
        } finally {
            ScratchFiles.deleteTree(dir);
        }
    }

    private static void compare(PrintStream out, ProcessTimer timer, int runs, byte[] data, Path zst, Path emptyZst,
                                List<ByteCodec> java, List<byte[]> encoded) throws IOException {
        List<String> decode = List.of("zstd", "-d", "-q", "-c", zst.toString());
        List<String> decodeEmpty = List.of("zstd", "-d", "-q", "-c", emptyZst.toString());
        ByteBuffer dst = ByteBuffer.allocate(data.length);
        for (int i = 0; i < 3; i++) {
            timer.run(decodeEmpty, null);
            timer.run(decode, null);
        }
        for (int c = 0; c < java.size(); c++) {
            // C2 compiles the decoder's loops within the first few hundred milliseconds.
            long until = System.nanoTime() + 2_000_000_000L;
            while (System.nanoTime() < until) {
                decodeOnce(java.get(c), encoded.get(c), dst);
            }
            if (!dst.flip().equals(ByteBuffer.wrap(data))) {
                throw new IllegalStateException(java.get(c).name() + " does not round-trip");
            }
        }
        double[] start = new double[runs];
        double[] full = new double[runs];
        double[][] wall = new double[java.size()][runs];
        double[][] cpu = new double[java.size()][runs];
        for (int i = 0; i < runs; i++) {
            start[i] = timer.run(decodeEmpty, null);
            full[i] = timer.run(decode, null);
            for (int c = 0; c < java.size(); c++) {
                long c0 = THREADS.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                decodeOnce(java.get(c), encoded.get(c), dst);
                wall[c][i] = (System.nanoTime() - t0) / 1e9;
                cpu[c][i] = (THREADS.getCurrentThreadCpuTime() - c0) / 1e9;
            }
        }
        double mb = data.length / 1e6;
        out.printf(Locale.ROOT, "  elapsed, %d interleaved rounds: median (min–max) ms, decoded MB/s at the median%n", runs);
        out.printf(Locale.ROOT, "    zstd -d -c FILE > /dev/null       %s  %6.0f MB/s with process start%n", stats(full),
                mb / median(full));
        out.printf(Locale.ROOT, "    zstd -d -c EMPTY > /dev/null      %s  (process start)%n", stats(start));
        double net = median(full) - median(start);
        out.printf(Locale.ROOT, "    zstd, difference of medians       %8.2f ms             %6.0f MB/s without process start%n",
                net * 1e3, net > 0 ? mb / net : Double.NaN);
        for (int c = 0; c < java.size(); c++) {
            out.printf(Locale.ROOT, "    wpack %-28s%s  %6.0f MB/s%n", java.get(c).name() + " (this JVM)", stats(wall[c]),
                    mb / median(wall[c]));
        }
        double zstdCpu = shellCpuSeconds(decode, runs);
        double emptyCpu = shellCpuSeconds(decodeEmpty, runs);
        out.printf(Locale.ROOT, "  CPU time (user + system), ms per decode, and decoded MB per CPU second%n");
        out.printf(Locale.ROOT, "    zstd -d process                   %8.2f ms             %6.0f MB/s with process start%n",
                zstdCpu * 1e3, mb / zstdCpu);
        out.printf(Locale.ROOT, "    zstd -d on EMPTY                  %8.2f ms%n", emptyCpu * 1e3);
        out.printf(Locale.ROOT, "    zstd, difference                  %8.2f ms             %6.0f MB/s without process start%n",
                (zstdCpu - emptyCpu) * 1e3, zstdCpu > emptyCpu ? mb / (zstdCpu - emptyCpu) : Double.NaN);
        for (int c = 0; c < java.size(); c++) {
            out.printf(Locale.ROOT, "    wpack %-28s%8.2f ms (median)    %6.0f MB/s%n", java.get(c).name() + " (thread CPU)",
                    median(cpu[c]) * 1e3, mb / median(cpu[c]));
        }
    }

    private static void decodeOnce(ByteCodec codec, byte[] encoded, ByteBuffer dst) throws IOException {
        dst.clear();
        codec.decode(ByteBuffer.wrap(encoded), dst);
    }

    /** Children's user + system seconds per run of {@code command}, run {@code runs} times by one bash. */
    private static double shellCpuSeconds(List<String> command, int runs) throws IOException {
        String script = "for i in $(seq " + runs + "); do " + String.join(" ", command) + " > /dev/null || exit 1; done; times";
        String times = ProcessTimer.capture(List.of("bash", "-c", script));
        Matcher m = TIMES.matcher(times);
        // times prints the shell's own user/system line, then its children's.
        if (!m.find() || !m.find()) {
            throw new IOException("could not read CPU times from bash 'times': " + times);
        }
        double seconds = Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2))
                + Integer.parseInt(m.group(3)) * 60 + Double.parseDouble(m.group(4));
        return seconds / runs;
    }

    private static String stats(double[] seconds) {
        double[] s = seconds.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, "%8.2f (%.2f–%.2f)", median(s) * 1e3, s[0] * 1e3, s[s.length - 1] * 1e3);
    }

    private static Path compress(ProcessTimer timer, Path raw) throws IOException {
        Path zst = raw.resolveSibling(raw.getFileName() + ".zst");
        timer.run(List.of("zstd", "-19", "-q", "-f", raw.toString(), "-o", zst.toString()), null);
        return zst;
    }

    private static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
