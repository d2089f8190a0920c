package io.wpack.benchmarks.jmh;

import io.wpack.formats.WpkFormatException;
import io.wpack.quantizer.CodebookQuantizer;
import io.wpack.quantizer.FloatFormat;
import io.wpack.quantizer.FloatQuantizer;
import io.wpack.quantizer.IntegerQuantizer;
import io.wpack.quantizer.QuantizedTensor;
import io.wpack.quantizer.WeightView;
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
 * Throughput of the quantizers on one whole tensor, as the packer calls them: the primary
 * result is tensors per second (its inverse is the time one tensor takes), the {@code elements}
 * secondary result weights per second.
 *
 * <p>The tensors ({@link BenchmarkWeights#tensor}): {@code largest}, the corpus's largest float
 * tensor, which the "codebook quantization of the largest corpus tensor within a few
 * seconds" refers to; and {@code largest-f32}, the largest one with full-precision values,
 * since k-means time grows with the number of distinct values. For the time a user waits in a
 * fresh JVM, run single-shot: {@code -bm ss -f 3 -wi 0 -i 1}.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar QuantizerBenchmark -p method=kmeans256 -p tensor=largest-f32</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class QuantizerBenchmark {
    /**
     * {@code int8-channel}: symmetric int8 per channel; {@code int4-g32}: symmetric int4 per
     * group of 32 along the reduction axis; {@code kmeans16}, {@code kmeans256}: codebook of K
     * per tensor, default method (the packer's); {@code fp16}, {@code fp8-e4m3},
     * {@code fp8-e5m2}: round to nearest even, saturating.
     */
    @Param({"int8-channel", "int4-g32", "kmeans16", "kmeans256", "fp16", "fp8-e4m3", "fp8-e5m2"})
    public String method;

    @Param({"largest", "largest-f32"})
    public String tensor;

    private WeightView view;
    private Quantize quantize;

    /** One quantizer call on a view. */
    interface Quantize {
        QuantizedTensor apply(WeightView v) throws WpkFormatException;
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        BenchmarkWeights.FloatTensor t = BenchmarkWeights.tensor(tensor);
        view = t.view();
        quantize = quantizer(method);
        long t0 = System.nanoTime();
        QuantizedTensor q = quantize.apply(view);
        double first = (System.nanoTime() - t0) / 1e9;
        System.err.printf(Locale.ROOT, "%n%s on %s, axes %s: %.2f bits/weight; first call %.3f s (cold)%n", method,
                t.describe(), view.axes(), q.bitsPerWeight(), first);
    }

    static Quantize quantizer(String method) {
        switch (method) {
            case "int8-channel": {
                IntegerQuantizer q = IntegerQuantizer.builder().bits(8).symmetric().perChannel().build();
                return q::quantize;
            }
            case "int4-g32": {
                IntegerQuantizer q = IntegerQuantizer.builder().bits(4).symmetric().perGroup(32).build();
                return q::quantize;
            }
            case "kmeans16":
            case "kmeans256": {
                CodebookQuantizer q = CodebookQuantizer.builder().entries("kmeans16".equals(method) ? 16 : 256)
                        .perTensor().build();
                return q::quantize;
            }
            case "fp16":
                return FloatQuantizer.of(FloatFormat.F16)::quantize;
            case "fp8-e4m3":
                return FloatQuantizer.of(FloatFormat.F8_E4M3)::quantize;
            case "fp8-e5m2":
                return FloatQuantizer.of(FloatFormat.F8_E5M2)::quantize;
            default:
                throw new IllegalArgumentException("unknown method '" + method + "'");
        }
    }

    @Benchmark
    public QuantizedTensor quantize(ProcessedElements counter) throws WpkFormatException {
        QuantizedTensor q = quantize.apply(view);
        counter.elements += view.size();
        return q;
    }
}
