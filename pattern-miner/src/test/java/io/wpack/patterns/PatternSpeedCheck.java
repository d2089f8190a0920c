package io.wpack.patterns;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * Throughput of mining plus encoding, in MB of int8 codes per second of this thread's CPU time
 * (wall time too, which other processes on the machine distort): {@link PatternAnalyzer#choose}
 * then the chosen codec's encode, as the packer would run them; the single-block-length variant;
 * and the full {@link PatternAnalyzer#analyse} of {@code wpack mine}. Codes come from the corpus
 * (tfjs/posenet and tfjs/mobilefacenet at 50% and 80%) or, without it, from synthetic filters.
 * The JMH counterpart, on single tensors by size, is {@code PatternMiningBenchmark} in the benchmarks module.
 */
public final class PatternSpeedCheck {
    interface Work {
        long run(CodeTensor t) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        List<CodeTensor> tensors = tensors();
        long bytes = tensors.stream().mapToLong(CodeTensor::size).sum();
        System.out.printf("%d tensors, %.1f MB of codes%n", tensors.size(), bytes / 1e6);
        for (int rep = 0; rep < 5; rep++) {
            time("choose + encode", tensors, bytes, t -> PatternAnalyzer.choose(t).encode(t.codes()).length);
            time("choose (blocks of 8 only) + encode", tensors, bytes,
                    t -> PatternAnalyzer.choose(t, 8).encode(t.codes()).length);
            if (args.length > 0) {
                for (String b : args) {
                    time("choose (blocks of " + b + ")", tensors, bytes,
                            t -> PatternAnalyzer.choose(t, Integer.parseInt(b)).estimatedBytes());
                }
                continue;
            }
            time("analyse (wpack mine)", tensors, bytes, t -> PatternAnalyzer.analyse(t).elements());
        }
    }

    static List<CodeTensor> tensors() throws Exception {
        List<CodeTensor> tensors = new ArrayList<>();
        if (CorpusCodes.find() != null) {
            var models = CorpusCodes.models(CorpusCodes.find());
            for (String name : new String[] {"tfjs/posenet", "tfjs/mobilefacenet"}) {
                for (double s : new double[] {0.5, 0.8}) {
                    for (CorpusCodes.FloatTensor f : models.get(name)) {
                        if (CorpusCodes.lossy(f)) {
                            tensors.add(CorpusCodes.codes(f, s));
                        }
                    }
                }
            }
        } else {
            for (int seed = 0; seed < 16; seed++) {
                tensors.add(CodeTensors.channelStructured(512, 256, seed));
            }
        }
        return tensors;
    }

    static void time(String what, List<CodeTensor> tensors, long bytes, Work work) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long cpu = mx.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        long sink = 0;
        for (CodeTensor t : tensors) {
            sink += work.run(t);
        }
        double cpuSeconds = (mx.getCurrentThreadCpuTime() - cpu) / 1e9;
        double wallSeconds = (System.nanoTime() - wall) / 1e9;
        System.out.printf("%-36s %6.1f MB/s cpu  %6.1f MB/s wall  (%d)%n", what, bytes / cpuSeconds / 1e6,
                bytes / wallSeconds / 1e6, sink);
    }
}
