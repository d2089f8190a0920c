package io.wpack.patterns;

/**
 * Chooses the dictionary size K for block-dictionary coding by the total estimated size, the
 * dictionary included, rather than by a fixed K: a block earns its entry when the bits its
 * index saves over its escaped literals exceed the bits the entry costs. Code lengths are
 * estimated as {@code -log2 p} (Huffman is within a few percent of it at these alphabet sizes),
 * each code's table as {@value #TABLE_BITS_PER_SYMBOL} bits per symbol that occurs:
 * <pre>
 * bits(K) = entries' bytes, order-0     (K·B bytes)
 *         + indices over K + 1 symbols  (one per block; symbol K escapes)
 *         + literals, order-0           (escaped blocks' bytes and the bytes in no whole block)
 * </pre>
 * K runs over 0..4 and then steps of about 1.5× up to the distinct blocks (at most 65535);
 * the counts are sorted once, and each step updates the literal histogram by the entries it
 * adds, so planning is linear in the distinct blocks plus 256 per step.
 */
public final class DictionaryPlanner {
    /** Estimated table bits per occurring symbol of a Huffman code. */
    public static final int TABLE_BITS_PER_SYMBOL = 5;
    public static final int MAX_ENTRIES = 65535;

    private DictionaryPlanner() {
    }

    /** The plan for {@code values}, the value-block counts of {@code tensor}. */
    public static PatternPlan plan(CodeTensor tensor, BlockCounts values) {
        BlockShape shape = values.shape();
        int b = shape.elements();
        long blocks = values.blocks();
        long[] literalHist = tensor.histogram();
        long[] dictHist = new long[256];
        int limit = Math.min(MAX_ENTRIES, values.distinct());
        long covered = 0;
        // The index code's entropy kept as sum c·ln c over the entries so far, so that each step
        // costs the same whatever K (a pass over the index counts per step grew with K).
        double entriesCLnC = 0;
        double best = Double.MAX_VALUE;
        int bestK = 0;
        int next = 0;
        for (int k = 0; k <= limit; k++) {
            if (k == next || k == limit) {
                double bits = 32 + code(dictHist, 256) + indexCode(blocks, blocks - covered, k, entriesCLnC)
                        + code(literalHist, 256);
                if (bits < best) {
                    best = bits;
                    bestK = k;
                }
                next = k < 4 ? k + 1 : Math.max(k + 1, k + k / 2);
            }
            if (k == limit) {
                break;
            }
            int c = values.count(k);
            entriesCLnC += c * Math.log(c);
            covered += c;
            byte[] entry = values.entry(k);
            for (byte x : entry) {
                dictHist[x & 0xFF]++;
                literalHist[x & 0xFF] -= c;
            }
        }
        byte[] entries = new byte[bestK * b];
        for (int k = 0; k < bestK; k++) {
            System.arraycopy(values.entry(k), 0, entries, k * b, b);
        }
        return new PatternPlan(shape, CodecLayouts.columnsFor(tensor, shape), bestK, entries, best);
    }

    /**
     * {@link #code} of the index symbols: K entries whose counts give {@code entriesCLnC} (sum
     * c·ln c) and the escape symbol's {@code escapes}, over {@code blocks} symbols in all.
     */
    static double indexCode(long blocks, long escapes, int k, double entriesCLnC) {
        if (blocks <= 0) {
            return 8;
        }
        double cLnC = entriesCLnC + (escapes > 0 ? escapes * Math.log(escapes) : 0);
        int symbols = k + (escapes > 0 ? 1 : 0);
        double bits = Math.max(0, blocks * Math.log(blocks) - cLnC) / Math.log(2);
        return bits + 8 + TABLE_BITS_PER_SYMBOL * (symbols > 1 ? symbols : 0);
    }

    /** Order-0 bits of a histogram plus its table. */
    static double code(long[] counts, int used) {
        long total = 0;
        int symbols = 0;
        for (int i = 0; i < used; i++) {
            total += counts[i];
            symbols += counts[i] > 0 ? 1 : 0;
        }
        return Entropy.totalBits(counts, used, total) + 8 + TABLE_BITS_PER_SYMBOL * (symbols > 1 ? symbols : 0);
    }
}
