package io.wpack.encoders.pattern;

import io.wpack.encoders.huffman.Sections;
import io.wpack.encoders.huffman.BitWriter;

/**
 * Writes {@code blockdict} streams (grammar in {@link BlockDictCodec}). The dictionary is either
 * given (the pattern miner's plan) or mined here: blocks are counted in a {@link BlockTable}, and
 * of the most frequent ones the encoder keeps the prefix that minimises the estimated stream size:
 * dictionary, index section and escaped literals, each with its Huffman table. Cost is linear in
 * the chunk plus the sort of the distinct blocks.
 */
final class BlockDictEncoder {
    private BlockDictEncoder() {
    }

    /** The choice for one chunk, before any byte is written. */
    static final class Plan {
        byte[] logical;
        int base;
        int n;
        int block;
        int columns;
        /** count * block bytes. */
        byte[] entries;
        int count;
        long estimatedBytes;
    }

    static byte[] encode(byte[] src, int off, int n, int block, int maxEntries, int columns, byte[] dictionary) {
        return write(plan(src, off, n, block, maxEntries, columns, dictionary));
    }

    /** @param dictionary entries to use ({@code block} bytes each, at most maxEntries), or null to mine them */
    static Plan plan(byte[] src, int off, int n, int block, int maxEntries, int columns, byte[] dictionary) {
        Plan p = new Plan();
        p.n = n;
        p.block = block;
        p.columns = columns > 1 && columns <= n ? columns : 1;
        p.logical = src;
        p.base = off;
        if (p.columns > 1) {
            p.logical = PatternStreams.toLogical(src, off, n, p.columns);
            p.base = 0;
        }
        if (dictionary != null) {
            if (dictionary.length % block != 0 || dictionary.length / block > maxEntries) {
                throw new IllegalArgumentException("dictionary of " + dictionary.length + " bytes for blocks of " + block
                        + " and at most " + maxEntries + " entries");
            }
            p.entries = dictionary.clone();
            p.count = dictionary.length / block;
            p.estimatedBytes = -1;
            return p;
        }
        mine(p, maxEntries);
        return p;
    }

    private static void mine(Plan p, int maxEntries) {
        int block = p.block;
        int blocks = p.n / block;
        BlockTable table = new BlockTable(blocks);
        long[] allHist = new long[256];
        for (int i = 0; i < p.n; i++) {
            allHist[p.logical[p.base + i] & 0xFF]++;
        }
        for (int b = 0; b < blocks; b++) {
            int at = p.base + b * block;
            table.add(BlockTable.keyLo(p.logical, at, block), BlockTable.keyHi(p.logical, at, block));
        }
        int[] slots = table.slotsByCount(2);
        int limit = Math.min(maxEntries, slots.length);

        // Grow the dictionary along the frequency order, costing prefixes of 0, 1, 2, 3, 4, 6, 8,
        // 12, ... entries: the dictionary and escape literals as byte sections, the indices as one
        // section over count + 1 symbols.
        long[] dictHist = new long[256];
        long[] literalHist = allHist.clone();
        long[] indexCounts = new long[limit + 1];
        long covered = 0;
        long bestSize = Long.MAX_VALUE;
        int bestCount = 0;
        int next = 0;
        for (int d = 0; d <= limit; d++) {
            if (d == next || d == limit) {
                indexCounts[d] = blocks - covered;
                long size = PatternStreams.varintSize(p.n) + PatternStreams.varintSize(p.columns)
                        + PatternStreams.varintSize(d)
                        + (d == 0 ? 2 : PatternStreams.sectionBytes(dictHist, 256, Sections.BYTE_CODE_LIMIT))
                        + PatternStreams.sectionBytes(indexCounts, d + 1,
                                d + 1 <= 256 ? Sections.BYTE_CODE_LIMIT : Sections.WIDE_CODE_LIMIT)
                        + PatternStreams.sectionBytes(literalHist, 256, Sections.BYTE_CODE_LIMIT);
                if (size < bestSize) {
                    bestSize = size;
                    bestCount = d;
                }
                next = d < 4 ? d + 1 : (Integer.bitCount(d) == 1 ? d + d / 2 : Integer.highestOneBit(d) << 1);
            }
            if (d == limit) {
                break;
            }
            int slot = slots[d];
            int c = table.count(slot);
            indexCounts[d] = c;
            covered += c;
            for (int j = 0; j < block; j++) {
                int byteValue = byteOf(table, slot, j);
                dictHist[byteValue]++;
                literalHist[byteValue] -= c;
            }
        }
        p.count = bestCount;
        p.entries = new byte[bestCount * block];
        for (int e = 0; e < bestCount; e++) {
            for (int j = 0; j < block; j++) {
                p.entries[e * block + j] = (byte) byteOf(table, slots[e], j);
            }
        }
        p.estimatedBytes = bestSize;
    }

    private static int byteOf(BlockTable table, int slot, int j) {
        long word = j < 8 ? table.lo(slot) : table.hi(slot);
        return (int) (word >>> (8 * (j & 7))) & 0xFF;
    }

    static byte[] write(Plan p) {
        int block = p.block;
        int blocks = p.n / block;
        BlockTable index = new BlockTable(Math.max(16, 2 * p.count));
        for (int e = p.count - 1; e >= 0; e--) {
            // Backwards, so that of equal entries the first one is used.
            index.put(BlockTable.keyLo(p.entries, e * block, block), BlockTable.keyHi(p.entries, e * block, block), e);
        }
        char[] symbols = new char[blocks];
        byte[] literals = new byte[p.n];
        int literalCount = 0;
        for (int b = 0; b < blocks; b++) {
            int at = p.base + b * block;
            int e = index.get(BlockTable.keyLo(p.logical, at, block), BlockTable.keyHi(p.logical, at, block));
            if (e < 0) {
                symbols[b] = (char) p.count;
                System.arraycopy(p.logical, at, literals, literalCount, block);
                literalCount += block;
            } else {
                symbols[b] = (char) e;
            }
        }
        int tail = p.n - blocks * block;
        System.arraycopy(p.logical, p.base + blocks * block, literals, literalCount, tail);
        literalCount += tail;

        BitWriter out = new BitWriter(p.n / 2 + p.entries.length + 64);
        out.writeVarint(p.n);
        out.writeVarint(p.columns);
        out.writeVarint(p.count);
        Sections.writeSizedBytes(p.entries, p.entries.length, out);
        if (p.count + 1 <= 256) {
            byte[] narrow = new byte[blocks];
            for (int b = 0; b < blocks; b++) {
                narrow[b] = (byte) symbols[b];
            }
            Sections.writeSizedBytes(narrow, blocks, out);
        } else {
            PatternStreams.writeSizedWide(symbols, blocks, p.count + 1, out);
        }
        Sections.writeBytes(literals, literalCount, out);
        return out.toByteArray();
    }
}
