package io.wpack.benchmarks.jmh;

import io.wpack.encoders.ByteCodec;
import io.wpack.encoders.Codecs;
import io.wpack.formats.WpkFormatException;
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
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Decode throughput of each codec on real float32 weights, as one chunk: the general-purpose
 * ones (raw, lz4, deflate, xz) and those the packer adds for float32 (huffman, floatplanes). Read the {@code bytes} secondary result: decoded bytes per second.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar CodecDecodeBenchmark -p codec=lz4,xz</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class CodecDecodeBenchmark {
    /** Codec manifest names; {@code floatplanes} is its float32 configuration. */
    @Param({"raw", "lz4", "deflate", "xz", "huffman", "floatplanes"})
    public String codec;

    /** Decoded bytes per chunk; 4 MiB holds most of a small model's weights. */
    @Param({"4194304"})
    public int chunkBytes;

    private ByteCodec c;
    private byte[] encoded;
    private ByteBuffer decoded;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        StringBuilder source = new StringBuilder();
        byte[] weights = BenchmarkWeights.float32(chunkBytes, source);
        c = Codecs.byName(codec);
        encoded = c.encode(weights, 0, weights.length);
        decoded = ByteBuffer.allocate(weights.length);
        c.decode(ByteBuffer.wrap(encoded), decoded);
        if (!decoded.flip().equals(ByteBuffer.wrap(weights))) {
            throw new IllegalStateException(codec + " does not round-trip the benchmark data");
        }
        System.err.printf(Locale.ROOT, "%n%s on %s: %d -> %d bytes (%.3f)%n", codec, source, weights.length,
                encoded.length, (double) encoded.length / weights.length);
    }

    @Benchmark
    public ByteBuffer decode(DecodedBytes counter) throws WpkFormatException {
        decoded.clear();
        c.decode(ByteBuffer.wrap(encoded), decoded);
        counter.bytes += decoded.capacity();
        return decoded;
    }
}
