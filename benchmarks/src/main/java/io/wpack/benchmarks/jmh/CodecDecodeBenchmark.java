package io.wpack.benchmarks.jmh;

import io.wpack.encoders.BitPackCodec;
import io.wpack.encoders.ByteCodec;
import io.wpack.encoders.ChannelContextCodec;
import io.wpack.encoders.Codecs;
import io.wpack.encoders.pattern.MaskValuesCodec;
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
 * Single-threaded decode throughput of each codec on one chunk, into a heap byte array: the
 * general-purpose ones (raw, lz4, deflate, xz) and the specialised ones the packer adds
 * (huffman for every type, huffman-nz and zeroruns for one-byte types, floatplanes for float32),
 * and bitpack as the packer would configure it for the data. Read the
 * {@code bytes} secondary result: decoded bytes per second.
 *
 * <p>The data ({@link BenchmarkWeights#codecData}): {@code f32}, float32 corpus weights;
 * {@code int8}, int8 per-channel codes of three corpus models; {@code int8-mag80}, the same
 * after 80% magnitude pruning. Every codec runs on every data kind, including the two pairings
 * the packer never tries (huffman-nz on f32, floatplanes on int8). {@code maskvalues} runs in its
 * default configuration (blocks of 8 in the chunk's own order, one segment); the miner's per-tensor
 * layouts need a tensor's shape, which a chunk of several tensors does not have; for the same
 * reason {@code channel-ac} runs as one channel.
 *
 * <p>For {@code zstd -d} on the same bytes, as a process on the same machine, run
 * {@link ZstdDecodeReference}; setup prints the data's CRC32, which that tool prints too.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar CodecDecodeBenchmark -p codec=huffman,huffman-nz -p data=int8</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class CodecDecodeBenchmark {
    /**
     * Codec manifest names; {@code floatplanes} is its float32 configuration, {@code bitpack} the
     * narrowest one-byte configuration for the data (width 8 when nothing narrower holds it).
     */
    @Param({"raw", "lz4", "deflate", "xz", "huffman", "huffman-nz", "huffman-model", "zeroruns", "bitpack",
            "floatplanes", "maskvalues", "channel-ac"})
    public String codec;

    @Param({"f32", "int8", "int8-mag80"})
    public String data;

    /** Decoded bytes per chunk; 4 MiB holds most of a small model's weights. */
    @Param({"4194304"})
    public int chunkBytes;

    private ByteCodec c;
    private byte[] encoded;
    private ByteBuffer decoded;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        StringBuilder source = new StringBuilder();
        byte[] weights = BenchmarkWeights.codecData(data, chunkBytes, source);
        c = codec.equals(BitPackCodec.NAME) ? bitpackFor(weights)
                : codec.equals(io.wpack.encoders.ModelHuffmanCodec.NAME)
                ? io.wpack.encoders.ModelHuffmanCodec.choose(weights, 0, weights.length) : codec.equals(MaskValuesCodec.NAME) ? Codecs.MASKVALUES
                : codec.equals(ChannelContextCodec.NAME) ? new ChannelContextCodec(1, 1, 0) : Codecs.byName(codec);
        encoded = c.encode(weights, 0, weights.length);
        decoded = ByteBuffer.allocate(weights.length);
        c.decode(ByteBuffer.wrap(encoded), decoded);
        if (!decoded.flip().equals(ByteBuffer.wrap(weights))) {
            throw new IllegalStateException(codec + " does not round-trip the benchmark data");
        }
        System.err.printf(Locale.ROOT, "%n%s on %s: %d -> %d bytes (%.3f)%n", c, source, weights.length,
                encoded.length, (double) encoded.length / weights.length);
    }

    private static BitPackCodec bitpackFor(byte[] weights) {
        BitPackCodec chosen = BitPackCodec.choose(weights, 0, weights.length, 1);
        return chosen != null ? chosen : new BitPackCodec(1, 8, 0);
    }

    @Benchmark
    public ByteBuffer decode(DecodedBytes counter) throws WpkFormatException {
        decoded.clear();
        c.decode(ByteBuffer.wrap(encoded), decoded);
        counter.bytes += decoded.capacity();
        return decoded;
    }
}
