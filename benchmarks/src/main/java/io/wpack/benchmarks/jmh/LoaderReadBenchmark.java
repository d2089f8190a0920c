package io.wpack.benchmarks.jmh;

import io.wpack.benchmarks.ModelSource;
import io.wpack.benchmarks.ScratchFiles;
import io.wpack.formats.TensorEntry;
import io.wpack.loader.ByteSink;
import io.wpack.loader.ByteSinks;
import io.wpack.loader.Representation;
import io.wpack.loader.WpkPackage;
import io.wpack.packer.PackOptions;
import io.wpack.packer.Packer;
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
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

/**
 * Random-access loading of a whole package into {@code byte[]} sinks through
 * {@link WpkPackage#read}: every tensor, logical form, on one thread ({@code single}) or
 * tensors in parallel on a pool of all cores ({@code parallel}). The package is packed once
 * per trial, lossless, with the given codecs ({@code all}: the packer's default, each tensor
 * through whichever suited codec was smallest) and stays open; sinks are allocated once. Read the {@code bytes}
 * secondary result: decoded bytes per second.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar LoaderReadBenchmark -p codecs=lz4</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class LoaderReadBenchmark {
    @Param({"single", "parallel"})
    public String threads;

    /** Codecs the packer may use, comma-separated as {@code wpack pack --codecs}; {@code all}: every one suited. */
    @Param({"all", "lz4"})
    public String codecs;

    private Path dir;
    private WpkPackage pkg;
    private List<TensorEntry> tensors;
    private ByteSink[] sinks;
    private long totalBytes;
    private ForkJoinPool pool;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        ModelSource model = BenchmarkWeights.model();
        dir = Files.createTempDirectory("wpack-jmh-loader");
        Path file = dir.resolve("model.wpk");
        List<String> allowed = "all".equals(codecs) ? List.of() : List.of(codecs.split(","));
        new Packer(PackOptions.defaults().withCodecs(allowed)).pack(model.importModel(), file, null);
        pkg = WpkPackage.open(file);
        tensors = pkg.tensors();
        sinks = new ByteSink[tensors.size()];
        for (int i = 0; i < sinks.length; i++) {
            long n = WpkPackage.outputBytes(tensors.get(i), Representation.LOGICAL);
            sinks[i] = ByteSinks.of(new byte[Math.toIntExact(n)]);
            totalBytes += n;
        }
        pool = "parallel".equals(threads) ? new ForkJoinPool(Runtime.getRuntime().availableProcessors()) : null;
        System.err.printf(Locale.ROOT, "%n%s packed with %s: %d tensors, %d bytes decoded from %d%n", model.id(),
                codecs, tensors.size(), totalBytes, Files.size(file));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (pool != null) {
            pool.shutdownNow();
        }
        pkg.close();
        ScratchFiles.deleteTree(dir);
    }

    @Benchmark
    public int readAll(DecodedBytes counter) throws IOException {
        if (pool == null) {
            for (int i = 0; i < sinks.length; i++) {
                pkg.read(tensors.get(i), sinks[i], Representation.LOGICAL);
            }
        } else {
            List<CompletableFuture<Void>> tasks = new ArrayList<>(sinks.length);
            for (int i = 0; i < sinks.length; i++) {
                TensorEntry t = tensors.get(i);
                ByteSink sink = sinks[i];
                tasks.add(CompletableFuture.runAsync(() -> {
                    try {
                        pkg.read(t, sink, Representation.LOGICAL);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, pool));
            }
            CompletableFuture.allOf(tasks.toArray(new CompletableFuture<?>[0])).join();
        }
        counter.bytes += totalBytes;
        return sinks.length;
    }
}
