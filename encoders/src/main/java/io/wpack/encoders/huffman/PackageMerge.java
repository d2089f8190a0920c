package io.wpack.encoders.huffman;

import java.util.Arrays;

/**
 * Optimal length-limited prefix code lengths by package-merge (Larmore and Hirschberg, "A fast
 * algorithm for optimal length-limited Huffman codes", JACM 1990): among all prefix codes whose
 * codes are at most {@code maxLength} bits, one of minimal total length.
 *
 * <p>The symbols' weights, sorted, are the "coins" of every level from {@code maxLength} up to 1.
 * Each level's list merges the coins with packages of adjacent pairs from the level below; the
 * first {@code 2n - 2} items of the top list are the optimal selection, and a symbol's code length
 * is the number of levels on which its coin is selected. Since a level's list is a merge of two
 * sorted sequences, a selected prefix of it is a prefix of the coins plus a prefix of the packages,
 * and those packages are a prefix of the level below: one flag per item and level is all that needs
 * remembering. Time and memory are {@code O(n * maxLength)}.
 */
final class PackageMerge {
    private PackageMerge() {
    }

    /**
     * Code lengths for {@code counts}: 0 for symbols of count 0, 1 for the only symbol when just
     * one has a count, otherwise an optimal complete code of at most {@code maxLength} bits. Ties
     * between equal counts are broken by symbol, so the result depends on the counts alone.
     *
     * @throws IllegalArgumentException if a count is negative, or more than {@code 2^maxLength}
     *     symbols occur
     */
    static int[] codeLengths(long[] counts, int maxLength) {
        if (maxLength < 1 || maxLength > 30) {
            throw new IllegalArgumentException("maxLength " + maxLength + " is not in [1, 30]");
        }
        int[] lengths = new int[counts.length];
        int used = 0;
        for (int s = 0; s < counts.length; s++) {
            if (counts[s] < 0) {
                throw new IllegalArgumentException("negative count for symbol " + s);
            }
            if (counts[s] > 0) {
                used++;
            }
        }
        if (used == 0) {
            return lengths;
        }
        if (used > (1 << maxLength)) {
            throw new IllegalArgumentException(used + " symbols do not fit in codes of at most " + maxLength + " bits");
        }
        int[] symbols = sortedSymbols(counts, used);
        if (used == 1) {
            lengths[symbols[0]] = 1;
            return lengths;
        }
        long[] coins = new long[used];
        for (int i = 0; i < used; i++) {
            coins[i] = counts[symbols[i]];
        }

        // leafFlags[d]: for the list of level d + 1 (0 = top, maxLength - 1 = bottom), whether
        // each item is a coin (true) or a package.
        boolean[][] leafFlags = new boolean[maxLength][];
        long[] below = coins.clone();
        int belowSize = used;
        leafFlags[maxLength - 1] = new boolean[used];
        Arrays.fill(leafFlags[maxLength - 1], true);
        long[] list = new long[2 * used];
        for (int d = maxLength - 2; d >= 0; d--) {
            int packages = belowSize / 2;
            int size = used + packages;
            boolean[] flags = new boolean[size];
            int c = 0;
            int p = 0;
            for (int k = 0; k < size; k++) {
                long packageWeight = p < packages ? below[2 * p] + below[2 * p + 1] : Long.MAX_VALUE;
                if (c < used && coins[c] <= packageWeight) {
                    list[k] = coins[c++];
                    flags[k] = true;
                } else {
                    list[k] = packageWeight;
                    p++;
                }
            }
            leafFlags[d] = flags;
            long[] swap = below;
            below = list;
            list = swap.length >= 2 * used ? swap : new long[2 * used];
            belowSize = size;
        }

        int selected = 2 * used - 2;
        for (int d = 0; d < maxLength && selected > 0; d++) {
            boolean[] flags = leafFlags[d];
            if (selected > flags.length) {
                throw new IllegalStateException("package-merge selected more items than level " + (d + 1) + " holds");
            }
            int leaves = 0;
            for (int k = 0; k < selected; k++) {
                if (flags[k]) {
                    leaves++;
                }
            }
            for (int k = 0; k < leaves; k++) {
                lengths[symbols[k]]++;
            }
            selected = 2 * (selected - leaves);
        }
        return lengths;
    }

    /** The symbols with a non-zero count, by count and then by symbol. */
    private static int[] sortedSymbols(long[] counts, int used) {
        long[] keys = new long[used];
        int k = 0;
        boolean small = true;
        for (int s = 0; s < counts.length; s++) {
            if (counts[s] > 0) {
                small &= counts[s] < (1L << 46);
                keys[k++] = counts[s] << 17 | s;
            }
        }
        int[] symbols = new int[used];
        if (small && counts.length <= (1 << 17)) {
            Arrays.sort(keys);
            for (int i = 0; i < used; i++) {
                symbols[i] = (int) (keys[i] & ((1 << 17) - 1));
            }
            return symbols;
        }
        Integer[] boxed = new Integer[used];
        for (int s = 0, i = 0; s < counts.length; s++) {
            if (counts[s] > 0) {
                boxed[i++] = s;
            }
        }
        Arrays.sort(boxed, (a, b) -> counts[a] != counts[b] ? Long.compare(counts[a], counts[b]) : Integer.compare(a, b));
        for (int i = 0; i < used; i++) {
            symbols[i] = boxed[i];
        }
        return symbols;
    }
}
