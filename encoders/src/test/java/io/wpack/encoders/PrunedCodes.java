package io.wpack.encoders;

import java.util.Arrays;
import java.util.Random;

/** Synthetic one-byte codes laid out [outer, channels, inner], as per-channel quantizers leave them. */
final class PrunedCodes {
    private PrunedCodes() {
    }

    /** Codes with a per-channel spread and a share of zero bytes; every byte value can occur. */
    static byte[] perChannel(int outer, int channels, int inner, double zeroShare, int zero, Random random) {
        byte[] out = new byte[outer * channels * inner];
        int[] spread = new int[channels];
        for (int c = 0; c < channels; c++) {
            spread[c] = 1 + random.nextInt(128);
        }
        for (int o = 0; o < outer; o++) {
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < inner; i++) {
                    int d = random.nextDouble() < zeroShare ? 0 : (int) Math.round(random.nextGaussian() * spread[c]);
                    out[(o * channels + c) * inner + i] = (byte) (zero + Math.max(-128, Math.min(127, d)));
                }
            }
        }
        return out;
    }

    /**
     * Laplace weights with a scale per channel, pruned by magnitude with one threshold for the
     * tensor, then quantized symmetric int8 per channel (the channel's largest |w| maps to 127).
     */
    static byte[] laplacePerChannel(int outer, int channels, int inner, double sparsity, Random random) {
        int n = outer * channels * inner;
        double[] w = new double[n];
        double[] scale = new double[channels];
        for (int c = 0; c < channels; c++) {
            scale[c] = Math.exp(random.nextGaussian() * 0.6);
        }
        for (int k = 0; k < n; k++) {
            int c = k / inner % channels;
            double u = random.nextDouble() - 0.5;
            w[k] = -scale[c] * Math.signum(u) * Math.log(1 - 2 * Math.abs(u));
        }
        double[] magnitudes = new double[n];
        for (int k = 0; k < n; k++) {
            magnitudes[k] = Math.abs(w[k]);
        }
        Arrays.sort(magnitudes);
        double threshold = magnitudes[(int) (sparsity * n)];
        double[] max = new double[channels];
        for (int k = 0; k < n; k++) {
            int c = k / inner % channels;
            max[c] = Math.max(max[c], Math.abs(w[k]));
        }
        byte[] codes = new byte[n];
        for (int k = 0; k < n; k++) {
            int c = k / inner % channels;
            codes[k] = Math.abs(w[k]) < threshold ? 0 : (byte) Math.round(w[k] / max[c] * 127);
        }
        return codes;
    }
}
