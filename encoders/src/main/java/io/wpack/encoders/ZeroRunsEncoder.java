package io.wpack.encoders;

import io.wpack.encoders.huffman.BitWriter;
import io.wpack.encoders.huffman.CanonicalHuffmanEncoder;

/**
 * The {@code zeroruns} encoder (grammar in {@link ZeroRunsCodec}). It first plans: for every
 * block size and position mode it counts the kind, bitmap and run symbols over a bitset of the
 * non-zero elements and estimates their sections, then keeps the smallest layout (ties: the
 * smaller block, then bitmaps). Only then does it write.
 */
final class ZeroRunsEncoder {
    private ZeroRunsEncoder() {
    }

    /** A block size and position mode, with the estimated bytes of kinds and positions. */
    private static final class Layout {
        final int shift;
        final boolean runs;
        final long cost;

        Layout(int shift, boolean runs, long cost) {
            this.shift = shift;
            this.runs = runs;
            this.cost = cost;
        }
    }

    static byte[] encode(byte[] src, int off, int n) {
        return encode(src, off, n, 0, false);
    }

    /** With a given block shift and mode (for tests), or the planned ones for shift 0. */
    static byte[] encode(byte[] src, int off, int n, int forcedShift, boolean forcedRuns) {
        int zero = mostFrequent(src, off, n);
        long[] nonZero = new long[(n >>> 6) + 1];
        byte[] values = new byte[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            byte b = src[off + i];
            if ((b & 0xFF) != zero) {
                nonZero[i >>> 6] |= 1L << i;
                values[count++] = b;
            }
        }
        Layout layout = forcedShift == 0 ? plan(nonZero, n) : new Layout(forcedShift, forcedRuns, 0);

        int block = 1 << layout.shift;
        int blocks = (int) (((long) n + block - 1) >>> layout.shift);
        byte[] kinds = new byte[blocks];
        byte[] positions = new byte[layout.runs ? n + blocks : n / 8 + blocks + 1];
        int positionCount = 0;
        for (int k = 0; k < blocks; k++) {
            int start = k << layout.shift;
            int length = Math.min(block, n - start);
            int set = countBits(nonZero, start, length);
            int kind = set == 0 ? ZeroRunsCodec.ALL_ZERO : set == length ? ZeroRunsCodec.NO_ZERO : ZeroRunsCodec.MIXED;
            kinds[k] = (byte) kind;
            if (kind != ZeroRunsCodec.MIXED) {
                continue;
            }
            if (layout.runs) {
                positionCount = writeRuns(nonZero, start, length, positions, positionCount);
            } else {
                for (int i = 0; i < length; i += 8) {
                    positions[positionCount++] = (byte) bits(nonZero, start + i, Math.min(8, length - i));
                }
            }
        }

        BitWriter out = new BitWriter(count + positionCount / 2 + 64);
        out.writeVarint(n);
        out.writeByte(zero);
        out.writeByte(layout.shift | (layout.runs ? ZeroRunsCodec.RUNS_FLAG : 0));
        writeSized(kinds, blocks, out);
        if (layout.runs) {
            out.writeVarint(positionCount);
        }
        writeSized(positions, positionCount, out);
        HuffmanCodec.writeSection(values, 0, count, out);
        return out.toByteArray();
    }

    /** The layout with the smallest estimated kind and position sections. */
    private static Layout plan(long[] nonZero, int n) {
        Layout best = null;
        for (int shift = ZeroRunsCodec.MIN_BLOCK_SHIFT; shift <= ZeroRunsCodec.MAX_BLOCK_SHIFT; shift++) {
            int block = 1 << shift;
            long[] kinds = new long[3];
            long[] bitmaps = new long[256];
            long[] runs = new long[256];
            long bitmapCount = 0;
            long runCount = 0;
            int[] scratch = new int[block + 1];
            for (int start = 0; start < n; start += block) {
                int length = Math.min(block, n - start);
                int set = countBits(nonZero, start, length);
                if (set == 0) {
                    kinds[ZeroRunsCodec.ALL_ZERO]++;
                } else if (set == length) {
                    kinds[ZeroRunsCodec.NO_ZERO]++;
                } else {
                    kinds[ZeroRunsCodec.MIXED]++;
                    for (int i = 0; i < length; i += 8) {
                        bitmaps[bits(nonZero, start + i, Math.min(8, length - i))]++;
                        bitmapCount++;
                    }
                    int symbols = writeRuns(nonZero, start, length, scratch, 0);
                    for (int s = 0; s < symbols; s++) {
                        runs[scratch[s]]++;
                    }
                    runCount += symbols;
                }
            }
            long kindCost = sectionBytes(kinds, (n + block - 1) / block);
            long bitmapCost = kindCost + sectionBytes(bitmaps, bitmapCount);
            long runCost = kindCost + sectionBytes(runs, runCount) + varintBytes(runCount);
            if (best == null || bitmapCost < best.cost) {
                best = new Layout(shift, false, bitmapCost);
            }
            if (runCost < best.cost) {
                best = new Layout(shift, true, runCost);
            }
        }
        return best;
    }

