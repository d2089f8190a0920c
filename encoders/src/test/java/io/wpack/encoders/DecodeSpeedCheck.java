package io.wpack.encoders;

import org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorInputStream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * A rough look at decode speed, run by hand; not a benchmark (those are JMH, in the benchmarks
 * module). Prints MB/s of decoded output for each codec on a few data shapes, and commons-compress's
 * LZ4 block decoder for comparison.
 */
public final class DecodeSpeedCheck {
    private DecodeSpeedCheck() {
    }

    public static void main(String[] args) throws IOException {
        int size = 16 << 20;
        String[] names = {"float32", "text", "mixed", "zeros"};
        byte[][] inputs = {TestData.float32Like(size, 1), TestData.textLike(size, 2), TestData.mixed(size, 3), new byte[size]};
        for (int k = 0; k < inputs.length; k++) {
            byte[] data = inputs[k];
            for (ByteCodec codec : Codecs.generalPurpose()) {
                long t0 = System.nanoTime();
                byte[] encoded = codec.encode(data, 0, data.length);
                long encodeNanos = System.nanoTime() - t0;
                ByteBuffer src = ByteBuffer.wrap(encoded);
                ByteBuffer heapDst = ByteBuffer.allocate(size);
                double heap = best(() -> codec.decode(src.duplicate(), heapDst.clear()), size, codec);
                ByteBuffer direct = ByteBuffer.allocateDirect(size);
                double toDirect = best(() -> codec.decode(src.duplicate(), direct.clear()), size, codec);
                System.out.printf("%-8s %-8s ratio %6.3f  encode %7.1f MB/s  decode heap %7.0f MB/s  direct %7.0f MB/s%n",
                        names[k], codec.name(), (double) encoded.length / size, size * 1e3 / encodeNanos, heap, toDirect);
                if (codec == Codecs.LZ4) {
                    double commons = best(() -> {
                        try (InputStream in = new BlockLZ4CompressorInputStream(new ByteArrayInputStream(encoded))) {
                            in.readNBytes(new byte[size], 0, size);
                        }
                    }, size, codec);
                    System.out.printf("%-8s %-8s %56s %7.0f MB/s%n", names[k], "cc-lz4", "commons-compress decode heap", commons);
                }
            }
        }
    }

    interface Run {
        void run() throws IOException;
    }

    private static double best(Run run, int size, ByteCodec codec) throws IOException {
        int reps = codec == Codecs.XZ ? 2 : 8;
        long best = Long.MAX_VALUE;
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            run.run();
            best = Math.min(best, System.nanoTime() - t0);
        }
        return size * 1e3 / best;
    }
}
