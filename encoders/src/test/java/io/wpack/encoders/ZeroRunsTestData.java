package io.wpack.encoders;

import java.util.Random;

/** Sparse int8/uint8 codes with the zero structures zeroruns is for. */
final class ZeroRunsTestData {
    private ZeroRunsTestData() {
    }

    /** A non-zero code, Gaussian with spread {@code sigma}, never {@code zero}. */
    static byte value(Random random, double sigma, int zero) {
        while (true) {
            int v = (int) Math.round(random.nextGaussian() * sigma);
            if (v != 0 && v >= -127 && v <= 127) {
                return (byte) (v + zero);
            }
        }
    }

    /** Each element zero with probability {@code sparsity}, independently. */
    static byte[] unstructured(int n, double sparsity, double sigma, int zero, long seed) {
        Random random = new Random(seed);
        byte[] data = new byte[n];
        for (int i = 0; i < n; i++) {
            data[i] = random.nextDouble() < sparsity ? (byte) zero : value(random, sigma, zero);
        }
        return data;
    }

    /** Blocks of {@code block} elements pruned whole with probability {@code sparsity}; kept blocks dense. */
    static byte[] blockPruned(int n, int block, double sparsity, double sigma, int zero, long seed) {
        Random random = new Random(seed);
        byte[] data = new byte[n];
        for (int start = 0; start < n; start += block) {
            boolean pruned = random.nextDouble() < sparsity;
            for (int i = start; i < Math.min(n, start + block); i++) {
                data[i] = pruned ? (byte) zero : value(random, sigma, zero);
            }
        }
        return data;
    }

    /** Alternating zero runs and non-zero runs of geometric lengths with the given means. */
    static byte[] longRuns(int n, double meanZeros, double meanValues, double sigma, int zero, long seed) {
        Random random = new Random(seed);
        byte[] data = new byte[n];
        int i = 0;
        while (i < n) {
            int zeros = geometric(random, meanZeros);
            for (int end = Math.min(n, i + zeros); i < end; i++) {
                data[i] = (byte) zero;
            }
            int kept = geometric(random, meanValues);
            for (int end = Math.min(n, i + kept); i < end; i++) {
                data[i] = value(random, sigma, zero);
            }
        }
        return data;
    }

    private static int geometric(Random random, double mean) {
        return 1 + (int) (Math.log(1 - random.nextDouble()) / Math.log(1 - 1 / Math.max(1.0001, mean)));
    }
}
