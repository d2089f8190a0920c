package io.wpack.benchmarks;

/**
 * Order-0 entropy of byte histograms: {@code n·H0 = n·log2(n) − Σ c·log2(c)} bits for a
 * histogram of {@code n} bytes. This bounds what a coder that sees each byte on its own, with
 * one fixed distribution per histogram, can reach (Huffman and FSE get within a fraction of a
 * bit of it). It is not a bound for coders with context (LZ matches, LZMA's literal contexts),
 * which can and do go below it.
 */
public final class ByteEntropy {
    private ByteEntropy() {
    }

    /** {@code n·H0} in bits for one histogram of 256 counts. */
    public static double bits(long[] histogram) {
        long n = 0;
        double sum = 0;
        for (long c : histogram) {
            if (c > 0) {
                n += c;
                sum += c * log2(c);
            }
        }
        return n == 0 ? 0 : n * log2(n) - sum;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
