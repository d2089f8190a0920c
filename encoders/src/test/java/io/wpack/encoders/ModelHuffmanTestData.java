package io.wpack.encoders;

import java.util.Random;

/** Small int8 tensors for huffman-model and their order-0 entropy (no test-framework classes, so mains can use it). */
final class ModelHuffmanTestData {
    private ModelHuffmanTestData() {
    }

    /** Σ n·H0 / 8 of the bytes: what an order-0 coder with a free code would need. */
    static double entropyBytes(byte[] data) {
        long[] counts = new long[256];
        for (byte b : data) {
            counts[b & 0xFF]++;
        }
        double bits = 0;
        for (long c : counts) {
            if (c > 0) {
                bits -= c * (Math.log((double) c / data.length) / Math.log(2));
            }
        }
        return bits / 8;
    }

    /** int8 codes: zero with probability {@code zeros}, else a Laplace magnitude of the given scale, at least 1. */
    static byte[] laplaceInt8(int size, double zeros, double scale, Random random) {
        byte[] out = new byte[size];
        for (int i = 0; i < size; i++) {
            if (random.nextDouble() < zeros) {
                continue;
            }
            int m = (int) Math.min(127, 1 + Math.floor(-scale * Math.log(1 - random.nextDouble())));
            out[i] = (byte) (random.nextBoolean() ? m : -m);
        }
        return out;
    }


    /** Bytes of the payload under the optimal code for the exact histogram (at most 15 bits), table not counted. */
    static long optimalCodeBytes(byte[] data) {
        long[] counts = new long[256];
        for (byte b : data) {
            counts[b & 0xFF]++;
        }
        int[] lengths = io.wpack.encoders.huffman.CanonicalHuffmanEncoder.fromCounts(counts, 15).codeLengths();
        long bits = 0;
        for (int s = 0; s < 256; s++) {
            bits += counts[s] * lengths[s];
        }
        return (bits + 8) / 8;
    }
}
