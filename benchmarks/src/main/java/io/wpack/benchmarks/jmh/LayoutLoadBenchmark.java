package io.wpack.benchmarks.jmh;

import io.wpack.benchmarks.ScratchFiles;
import io.wpack.formats.proto.DType;
import io.wpack.loader.WpkPackage;
import io.wpack.loader.layout.Layout;
import io.wpack.loader.layout.LayoutLoader;
import io.wpack.loader.layout.LayoutResult;
import io.wpack.packer.PackOptions;
import io.wpack.packer.Packer;
import io.wpack.packer.model.ImportedModel;
import io.wpack.packer.model.ImportedTensor;
import io.wpack.packer.model.TensorData;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Loading one convolution weight into a kernel layout with
 * {@link LayoutLoader#load(WpkPackage, String, Layout)}, on one thread, the loader allocating
 * the output as a caller would. Read the {@code bytes} secondary result: bytes per second of
 * output (every part of the layout: values, indices, scales). {@code layout=readBytes} is the
 * reference, {@link WpkPackage#readBytes(String)} of the same tensor; {@code dense:OIHW} is the
 * layout path with nothing to move, and {@code dense:OIHW:f16} the same with only a dtype
 * conversion.
 *
 * <p>The package holds the one OIHW weight ({@link BenchmarkWeights#convOihw}: the synthetic
 * {@code conv3x3} [256,128,3,3], or {@code corpus-conv}), packed in the trial's setup with the
 * given codecs. {@code raw} (the default) leaves the layout work alone in the figure;
 * {@code all} adds the decode of the codec the packer picks. {@code sparsity} zeroes that
 * fraction of smallest magnitudes before packing, for CSR and BSR on a pruned weight.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar LayoutLoadBenchmark -p layout=csr,bsr:4x4 -p sparsity=0.8</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class LayoutLoadBenchmark {
    static final String READ_BYTES = "readBytes";
    private static final String NAME = "conv.weight";

    /** A {@code wpack unpack --layout} SPEC, or {@code readBytes}. */
    @Param({READ_BYTES, "dense:OIHW", "dense:OHWI", "dense:HWIO:f16", "dense:OIHW:f16", "blocked:OIhw8i8o",
            "panels:nr8:kr1", "csr", "bsr:4x4", "q8_0", "q4_0"})
    public String layout;

    @Param({"conv3x3", "corpus-conv"})
    public String tensor;

    /** Codecs the packer may use, as {@code wpack pack --codecs}; {@code all}: every one suited. */
    @Param({"raw"})
    public String codecs;

    @Param({"0"})
    public double sparsity;

    private Path dir;
    private WpkPackage pkg;
    private Layout parsed;
    private long outputBytes;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        BenchmarkWeights.FloatTensor t = BenchmarkWeights.convOihw(tensor);
        float[] values = t.values();
        if (sparsity > 0) {
            values = MagnitudePruner.prune(t.view(), sparsity).apply(values);
        }
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("source_format", "synthetic");
        meta.put("producer", "wpack-benchmarks");
        ImportedModel model = new ImportedModel(meta, List.of(ImportedTensor.plain(NAME, DType.F32, t.shape(),
                Map.of(), TensorData.of(b.array()))));
        dir = Files.createTempDirectory("wpack-jmh-layout");
        Path file = dir.resolve("conv.wpk");
        List<String> allowed = "all".equals(codecs) ? List.of() : List.of(codecs.split(","));
        new Packer(PackOptions.defaults().withCodecs(allowed)).pack(model, file, null);
        pkg = WpkPackage.open(file);
        parsed = READ_BYTES.equals(layout) ? null : Layout.parse(layout);
        outputBytes = READ_BYTES.equals(layout) ? pkg.readBytes(NAME).length : partBytes(load());
        System.err.printf(Locale.ROOT, "%n%s of %s%s: %d bytes out (%.3f x the f32 tensor); package %d bytes, %s%n",
                layout, t.describe(), sparsity > 0 ? String.format(Locale.ROOT, ", %.0f%% pruned", sparsity * 100) : "",
                outputBytes, outputBytes / (values.length * 4.0), Files.size(file), pkg.tensor(NAME).encodingName());
    }

    private static long partBytes(LayoutResult r) {
        long n = 0;
        for (LayoutResult.Part p : r.parts()) {
            n += p.byteLength();
        }
        return n;
    }

    private LayoutResult load() throws IOException {
        return LayoutLoader.load(pkg, NAME, parsed);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        pkg.close();
        ScratchFiles.deleteTree(dir);
    }

    @Benchmark
    public Object loadLayout(DecodedBytes counter) throws IOException {
        Object r = parsed == null ? pkg.readBytes(NAME) : load();
        counter.bytes += outputBytes;
        return r;
    }
}
