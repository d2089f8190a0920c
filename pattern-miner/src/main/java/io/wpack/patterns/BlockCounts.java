package io.wpack.patterns;

import java.util.Arrays;

/**
 * The distinct blocks of one shape in one tensor with how often each occurs, most frequent
 * first (equal counts in order of their bytes, so the order depends only on the data).
 * For value blocks an entry is the block's bytes; for mask blocks, the mask as bit {@code t}
 * set when element {@code t} (in the block's row-major order) is not the zero byte.
 */
public final class BlockCounts {
    private final BlockShape shape;
    private final long blocks;
    private final int[] counts;
    private final long[] keys;
    private final byte[][] wideKeys;

    BlockCounts(BlockShape shape, long blocks, int[] counts, long[] keys, byte[][] wideKeys) {
        this.shape = shape;
        this.blocks = blocks;
        this.counts = counts;
        this.keys = keys;
        this.wideKeys = wideKeys;
    }

    static BlockCounts empty(BlockShape shape) {
        return new BlockCounts(shape, 0, new int[0], new long[0], null);
    }

    public BlockShape shape() {
        return shape;
    }

    /** Blocks counted (whole blocks only). */
    public long blocks() {
        return blocks;
    }

    public int distinct() {
        return counts.length;
    }

    /** Occurrences of the {@code i}-th most frequent block. */
    public int count(int i) {
        return counts[i];
    }

    /** Counts, most frequent first; a copy. */
    public int[] counts() {
        return counts.clone();
    }

    /** The {@code i}-th most frequent block's bytes, in the block's row-major order. */
    public byte[] entry(int i) {
        if (wideKeys != null) {
            return wideKeys[i].clone();
        }
        int n = shape.elements();
        byte[] b = new byte[n];
        for (int t = 0; t < n; t++) {
            b[t] = (byte) (keys[i] >>> (8 * t));
        }
        return b;
    }

    /** The {@code i}-th most frequent mask, when these are mask counts. */
    public long mask(int i) {
        return keys[i];
    }

    /** The fraction of blocks that are one of the {@code k} most frequent; 0 when there are no blocks. */
    public double coverage(int k) {
        if (blocks == 0) {
            return 0;
        }
        long covered = 0;
        for (int i = 0; i < Math.min(k, counts.length); i++) {
            covered += counts[i];
        }
        return (double) covered / blocks;
    }

    @Override
    public String toString() {
        return shape.label() + ": " + blocks + " blocks, " + counts.length + " distinct, top "
                + Arrays.toString(Arrays.copyOf(counts, Math.min(5, counts.length)));
    }
}
