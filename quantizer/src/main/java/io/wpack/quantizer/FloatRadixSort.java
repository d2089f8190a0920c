package io.wpack.quantizer;

import java.util.Arrays;

/**
 * Sorts floats in the order of {@link Arrays#sort(float[])} (so -0 before +0) with a
 * three-pass LSD radix sort on order-preserving integer keys: for the millions of values of
 * a large tensor it is several times faster than the comparison sort, and sorting is the
 * largest cost of building a codebook. Small arrays go to {@link Arrays#sort(float[])}. NaN
 * is not expected (callers reject it first).
 */
final class FloatRadixSort {
    private static final int SMALL = 1 << 14;

    private FloatRadixSort() {
    }

    static void sort(float[] a) {
        int n = a.length;
        if (n < SMALL) {
            Arrays.sort(a);
            return;
        }
        int[] keys = new int[n];
        for (int i = 0; i < n; i++) {
            int bits = Float.floatToRawIntBits(a[i]);
            // Negative floats order backwards by their bits, so flip all their bits; flip only
            // the sign of positive ones. Unsigned order of the keys is then float order.
            keys[i] = bits < 0 ? ~bits : bits ^ 0x80000000;
        }
        int[] buffer = new int[n];
        int[] counts = new int[1 << 11];
        for (int shift = 0; shift < 32; shift += 11) {
            Arrays.fill(counts, 0);
            for (int k : keys) {
                counts[(k >>> shift) & 0x7FF]++;
            }
            int total = 0;
            for (int d = 0; d < counts.length; d++) {
                int c = counts[d];
                counts[d] = total;
                total += c;
            }
            for (int k : keys) {
                buffer[counts[(k >>> shift) & 0x7FF]++] = k;
            }
            int[] t = keys;
            keys = buffer;
            buffer = t;
        }
        for (int i = 0; i < n; i++) {
            int k = keys[i];
            a[i] = Float.intBitsToFloat(k < 0 ? k ^ 0x80000000 : ~k);
        }
    }
}
