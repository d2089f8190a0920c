package io.wpack.encoders;

import io.wpack.encoders.huffman.BitWriter;
import io.wpack.encoders.huffman.CanonicalHuffmanEncoder;

/**
 * Chooses how to split a chunk's elements ({@link #plan}) and writes the {@link FloatPlanesDecoder}
 * grammar ({@link #encode}).
 *
 * <p>The choice is exact up to stream padding: for every split B and with or without the zero
 * symbol, the encoder builds the optimal code from the histogram of the top B bits and adds the
 * table, the coded symbols and the raw low bits. One histogram of the top 16 bits gives all of
 * them, halving it per bit. Measured on the corpus, B lands on sign, exponent and one to three
 * mantissa bits for large fp32 tensors, fewer for small ones, whose table must pay for itself
 * (B = 8, sign and the top 7 exponent bits, is the most common choice for fp32 biases).
 */
final class FloatPlanesEncoder {
    private FloatPlanesEncoder() {
    }

    /** The chosen split of one chunk. */
    static final class Plan {
        final int highBits;
        final boolean zeroSymbol;
        final long estimatedSize;

        Plan(int highBits, boolean zeroSymbol, long estimatedSize) {
            this.highBits = highBits;
            this.zeroSymbol = zeroSymbol;
            this.estimatedSize = estimatedSize;
        }
    }

    static int element(byte[] src, int p, int width) {
        int v = (src[p] & 0xFF) | (src[p + 1] & 0xFF) << 8;
        return width == 2 ? v : v | (src[p + 2] & 0xFF) << 16 | (src[p + 3] & 0xFF) << 24;
    }

    /** The smallest split for the {@code n} elements at {@code src[off...]}. */
    static Plan plan(byte[] src, int off, int n, int width) {
        // The histogram of the top 16 bits, sparse: distinct values ascending and their counts.
        int shift = 8 * width - 16;
        int[] values;
        long[] counts;
        int distinct = 0;
        long zeros = 0;
        if (n < 1 << 14) {
            int[] top = new int[n];
            for (int i = 0; i < n; i++) {
                int v = element(src, off + i * width, width);
                top[i] = v >>> shift;
                if (v == 0) {
                    zeros++;
                }
            }
            java.util.Arrays.sort(top);
            values = new int[n];
            counts = new long[n];
            for (int i = 0; i < n; i++) {
                if (distinct > 0 && values[distinct - 1] == top[i]) {
                    counts[distinct - 1]++;
                } else {
                    values[distinct] = top[i];
                    counts[distinct++] = 1;
                }
            }
        } else {
            long[] histogram = new long[1 << 16];
            for (int i = 0; i < n; i++) {
                int v = element(src, off + i * width, width);
                histogram[v >>> shift]++;
                if (v == 0) {
                    zeros++;
                }
            }
            values = new int[1 << 16];
            counts = new long[1 << 16];
            for (int s = 0; s < histogram.length; s++) {
                if (histogram[s] != 0) {
                    values[distinct] = s;
                    counts[distinct++] = histogram[s];
                }
            }
        }

        int minBits = width == 4 ? 8 : 4;
        int maxBits = FloatPlanesDecoder.MAX_HIGH_BITS;
        int bestBits = maxBits;
        boolean bestZero = false;
        long bestSize = Long.MAX_VALUE;
        int[] symbols = new int[distinct + 1];
        long[] symbolCounts = new long[distinct + 1];
        for (int highBits = 16; highBits >= minBits; highBits--) {
            if (highBits < 16) {
                // Halve the alphabet: merge neighbours that now share a symbol.
                int merged = 0;
                for (int k = 0; k < distinct; k++) {
                    int v = values[k] >>> 1;
                    if (merged > 0 && values[merged - 1] == v) {
                        counts[merged - 1] += counts[k];
                    } else {
                        values[merged] = v;
                        counts[merged++] = counts[k];
                    }
                }
                distinct = merged;
            }
            if (highBits > maxBits) {
                continue;
            }
            int lowBits = 8 * width - highBits;
            long plain = estimate(values, counts, distinct, n, n, lowBits);
            if (plain <= bestSize) {
                bestSize = plain;
                bestBits = highBits;
                bestZero = false;
            }
            if (zeros > 0 && highBits < maxBits) {
                // The zero elements leave symbol 0 (the first) for symbol 2^B (the last).
                int used = 0;
                for (int k = 0; k < distinct; k++) {
                    long c = k == 0 ? counts[0] - zeros : counts[k];
                    if (c > 0) {
                        symbols[used] = values[k];
                        symbolCounts[used++] = c;
                    }
                }
                symbols[used] = 1 << highBits;
                symbolCounts[used++] = zeros;
                long withZero = estimate(symbols, symbolCounts, used, n, n - zeros, lowBits);
                if (withZero < bestSize) {
                    bestSize = withZero;
                    bestBits = highBits;
                    bestZero = true;
                }
            }
        }
        return new Plan(bestBits, bestZero, bestSize);
    }

    /** Bytes of the stream for this histogram of symbols. */
    private static long estimate(int[] symbols, long[] counts, int used, long n, long withLowBits, int lowBits) {
        return 1 + 3 + CanonicalHuffmanEncoder.sectionSizeEstimate(symbols, counts, used,
                FloatPlanesDecoder.MAX_CODE_LENGTH, n)
                + (withLowBits * lowBits + 7) / 8;
    }

    /** The code for a plan, from the dense histogram of its symbols. */
    private static CanonicalHuffmanEncoder code(char[] symbols, int highBits, boolean zeroSymbol) {
        long[] counts = new long[(1 << highBits) + (zeroSymbol ? 1 : 0)];
        for (char s : symbols) {
            counts[s]++;
        }
        return CanonicalHuffmanEncoder.fromCounts(counts, FloatPlanesDecoder.MAX_CODE_LENGTH);
    }

    static byte[] encode(byte[] src, int off, int len, int width) {
        int n = len / width;
        int tail = len - n * width;
        Plan plan = plan(src, off, n, width);
        int lowBits = 8 * width - plan.highBits;
        int zeroSymbol = plan.zeroSymbol ? 1 << plan.highBits : -1;

        char[] symbols = new char[n];
        for (int i = 0; i < n; i++) {
            int v = element(src, off + i * width, width);
            symbols[i] = (char) (v == 0 && zeroSymbol >= 0 ? zeroSymbol : v >>> lowBits);
        }
        BitWriter section = new BitWriter(n + 64);
        code(symbols, plan.highBits, plan.zeroSymbol).writeSection(symbols, 0, n, section);

        BitWriter out = new BitWriter((int) Math.min(Integer.MAX_VALUE - 8, plan.estimatedSize + tail + 16));
        out.writeByte((plan.highBits - 1) | (plan.zeroSymbol ? FloatPlanesDecoder.ZERO_SYMBOL_FLAG : 0));
        out.writeVarint(section.sizeInBytes());
        out.writeAll(section);
        if (lowBits > 0) {
            int lowMask = (1 << lowBits) - 1;
            for (int i = 0; i < n; i++) {
                if (symbols[i] != zeroSymbol) {
                    out.writeBits(element(src, off + i * width, width) & lowMask, lowBits);
                }
            }
            out.alignToByte();
        }
        out.writeBytes(src, off + n * width, tail);
        return out.toByteArray();
    }
}
