package io.wpack.patterns;

/**
 * Optional lossy merge of near-identical blocks: a block of a dictionary plan's shape that lies
 * within {@code maxAbsError} quantization steps of an entry, code by code, and has the same zero
 * mask, is replaced by that entry, so that it codes as a dictionary hit rather than an escape.
 * Nothing calls it by default; coding stays lossless unless a caller merges first.
 *
 * <p>The bound is on codes: no code moves by more than {@code maxAbsError} steps, and no zero
 * becomes non-zero or back, so sparsity is kept exactly. With per-channel scales a weight moves
 * by at most {@code maxAbsError} times its channel's scale, on top of the quantizer's own error.
 * Among the entries within the bound a block takes the one with the smallest total change, the
 * most frequent first on a tie. Only the {@value #SEARCHED_ENTRIES} most frequent entries are
 * searched, which bounds the cost at that many comparisons per block.
 */
public final class BlockMerger {
    static final int SEARCHED_ENTRIES = 256;

    /** The merged codes, and how many blocks changed. */
    public record Merged(CodeTensor tensor, long blocksChanged, int maxAbsError) {
    }

    private BlockMerger() {
    }

    /**
     * @param plan a dictionary for {@code t}, e.g. {@link DictionaryPlanner#plan}; its entries
     * @param maxAbsError the largest change of any code, in quantization steps, 0..255 (0 changes nothing)
     */
    public static Merged merge(CodeTensor t, PatternPlan plan, int maxAbsError) {
        if (maxAbsError < 0 || maxAbsError > 255) {
            throw new IllegalArgumentException("maxAbsError is 0..255, not " + maxAbsError);
        }
        byte[] codes = t.codes().clone();
        BlockGeometry g = BlockGeometry.of(t, plan.shape());
        int b = plan.shape().elements();
        int k = Math.min(plan.k(), SEARCHED_ENTRIES);
        long changed = 0;
        if (g != null && k > 0 && maxAbsError > 0) {
            int zero = PatternMiner.zeroByte(t);
            boolean signed = zero == 0;
            byte[] entries = plan.entries();
            int[] block = new int[b];
            for (int origin : g.origins) {
                for (int j = 0; j < b; j++) {
                    block[j] = value(codes[origin + g.offsets[j]], signed);
                }
                int best = -1;
                long bestChange = Long.MAX_VALUE;
                for (int e = 0; e < k && bestChange > 0; e++) {
                    long change = 0;
                    for (int j = 0; j < b && change >= 0; j++) {
                        int x = block[j];
                        int y = value(entries[e * b + j], signed);
                        int d = Math.abs(x - y);
                        boolean sameZero = (x == value((byte) zero, signed)) == (y == value((byte) zero, signed));
                        change = d > maxAbsError || !sameZero ? -1 : change + d;
                    }
                    if (change >= 0 && change < bestChange) {
                        bestChange = change;
                        best = e;
                    }
                }
                if (best >= 0 && bestChange > 0) {
                    for (int j = 0; j < b; j++) {
                        codes[origin + g.offsets[j]] = entries[best * b + j];
                    }
                    changed++;
                }
            }
        }
        return new Merged(new CodeTensor(t.name(), codes, t.shape(), t.reductionAxis()), changed, maxAbsError);
    }

    /** A code as the number it stands for: int8 signed, uint8 (zero point not 0) unsigned. */
    private static int value(byte code, boolean signed) {
        return signed ? code : code & 0xFF;
    }
}
