package io.wpack.benchmarks.jmh;

import io.wpack.formats.WpkFormatException;
import io.wpack.quantizer.WeightView;
import io.wpack.quantizer.prune.BcrPruner;
import io.wpack.quantizer.prune.BlockPruner;
import io.wpack.quantizer.prune.FilterPruner;
import io.wpack.quantizer.prune.MagnitudePruner;
import io.wpack.quantizer.prune.NmPruner;
import io.wpack.quantizer.prune.PatternPruner;
import io.wpack.quantizer.prune.PruningMask;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Throughput of the pruners on one whole tensor: the primary result is tensors per second, the
 * {@code elements} secondary result weights per second. Pruners are named in the packer's
 * {@code --prune} syntax: {@code magnitude:S}, {@code nm:N:M}, {@code block:RxC:S},
 * {@code bcr:RxC:S}, {@code pattern:P:S}, {@code filter:S}.
 *
 * <p>{@code tensor=auto} runs every pruner on the corpus's largest float tensor except
 * {@code pattern}, which needs k×k kernels: the corpus has no dense k×k convolution (its k×k
 * kernels are depthwise, or a few thousand weights), so it runs on the synthetic
 * {@code conv3x3} weight. {@code largest}, {@code largest-f32} and {@code conv3x3} force one
 * ({@link BenchmarkWeights#tensor}).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar PrunerBenchmark -p pruner=nm:2:4,pattern:8:0.75</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class PrunerBenchmark {
    @Param({"magnitude:0.8", "nm:2:4", "block:4x4:0.5", "bcr:8x8:0.5", "pattern:8:0.75", "filter:0.25"})
    public String pruner;

    @Param({"auto"})
    public String tensor;

    private WeightView view;
    private Prune prune;

    /** One pruner call on a view. */
    interface Prune {
        PruningMask apply(WeightView v) throws WpkFormatException;
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        String kind = pruner.substring(0, pruner.indexOf(':'));
        String role = !"auto".equals(tensor) ? tensor : "pattern".equals(kind) ? "conv3x3" : "largest";
        BenchmarkWeights.FloatTensor t = BenchmarkWeights.tensor(role);
        view = t.view();
        prune = pruner(pruner);
        long t0 = System.nanoTime();
        PruningMask mask = prune.apply(view);
        double first = (System.nanoTime() - t0) / 1e9;
        System.err.printf(Locale.ROOT, "%n%s on %s, axes %s: sparsity %.3f; first call %.3f s (cold)%n", pruner,
                t.describe(), view.axes(), mask.sparsity(), first);
    }

    static Prune pruner(String spec) {
        String[] p = spec.split(":");
        try {
            switch (p[0]) {
                case "magnitude": {
                    double s = Double.parseDouble(p[1]);
                    return v -> MagnitudePruner.prune(v, s);
                }
                case "nm": {
                    int n = Integer.parseInt(p[1]);
                    int m = Integer.parseInt(p[2]);
                    return v -> NmPruner.prune(v, n, m);
                }
                case "block":
                case "bcr": {
                    String[] rc = p[1].split("x");
                    int r = Integer.parseInt(rc[0]);
                    int c = Integer.parseInt(rc[1]);
                    double s = Double.parseDouble(p[2]);
                    return "block".equals(p[0]) ? v -> BlockPruner.prune(v, r, c, s) : v -> BcrPruner.prune(v, r, c, s);
                }
                case "pattern": {
                    int patterns = Integer.parseInt(p[1]);
                    double s = Double.parseDouble(p[2]);
                    return v -> PatternPruner.prune(v, patterns, s).mask();
                }
                case "filter": {
                    double s = Double.parseDouble(p[1]);
                    return v -> FilterPruner.prune(v, s).mask();
                }
                default:
                    break;
            }
        } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
            throw new IllegalArgumentException("bad pruner '" + spec + "'", e);
        }
        throw new IllegalArgumentException("unknown pruner '" + spec + "'; expected magnitude:S, nm:N:M, block:RxC:S, "
                + "bcr:RxC:S, pattern:P:S or filter:S");
    }

    @Benchmark
    public PruningMask prune(ProcessedElements counter) throws WpkFormatException {
        PruningMask m = prune.apply(view);
        counter.elements += view.size();
        return m;
    }
}
