package io.wpack.encoders.pattern;

import java.util.Arrays;

/**
 * Counts blocks of up to 16 bytes in an open-addressing hash table keyed by two longs, so that the
 * blockdict encoder can mine its own dictionary without a collections library. Capacity is fixed
 * at creation; once the table is three-quarters full, new blocks are no longer added (existing
 * ones are still counted): the frequent blocks of a chunk appear early, and memory stays bounded
 * whatever the input.
 */
final class BlockTable {
    private static final int MAX_CAPACITY = 1 << 21;

    private final long[] lo;
    private final long[] hi;
    private final int[] counts;
    private final boolean[] used;
    private final int mask;
    private final int limit;
    private int size;

    BlockTable(int expectedBlocks) {
        int capacity = Integer.highestOneBit(Math.max(16, Math.min(MAX_CAPACITY, 2 * expectedBlocks)) - 1) << 1;
        lo = new long[capacity];
        hi = new long[capacity];
        counts = new int[capacity];
        used = new boolean[capacity];
        mask = capacity - 1;
        limit = capacity / 4 * 3;
    }

    int size() {
        return size;
    }

    /** Adds one occurrence; returns false when the block is new and the table is full. */
    boolean add(long keyLo, long keyHi) {
        int slot = find(keyLo, keyHi);
        if (used[slot]) {
            counts[slot]++;
            return true;
        }
        if (size >= limit) {
            return false;
        }
        used[slot] = true;
        lo[slot] = keyLo;
        hi[slot] = keyHi;
        counts[slot] = 1;
        size++;
        return true;
    }

    /** Stores {@code value} for the key (as a count), replacing any; for index lookups. */
    void put(long keyLo, long keyHi, int value) {
        int slot = find(keyLo, keyHi);
        if (!used[slot]) {
            if (size >= limit) {
                throw new IllegalStateException("block table full");
            }
            used[slot] = true;
            lo[slot] = keyLo;
            hi[slot] = keyHi;
            size++;
        }
        counts[slot] = value;
    }

    /** The value stored for the key, or -1. */
    int get(long keyLo, long keyHi) {
        int slot = find(keyLo, keyHi);
        return used[slot] ? counts[slot] : -1;
    }

    private int find(long keyLo, long keyHi) {
        int slot = hash(keyLo, keyHi) & mask;
        while (used[slot] && (lo[slot] != keyLo || hi[slot] != keyHi)) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private static int hash(long a, long b) {
        long h = a * 0x9E3779B97F4A7C15L ^ Long.rotateLeft(b * 0xC2B2AE3D27D4EB4FL, 31);
        h ^= h >>> 32;
        h *= 0xD6E8FEB86659FD93L;
        return (int) (h ^ h >>> 29);
    }

    /**
     * Slots of the blocks seen at least {@code minCount} times, most frequent first, equal counts
     * by key, so the order depends only on the counts.
     */
    int[] slotsByCount(int minCount) {
        int k = 0;
        int[] slots = new int[size];
        for (int s = 0; s < used.length; s++) {
            if (used[s] && counts[s] >= minCount) {
                slots[k++] = s;
            }
        }
        Integer[] boxed = new Integer[k];
        for (int i = 0; i < k; i++) {
            boxed[i] = slots[i];
        }
        Arrays.sort(boxed, (x, y) -> {
            if (counts[x] != counts[y]) {
                return Integer.compare(counts[y], counts[x]);
            }
            int c = Long.compareUnsigned(hi[x], hi[y]);
            return c != 0 ? c : Long.compareUnsigned(lo[x], lo[y]);
        });
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            out[i] = boxed[i];
        }
        return out;
    }

    long lo(int slot) {
        return lo[slot];
    }

    long hi(int slot) {
        return hi[slot];
    }

    int count(int slot) {
        return counts[slot];
    }

    /** The low word of a block: bytes 0..7 little-endian (fewer for short blocks). */
    static long keyLo(byte[] data, int at, int block) {
        long key = 0;
        int end = Math.min(block, 8);
        for (int j = 0; j < end; j++) {
            key |= (data[at + j] & 0xFFL) << (8 * j);
        }
        return key;
    }

    /** The high word: bytes 8..15. */
    static long keyHi(byte[] data, int at, int block) {
        long key = 0;
        for (int j = 8; j < block; j++) {
            key |= (data[at + j] & 0xFFL) << (8 * (j - 8));
        }
        return key;
    }
}
