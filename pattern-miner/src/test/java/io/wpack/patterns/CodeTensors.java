package io.wpack.patterns;

import java.util.Random;

/** Deterministic code tensors for the miner's tests. */
final class CodeTensors {
    private CodeTensors() {
    }

    static byte nonZero(Random random, double sigma) {
        int v;
        do {
            v = (int) Math.round(random.nextGaussian() * sigma);
        } while (v == 0 || v < -127 || v > 127);
        return (byte) v;
    }

    /** A TF.js-style {@code [1, 1, I, O]} filter whose output channels differ in sparsity and spread. */
    static CodeTensor channelStructured(int in, int out, long seed) {
        Random random = new Random(seed);
        double[] keep = new double[out];
        double[] sigma = new double[out];
        for (int c = 0; c < out; c++) {
            keep[c] = random.nextInt(3) == 0 ? 0.05 : 0.2 + 0.7 * random.nextDouble();
            sigma[c] = 5 + 60 * random.nextDouble();
        }
        byte[] codes = new byte[in * out];
        for (int i = 0; i < in; i++) {
            for (int c = 0; c < out; c++) {
                if (random.nextDouble() < keep[c]) {
                    codes[i * out + c] = nonZero(random, sigma[c]);
                }
            }
        }
        return new CodeTensor("channels", codes, new long[] {1, 1, in, out}, 2);
    }

    /** A {@code [rows, cols]} matrix of 1×4 blocks along axis 1 drawn from {@code distinct} planted blocks. */
    static CodeTensor plantedRows(int rows, int cols, int distinct, long seed) {
        Random random = new Random(seed);
        byte[][] library = new byte[distinct][4];
        for (byte[] entry : library) {
            for (int j = 0; j < 4; j++) {
                entry[j] = random.nextInt(3) == 0 ? 0 : nonZero(random, 30);
            }
        }
        byte[] codes = new byte[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c + 4 <= cols; c += 4) {
                int k = (int) Math.min(distinct - 1, Math.floor(Math.pow(random.nextDouble(), 2) * distinct));
                System.arraycopy(library[k], 0, codes, r * cols + c, 4);
            }
        }
        return new CodeTensor("planted", codes, new long[] {rows, cols}, 1);
    }

    /** An ONNX-style {@code [O, I, 3, 3]} filter pruned to PatDNN patterns: 4 of 9 kept, from a library. */
    static CodeTensor patternPruned(int out, int in, int patterns, long seed) {
        Random random = new Random(seed);
        int[] library = new int[patterns];
        for (int p = 0; p < patterns; p++) {
            int mask = 1 << 4;
            while (Integer.bitCount(mask) < 4) {
                mask |= 1 << random.nextInt(9);
            }
            library[p] = mask;
        }
        byte[] codes = new byte[out * in * 9];
        for (int k = 0; k < out * in; k++) {
            int mask = random.nextInt(5) == 0 ? 0 : library[random.nextInt(patterns)];
            for (int j = 0; j < 9; j++) {
                if ((mask >>> j & 1) != 0) {
                    codes[k * 9 + j] = nonZero(random, 25);
                }
            }
        }
        return new CodeTensor("patterns", codes, new long[] {out, in, 3, 3}, 1);
    }

    static CodeTensor random(long[] shape, int reductionAxis, int alphabet, double zeros, long seed) {
        Random random = new Random(seed);
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        byte[] codes = new byte[(int) n];
        for (int i = 0; i < n; i++) {
            codes[i] = random.nextDouble() < zeros ? 0 : (byte) (random.nextInt(alphabet) - alphabet / 2);
        }
        return new CodeTensor("random", codes, shape, reductionAxis);
    }
}
