package io.wpack.patterns;

/**
 * Which axis to cut a tensor into segments along, for {@code maskvalues}' segment classes: the
 * axis whose indices differ most in sparsity and in the spread of their values. For each axis
 * the score is what an ideal coder would save by knowing the index, over one code for the whole
 * tensor, for the zero mask and for the magnitude buckets, less half a log2 of each index's count
 * per parameter (the price of describing per-index statistics, so that axes of many short
 * indices do not win by overfitting). One pass over the codes per axis.
 */
public final class SegmentAxes {
    private static final int BUCKETS = 14;

    private SegmentAxes() {
    }

    /** The best axis, or -1 when no axis scores above zero (then one segment serves). */
    public static int bestAxis(CodeTensor t, int zero) {
        int best = -1;
        double bestScore = 0;
        for (int a = 0; a < t.rank(); a++) {
            if (t.dim(a) > 1 && t.dim(a) < t.size()) {
                double score = score(t, a, zero);
                if (score > bestScore) {
                    bestScore = score;
                    best = a;
                }
            }
        }
        return best;
    }

    /** Bits an ideal coder saves by knowing the index along {@code axis}; negative when it does not pay. */
    public static double score(CodeTensor t, int axis, int zero) {
        byte[] codes = t.codes();
        int outer = t.outer(axis);
        int dim = t.dim(axis);
        int inner = t.stride(axis);
        // One row of BUCKETS + 1 counters per index; column BUCKETS counts the zeros, so the
        // inner loop is a lookup and an increment, without a branch.
        int width = BUCKETS + 1;
        int[] column = new int[256];
        for (int b = 0; b < 256; b++) {
            column[b] = b == zero ? BUCKETS : bucket(Math.abs((byte) (b - zero)) - 1);
        }
        // Four interleaved copies when runs of codes share a row: at high sparsity most updates
        // hit the same counter, and each would wait for the last one's store.
        int copies = inner >= 4 ? 4 : 1;
        int copy = dim * width;
        int[] counts = new int[copies * copy];
        int i = 0;
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < dim; j++) {
                int row = j * width;
                if (copies == 4) {
                    int k = 0;
                    for (; k + 4 <= inner; k += 4, i += 4) {
                        counts[row + column[codes[i] & 0xFF]]++;
                        counts[copy + row + column[codes[i + 1] & 0xFF]]++;
                        counts[2 * copy + row + column[codes[i + 2] & 0xFF]]++;
                        counts[3 * copy + row + column[codes[i + 3] & 0xFF]]++;
                    }
                    for (; k < inner; k++) {
                        counts[row + column[codes[i++] & 0xFF]]++;
                    }
                } else {
                    for (int k = 0; k < inner; k++) {
                        counts[row + column[codes[i++] & 0xFF]]++;
                    }
                }
            }
        }
        for (int c = 1; c < copies; c++) {
            for (int x = 0; x < copy; x++) {
                counts[x] += counts[c * copy + x];
            }
        }
        long[] buckets = new long[dim * BUCKETS];
        for (int j = 0; j < dim; j++) {
            for (int b = 0; b < BUCKETS; b++) {
                buckets[j * BUCKETS + b] = counts[j * width + b];
            }
        }
        long[] nonZero = new long[dim];
        long n = t.size();
        long[] allBuckets = new long[BUCKETS];
        long nz = 0;
        for (int j = 0; j < dim; j++) {
            for (int b = 0; b < BUCKETS; b++) {
                allBuckets[b] += buckets[j * BUCKETS + b];
                nonZero[j] += buckets[j * BUCKETS + b];
            }
            nz += nonZero[j];
        }
        double whole = binary(nz, n) + Entropy.totalBits(allBuckets);
        double perIndex = 0;
        long perIndexCount = n / dim;
        long[] row = new long[BUCKETS];
        for (int j = 0; j < dim; j++) {
            System.arraycopy(buckets, j * BUCKETS, row, 0, BUCKETS);
            int used = 0;
            for (long c : row) {
                used += c > 0 ? 1 : 0;
            }
            boolean mixed = nonZero[j] > 0 && nonZero[j] < perIndexCount;
            perIndex += binary(nonZero[j], perIndexCount) + Entropy.totalBits(row)
                    + ((mixed ? 1 : 0) + Math.max(0, used - 1)) / (2 * Math.log(2));
        }
        return whole - perIndex;
    }

    private static double binary(long k, long n) {
        return Entropy.totalBits(new long[] {k, n - k});
    }

    /** The magnitude bucket maskvalues codes (v = |d| - 1). */
    static int bucket(int v) {
        if (v < 4) {
            return v;
        }
        int e = 31 - Integer.numberOfLeadingZeros(v);
        return 4 + 2 * (e - 2) + (v >>> (e - 1) & 1);
    }
}
