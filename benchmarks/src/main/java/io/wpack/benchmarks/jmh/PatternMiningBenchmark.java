package io.wpack.benchmarks.jmh;

import io.wpack.encoders.ByteCodec;
import io.wpack.encoders.Codecs;
import io.wpack.encoders.pattern.BlockDictCodec;
import io.wpack.encoders.pattern.MaskValuesCodec;
import io.wpack.formats.WpkFormatException;
import io.wpack.patterns.CodeTensor;
import io.wpack.patterns.PatternAnalyzer;
import io.wpack.patterns.PatternChoice;
import io.wpack.quantizer.IntegerQuantizer;
import io.wpack.quantizer.WeightView;
import io.wpack.quantizer.prune.MagnitudePruner;
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
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Single-threaded throughput of the pattern miner as the packer runs it on an int8 weight
 * tensor: {@link PatternAnalyzer#choose} and then the chosen codec's encode. Read the
 * {@code elements} secondary result: int8 weights, so bytes, per second.
 *
 * <p>{@code tensor}: {@code synthetic-64KiB}, {@code -1MiB}, {@code -8MiB} are
 * {@link #plantedCodes} of that many bytes, so that the rows show how the cost grows with size;
 * {@code corpus-largest} is the corpus's largest float tensor ({@link BenchmarkWeights#tensor}),
 * pruned and quantized as {@code --prune magnitude:S --quant int8:channel} would (the synthetic
 * 1 MiB stand-in without a corpus). {@code sparsity}: the share of zero codes. The dictionary
 * size K is not a parameter: the planner chooses it per tensor by total size.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar PatternMiningBenchmark -f 1 -wi 2 -i 3</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class PatternMiningBenchmark {
    @Param({"synthetic-64KiB", "synthetic-1MiB", "synthetic-8MiB", "corpus-largest"})
    public String tensor;

    @Param({"0.5", "0.8"})
    public double sparsity;

    private CodeTensor codes;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        String source;
        if (tensor.startsWith("synthetic-")) {
            codes = plantedCodes(syntheticBytes(tensor), sparsity, 11);
            source = "synthetic " + Arrays.toString(codes.shape());
        } else if ("corpus-largest".equals(tensor)) {
            BenchmarkWeights.FloatTensor f = BenchmarkWeights.tensor("largest");
            WeightView view = f.view();
            boolean[] keep = MagnitudePruner.prune(view, sparsity).keep();
            byte[] q = IntegerQuantizer.builder().bits(8).symmetric().perChannel().build().quantize(view, keep).codes();
            int axis = f.axes().reductionAxis();
            codes = new CodeTensor(f.name(), q, f.shape(), axis >= 0 ? axis : f.shape().length - 1);
            source = f.describe();
        } else {
            throw new IllegalArgumentException("unknown tensor '" + tensor
                    + "'; expected synthetic-64KiB, synthetic-1MiB, synthetic-8MiB or corpus-largest");
        }
        PatternChoice choice = PatternAnalyzer.choose(codes);
        byte[] encoded = choice.encode(codes.codes());
        requireRoundTrip(choice.codec(), encoded, codes.codes());
        System.err.printf(Locale.ROOT, "%n%s, %.0f%% zeros: %s, %d -> %d bytes (%.3f)%n", source, 100 * zeroShare(codes),
                choice, codes.size(), encoded.length, (double) encoded.length / codes.size());
    }

    @Benchmark
    public byte[] chooseAndEncode(ProcessedElements counter) throws IOException {
        byte[] encoded = PatternAnalyzer.choose(codes).encode(codes.codes());
        counter.elements += codes.size();
        return encoded;
    }

    /** The weights one {@link #chooseAndEncode} processes. */
    int weights() {
        return codes.size();
    }

    static int syntheticBytes(String tensor) {
        switch (tensor) {
            case "synthetic-64KiB":
                return 64 << 10;
            case "synthetic-1MiB":
                return 1 << 20;
            case "synthetic-8MiB":
                return 8 << 20;
            default:
                throw new IllegalArgumentException("unknown synthetic tensor '" + tensor + "'");
        }
    }

    /**
     * int8 codes of a {@code [bytes / 256, 256]} weight, reduction along axis 0, seeded: each of
     * the 256 output channels has its own density (around {@code 1 - sparsity}) and spread, as
     * magnitude pruning leaves them, and a third of the blocks of 4 along the reduction axis are
     * copies from a library of 48 (repeated patterns for the dictionary and mask coders to find).
     * About {@code sparsity} of the codes are zero (setup prints the share).
     */
    static CodeTensor plantedCodes(int bytes, double sparsity, long seed) {
        int out = 256;
        int in = bytes / out;
        Random random = new Random(seed);
        double[] keep = new double[out];
        double[] sigma = new double[out];
        for (int c = 0; c < out; c++) {
            keep[c] = Math.min(1, (1 - sparsity) * (0.3 + 1.4 * random.nextDouble()));
            sigma[c] = 4 + 40 * random.nextDouble();
        }
        byte[][] library = new byte[48][4];
        for (byte[] block : library) {
            for (int j = 0; j < 4; j++) {
                block[j] = random.nextDouble() < 1 - sparsity ? nonZero(random, 20) : 0;
            }
        }
        byte[] codes = new byte[in * out];
        for (int i0 = 0; i0 + 4 <= in; i0 += 4) {
            for (int c = 0; c < out; c++) {
                boolean planted = random.nextInt(3) == 0;
                byte[] block = library[random.nextInt(library.length)];
                for (int j = 0; j < 4; j++) {
                    byte v = random.nextDouble() < keep[c] ? nonZero(random, sigma[c]) : 0;
                    codes[(i0 + j) * out + c] = planted ? block[j] : v;
                }
            }
        }
        return new CodeTensor("planted", codes, new long[] {in, out}, 0);
    }

    private static byte nonZero(Random random, double sigma) {
        int v = (int) Math.round(random.nextGaussian() * sigma);
        v = Math.max(-127, Math.min(127, v));
        return (byte) (v == 0 ? (random.nextBoolean() ? 1 : -1) : v);
    }

    static double zeroShare(CodeTensor t) {
        long zeros = 0;
        for (byte b : t.codes()) {
            zeros += b == 0 ? 1 : 0;
        }
        return t.size() == 0 ? 0 : (double) zeros / t.size();
    }

    /** Decodes with a codec rebuilt from its manifest name and parameters, as a reader would. */
    static void requireRoundTrip(ByteCodec codec, byte[] encoded, byte[] codes) throws WpkFormatException {
        ByteCodec reader = switch (codec.name()) {
            case BlockDictCodec.NAME -> BlockDictCodec.fromParams(codec.params());
            case MaskValuesCodec.NAME -> MaskValuesCodec.fromParams(codec.params());
            default -> Codecs.create(codec.name(), codec.params());
        };
        byte[] back = new byte[codes.length];
        reader.decode(ByteBuffer.wrap(encoded), ByteBuffer.wrap(back));
        if (!Arrays.equals(back, codes)) {
            throw new IllegalStateException(codec + " does not round-trip the benchmark tensor");
        }
    }
}
