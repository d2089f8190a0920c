package io.wpack.patterns;

/** Empirical entropies, in bits: the estimates the planners compare. */
public final class Entropy {
    private static final double LN2 = Math.log(2);
    /**
     * Math.log of small counts, looked up: the estimates of small tensors take thousands of logs
     * of small counts, which cost more than the pass over the codes. The same values, so the
     * same results.
     */
    private static final double[] LN = new double[1 << 12];

    static {
        for (int i = 1; i < LN.length; i++) {
            LN[i] = Math.log(i);
        }
    }

    private static double ln(long x) {
        return x < LN.length ? LN[(int) x] : Math.log(x);
    }

    private Entropy() {
    }

    /** {@code -sum c log2(c / total)}: the bits an ideal order-0 coder spends on these counts. */
    public static double totalBits(long[] counts) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        return totalBits(counts, counts.length, total);
    }

    /** {@link #totalBits(long[])} over the first {@code used} counts, which sum to {@code total}. */
    public static double totalBits(long[] counts, int used, long total) {
        if (total <= 0) {
            return 0;
        }
        double bits = 0;
        double logTotal = ln(total);
        for (int i = 0; i < used; i++) {
            long c = counts[i];
            if (c > 0) {
                bits += c * (logTotal - ln(c));
            }
        }
        return bits / LN2;
    }

    public static double bitsPerSymbol(long[] counts) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        return total == 0 ? 0 : totalBits(counts) / total;
    }
}
