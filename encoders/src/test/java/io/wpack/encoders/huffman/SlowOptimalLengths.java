package io.wpack.encoders.huffman;

/**
 * The slow oracle for length-limited codes: tries every assignment of lengths 1..maxLength to the
 * occurring symbols and keeps the cheapest one whose Kraft sum is at most 1. Exponential; for
 * alphabets of a few symbols.
 */
final class SlowOptimalLengths {
    private SlowOptimalLengths() {
    }

    /** The minimal total bits, or 1 bit per symbol for a single occurring symbol. */
    static long cost(long[] counts, int maxLength) {
        long[] used = java.util.Arrays.stream(counts).filter(c -> c > 0).toArray();
        if (used.length == 1) {
            return used[0];
        }
        return search(used, 0, maxLength, 0.0, 0);
    }

    private static long search(long[] used, int k, int maxLength, double kraft, long cost) {
        if (kraft > 1.0 + 1e-12) {
            return Long.MAX_VALUE;
        }
        if (k == used.length) {
            return cost;
        }
        long best = Long.MAX_VALUE;
        for (int len = 1; len <= maxLength; len++) {
            best = Math.min(best, search(used, k + 1, maxLength, kraft + Math.pow(2, -len), cost + used[k] * len));
        }
        return best;
    }
}
