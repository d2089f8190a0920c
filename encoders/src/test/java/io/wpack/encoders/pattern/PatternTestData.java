package io.wpack.encoders.pattern;

import java.util.Random;

/** Deterministic int8 code tensors shaped like pruned, quantized weights. */
final class PatternTestData {
    private PatternTestData() {
    }

    static byte[] random(int n, long seed) {
        byte[] data = new byte[n];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** Gaussian codes of spread {@code sigma}, clipped to ±127, a fraction pruned to 0 at random. */
    static byte[] sparseInt8(int n, double sparsity, double sigma, long seed) {
        Random random = new Random(seed);
        byte[] data = new byte[n];
        for (int i = 0; i < n; i++) {
            if (random.nextDouble() >= sparsity) {
                data[i] = nonZero(random, sigma);
            }
        }
        return data;
    }

    static byte nonZero(Random random, double sigma) {
        int v;
        do {
            v = (int) Math.round(random.nextGaussian() * sigma);
        } while (v == 0 || v < -127 || v > 127);
        return (byte) v;
    }

    /**
     * A row-major {@code [rows, channels]} matrix (a TF.js 1×1 filter, input channels by output
     * channels) whose output channels differ in sparsity and spread, as magnitude pruning with
     * one threshold per tensor leaves them.
     */
    static byte[] channelStructured(int rows, int channels, long seed) {
        Random random = new Random(seed);
        double[] keep = new double[channels];
        double[] sigma = new double[channels];
        for (int c = 0; c < channels; c++) {
            keep[c] = random.nextInt(3) == 0 ? 0.05 : 0.2 + 0.7 * random.nextDouble();
            sigma[c] = 5 + 60 * random.nextDouble();
        }
        byte[] data = new byte[rows * channels];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < channels; c++) {
                if (random.nextDouble() < keep[c]) {
                    data[r * channels + c] = nonZero(random, sigma[c]);
                }
            }
        }
        return data;
    }

    /** Blocks of B drawn from {@code distinct} random blocks (Zipf-like frequencies), some with zeros. */
    static byte[] plantedBlocks(int n, int block, int distinct, long seed) {
        Random random = new Random(seed);
        byte[][] library = new byte[distinct][block];
        for (byte[] entry : library) {
            for (int j = 0; j < block; j++) {
                entry[j] = random.nextInt(3) == 0 ? 0 : nonZero(random, 30);
            }
        }
        byte[] data = new byte[n];
        for (int i = 0; i + block <= n; i += block) {
            int k = (int) Math.min(distinct - 1, Math.floor(Math.pow(random.nextDouble(), 3) * distinct));
            System.arraycopy(library[k], 0, data, i, block);
        }
        for (int i = n / block * block; i < n; i++) {
            data[i] = (byte) random.nextInt(256);
        }
        return data;
    }

    /** 3×3 kernels, each keeping 4 of 9 positions from a library of {@code patterns} masks (PatDNN). */
    static byte[] patternPruned(int kernels, int patterns, long seed) {
        Random random = new Random(seed);
        int[] library = new int[patterns];
        for (int p = 0; p < patterns; p++) {
            int mask = 1 << 4; // the centre is always kept
            while (Integer.bitCount(mask) < 4) {
                mask |= 1 << random.nextInt(9);
            }
            library[p] = mask;
        }
        byte[] data = new byte[kernels * 9];
        for (int k = 0; k < kernels; k++) {
            int mask = random.nextInt(8) == 0 ? 0 : library[random.nextInt(patterns)];
            for (int j = 0; j < 9; j++) {
                if ((mask >>> j & 1) != 0) {
                    data[k * 9 + j] = nonZero(random, 25);
                }
            }
        }
        return data;
    }

    /** uint8 codes around a zero point of 128, a fraction at the zero point. */
    static byte[] uint8AroundZeroPoint(int n, double sparsity, long seed) {
        byte[] signed = sparseInt8(n, sparsity, 20, seed);
        byte[] data = new byte[n];
        for (int i = 0; i < n; i++) {
            data[i] = (byte) (signed[i] + 128);
        }
        return data;
    }
}