    /** Estimated bytes of a sized byte section with these counts. */
    private static long sectionBytes(long[] counts, long total) {
        long[] full = counts.length == 256 ? counts : java.util.Arrays.copyOf(counts, 256);
        long size = CanonicalHuffmanEncoder.fromCounts(full, HuffmanCodec.MAX_CODE_LENGTH).sectionSizeEstimate(full, total);
        return size + varintBytes(size);
    }

    private static int varintBytes(long value) {
        int bytes = 1;
        while (value >= 0x80) {
            value >>>= 7;
            bytes++;
        }
        return bytes;
    }

    /** {@code size:varint} then a byte section of {@code symbols[0, count)}. */
    private static void writeSized(byte[] symbols, int count, BitWriter out) {
        BitWriter section = new BitWriter(count / 2 + 64);
        HuffmanCodec.writeSection(symbols, 0, count, section);
        out.writeVarint(section.sizeInBytes());
        out.writeAll(section);
    }

    /**
     * The run symbols of a mixed block into {@code runs} from {@code at}: zeros (maybe none),
     * non-zeros, zeros, ... to the block's end. Returns the new end.
     */
    private static int writeRuns(long[] nonZero, int start, int length, byte[] runs, int at) {
        boolean zeros = true;
        for (int p = 0; p < length; zeros = !zeros) {
            int run = runLength(nonZero, start + p, length - p, zeros);
            runs[at++] = (byte) run;
            p += run;
        }
        return at;
    }

    private static int writeRuns(long[] nonZero, int start, int length, int[] runs, int at) {
        boolean zeros = true;
        for (int p = 0; p < length; zeros = !zeros) {
            int run = runLength(nonZero, start + p, length - p, zeros);
            runs[at++] = run;
            p += run;
        }
        return at;
    }

    /** How many of the next {@code max} elements from {@code from} are zero (or non-zero), consecutively. */
    private static int runLength(long[] nonZero, int from, int max, boolean zeros) {
        int run = 0;
        while (run < max && ((nonZero[(from + run) >>> 6] >>> (from + run) & 1) == 0) == zeros) {
            run++;
        }
        return run;
    }

    /** The {@code length <= 8} bits from {@code start}, a multiple of 8, so within one word. */
    private static int bits(long[] nonZero, int start, int length) {
        return (int) (nonZero[start >>> 6] >>> (start & 63)) & ((1 << length) - 1);
    }

    /** Set bits in [start, start + length); start is a multiple of the block size, a power of two from 8. */
    private static int countBits(long[] nonZero, int start, int length) {
        int count = 0;
        for (int i = 0; i < length; i += 64) {
            int bits = Math.min(64, length - i);
            long word = nonZero[(start + i) >>> 6] >>> ((start + i) & 63);
            count += Long.bitCount(bits == 64 ? word : word & ((1L << bits) - 1));
        }
        return count;
    }

    /** The most frequent byte value, the smallest on ties; 0 for no bytes. */
    private static int mostFrequent(byte[] src, int off, int n) {
        int[] counts = new int[256];
        for (int i = off; i < off + n; i++) {
            counts[src[i] & 0xFF]++;
        }
        int best = 0;
        for (int v = 1; v < 256; v++) {
            if (counts[v] > counts[best]) {
                best = v;
            }
        }
        return best;
    }
}
