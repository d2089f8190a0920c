package io.wpack.encoders;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * A rough look at the entropy coders' ratio and single-threaded decode speed on 16 MiB chunks
 * of synthetic weights, beside deflate and lz4 on the same bytes; run by hand, not a benchmark
 * (those are JMH, in the benchmarks module). Best of several decodes, heap to heap.
 */
public final class EntropyCoderSpeedCheck {
    /** Decode times are the thread's CPU time: the build machine is shared. */
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private EntropyCoderSpeedCheck() {
    }

    public static void main(String[] args) throws IOException {
        int n = 4 << 20;
        Random random = new Random(1);
        ByteBuffer f32 = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            f32.putFloat((float) (random.nextGaussian() * 0.02));
        }
        byte[] bf16 = new byte[2 * n];
        for (int i = 0; i < n; i++) {
            bf16[2 * i] = f32.get(4 * i + 2);
            bf16[2 * i + 1] = f32.get(4 * i + 3);
        }
        byte[] wide = HuffmanNonZeroCodecTest.sparseInt8(4 * n, 0, 20, 2);
        byte[] narrow = new byte[4 * n];
        for (int i = 0; i < narrow.length; i++) {
            narrow[i] = (byte) Math.round(random.nextGaussian() * 2);
        }
        byte[] sparse = HuffmanNonZeroCodecTest.sparseInt8(4 * n, 0.8, 20, 3);
        Object[][] cases = {
            {"fp32 N(0,.02)", f32.array(), new ByteCodec[] {Codecs.FLOATPLANES_32, Codecs.DEFLATE}},
            {"bf16 N(0,.02)", bf16, new ByteCodec[] {Codecs.FLOATPLANES_16, Codecs.DEFLATE}},
            {"int8 N(0,20)", wide, new ByteCodec[] {Codecs.HUFFMAN, Codecs.DEFLATE, Codecs.LZ4}},
            {"int8 N(0,2)", narrow, new ByteCodec[] {Codecs.HUFFMAN, Codecs.DEFLATE, Codecs.LZ4}},
            {"int8 80% zero", sparse, new ByteCodec[] {Codecs.HUFFMAN, Codecs.HUFFMAN_NZ, Codecs.DEFLATE, Codecs.LZ4}},
        };
        for (Object[] c : cases) {
            byte[] data = (byte[]) c[1];
            for (ByteCodec codec : (ByteCodec[]) c[2]) {
                long t0 = System.nanoTime();
                byte[] encoded = codec.encode(data, 0, data.length);
                long encodeNanos = System.nanoTime() - t0;
                ByteBuffer out = ByteBuffer.allocate(data.length);
                long best = Long.MAX_VALUE;
                for (int rep = 0; rep < 20; rep++) {
                    out.clear();
                    long t1 = THREADS.getCurrentThreadCpuTime();
                    codec.decode(ByteBuffer.wrap(encoded), out);
                    best = Math.min(best, THREADS.getCurrentThreadCpuTime() - t1);
                }
                if (!java.util.Arrays.equals(data, out.array())) {
                    throw new AssertionError(codec + " did not round-trip");
                }
                System.out.printf("%-14s %-22s ratio %.4f  encode %6.0f MB/s  decode %6.0f MB/s%n", c[0], codec,
                        (double) encoded.length / data.length, data.length * 1e3 / encodeNanos, data.length * 1e3 / best);
            }
        }
    }
}
