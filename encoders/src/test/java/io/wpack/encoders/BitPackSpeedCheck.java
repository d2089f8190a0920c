package io.wpack.encoders;

import java.nio.ByteBuffer;
import java.util.Random;

/**
 * A rough look at bitpack decode speed, run by hand; not a benchmark (CodecDecodeBenchmark in the
 * benchmarks module is). Prints MB/s of decoded bytes, best of several runs on 16 MiB of
 * uniformly random symbols, for every element size and width, and huffman on the same bytes.
 */
public final class BitPackSpeedCheck {
    private BitPackSpeedCheck() {
    }

    public static void main(String[] args) throws Exception {
        int size = 16 << 20;
        Random random = new Random(1);
        for (int elem : new int[] {1, 2, 4}) {
            for (int width = 1; width <= Math.min(16, 8 * elem); width++) {
                BitPackCodec codec = new BitPackCodec(elem, width, elem == 1 ? 256 - (1 << width - 1) & 0xFF : 0);
                byte[] data = new byte[size];
                for (int i = 0; i < size; i += elem) {
                    long e = (random.nextLong() >>> 64 - width) + codec.offset();
                    for (int k = 0; k < elem; k++) {
                        data[i + k] = (byte) (e >>> 8 * k);
                    }
                }
                byte[] encoded = codec.encode(data, 0, data.length);
                ByteBuffer dst = ByteBuffer.allocate(size);
                double bitpack = best(codec, encoded, dst, data);
                String huffman = "";
                if (elem == 1) {
                    byte[] h = Codecs.HUFFMAN.encode(data, 0, data.length);
                    huffman = String.format("  huffman %6.0f MB/s", best(Codecs.HUFFMAN, h, dst, data));
                }
                System.out.printf("elem %d width %2d: ratio %.3f  bitpack decode %6.0f MB/s%s%n", elem, width,
                        (double) encoded.length / size, bitpack, huffman);
            }
        }
    }

    private static double best(ByteCodec codec, byte[] encoded, ByteBuffer dst, byte[] data) throws Exception {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 15; i++) {
            dst.clear();
            long t0 = System.nanoTime();
            codec.decode(ByteBuffer.wrap(encoded), dst);
            best = Math.min(best, System.nanoTime() - t0);
        }
        if (!ByteBuffer.wrap(data).equals(dst.flip())) {
            throw new IllegalStateException(codec + " did not round-trip");
        }
        return data.length * 1e3 / best;
    }
}
