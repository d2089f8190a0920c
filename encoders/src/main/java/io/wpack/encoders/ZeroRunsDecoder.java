package io.wpack.encoders;

import io.wpack.encoders.huffman.CanonicalHuffmanDecoder;
import io.wpack.encoders.huffman.InputCursor;
import io.wpack.formats.WpkFormatException;

import java.util.Arrays;

/**
 * The {@code zeroruns} decoder (grammar in {@link ZeroRunsCodec}). It decodes and checks the
 * kinds and positions first, which gives the number of non-zero elements; the values section is
 * then decoded into the end of the destination and spread forward block by block, as
 * {@link HuffmanNonZeroCodec} does: with k values taken before element i, value k sits at
 * n - nonZero + k >= i, because at most n - nonZero zeros precede i, so no value is overwritten
 * before it is read (whole non-zero blocks move with one overlapping {@code arraycopy}, which
 * copies as if through a temporary).
 *
 * <p>Memory and work are bounded by the destination: every section's symbol count follows from
 * n = the destination's length, which the stream must state.
 */
final class ZeroRunsDecoder {
    private ZeroRunsDecoder() {
    }

    static void decode(byte[] in, int inStart, int inEnd, byte[] out, int outStart, int d) throws WpkFormatException {
        InputCursor cursor = new InputCursor(in, inStart, inStart, inEnd);
        long nAt = cursor.offset();
        int n = cursor.readVarint(Integer.MAX_VALUE, "element count");
        if (n != d) {
            throw new WpkFormatException(nAt, "zeroruns stream of " + n + " elements, the destination holds " + d);
        }
        byte zero = (byte) cursor.readByte("zero byte");
        long layoutAt = cursor.offset();
        int layout = cursor.readByte("layout");
        int shift = layout & 0x0F;
        boolean runs = (layout & ZeroRunsCodec.RUNS_FLAG) != 0;
        if (shift < ZeroRunsCodec.MIN_BLOCK_SHIFT || shift > ZeroRunsCodec.MAX_BLOCK_SHIFT || (layout & 0xE0) != 0) {
            throw new WpkFormatException(layoutAt, "zeroruns layout byte " + layout + " is not a block shift of "
                    + ZeroRunsCodec.MIN_BLOCK_SHIFT + ".." + ZeroRunsCodec.MAX_BLOCK_SHIFT + " and a mode bit");
        }
        int block = 1 << shift;
        int blocks = (int) (((long) n + block - 1) >>> shift);

        byte[] kinds = new byte[blocks];
        long kindsAt = cursor.offset();
        int kindsSize = cursor.readVarint(cursor.remaining(), "kind section size");
        CanonicalHuffmanDecoder.decodeBytes(cursor.take(kindsSize, "kind section"), HuffmanCodec.MAX_STREAM_CODE_LENGTH,
                kinds, 0, blocks);
        long mixedElements = 0;
        int mixedBlocks = 0;
        long nonZero = 0;
        int bitmapBytes = 0;
        for (int k = 0; k < blocks; k++) {
            int length = Math.min(block, n - (k << shift));
            switch (kinds[k]) {
                case ZeroRunsCodec.ALL_ZERO:
                    break;
                case ZeroRunsCodec.NO_ZERO:
                    nonZero += length;
                    break;
                case ZeroRunsCodec.MIXED:
                    mixedElements += length;
                    mixedBlocks++;
                    bitmapBytes += (length + 7) >>> 3;
                    break;
                default:
                    throw new WpkFormatException(kindsAt, "block " + k + " has kind " + (kinds[k] & 0xFF) + ", not 0, 1 or 2");
            }
        }

        byte[] positions;
        long positionsAt;
        if (runs) {
            long countAt = cursor.offset();
            int runCount = cursor.readVarint(Integer.MAX_VALUE, "run count");
            // Every run but a block's first covers an element.
            if (runCount > mixedElements + mixedBlocks) {
                throw new WpkFormatException(countAt, runCount + " runs in " + mixedBlocks + " mixed blocks of "
                        + mixedElements + " elements");
            }
            positions = new byte[runCount];
            positionsAt = cursor.offset();
            int size = cursor.readVarint(cursor.remaining(), "run section size");
            CanonicalHuffmanDecoder.decodeBytes(cursor.take(size, "run section"), HuffmanCodec.MAX_STREAM_CODE_LENGTH,
                    positions, 0, runCount);
            nonZero += checkRuns(kinds, positions, shift, n, positionsAt);
        } else {
            positions = new byte[bitmapBytes];
            positionsAt = cursor.offset();
            int size = cursor.readVarint(cursor.remaining(), "bitmap section size");
            CanonicalHuffmanDecoder.decodeBytes(cursor.take(size, "bitmap section"), HuffmanCodec.MAX_STREAM_CODE_LENGTH,
                    positions, 0, bitmapBytes);
            nonZero += checkBitmaps(kinds, positions, shift, n, positionsAt);
        }

        long valuesAt = cursor.offset();
        int values = outStart + n - (int) nonZero;
        CanonicalHuffmanDecoder.decodeBytes(cursor, HuffmanCodec.MAX_STREAM_CODE_LENGTH, out, values, (int) nonZero);
        for (int i = values; i < outStart + n; i++) {
            if (out[i] == zero) {
                throw new WpkFormatException(valuesAt, "value section holds the zero byte " + (zero & 0xFF));
            }
        }
        spread(kinds, positions, runs, shift, zero, out, outStart, n, values);
    }

    /** Checks the run symbols block by block; returns the non-zero elements of the mixed blocks. */
    private static long checkRuns(byte[] kinds, byte[] runs, int shift, int n, long at) throws WpkFormatException {
        int r = 0;
        long nonZero = 0;
        for (int k = 0; k < kinds.length; k++) {
            if (kinds[k] != ZeroRunsCodec.MIXED) {
                continue;
            }
            int length = Math.min(1 << shift, n - (k << shift));
            int p = 0;
            int zeros = 0;
            for (boolean zeroRun = true; p < length; zeroRun = !zeroRun) {
                if (r == runs.length) {
                    throw new WpkFormatException(at, "runs end inside block " + k);
                }
                int run = runs[r++] & 0xFF;
                if (run == 0 && p > 0 || run > length - p) {
                    throw new WpkFormatException(at, "run " + (r - 1) + " of " + run + " at element " + p + " of block "
                            + k + " (" + length + " elements)");
                }
                if (zeroRun) {
                    zeros += run;
                }
                p += run;
            }
            if (zeros == 0 || zeros == length) {
                throw new WpkFormatException(at, "mixed block " + k + " has " + zeros + " zeros of " + length);
            }
            nonZero += length - zeros;
        }
        if (r != runs.length) {
            throw new WpkFormatException(at, (runs.length - r) + " runs after the last mixed block");
        }
        return nonZero;
    }

    /** Checks the bitmaps of the mixed blocks; returns their non-zero elements. */
    private static long checkBitmaps(byte[] kinds, byte[] bitmaps, int shift, int n, long at) throws WpkFormatException {
        int b = 0;
        long nonZero = 0;
        for (int k = 0; k < kinds.length; k++) {
            if (kinds[k] != ZeroRunsCodec.MIXED) {
                continue;
            }
            int length = Math.min(1 << shift, n - (k << shift));
            int set = 0;
            for (int i = 0; i < length; i += 8) {
                int m = bitmaps[b++] & 0xFF;
                int valid = Math.min(8, length - i);
                if (m >>> valid != 0) {
                    throw new WpkFormatException(at, "bitmap of block " + k + " has bits past its " + length + " elements");
                }
                set += Integer.bitCount(m);
            }
            if (set == 0 || set == length) {
                throw new WpkFormatException(at, "mixed block " + k + " has " + set + " non-zero elements of " + length);
            }
            nonZero += set;
        }
        return nonZero;
    }

    /** Moves the values (at {@code out[values, outStart + n)}) to their elements and fills the zeros. */
    private static void spread(byte[] kinds, byte[] positions, boolean runs, int shift, byte zero, byte[] out,
            int outStart, int n, int values) {
        int block = 1 << shift;
        int v = values;
        int lastValue = outStart + n - 1;
        int p = 0;
        for (int k = 0; k < kinds.length; k++) {
            int start = outStart + (k << shift);
            int length = Math.min(block, n - (k << shift));
            switch (kinds[k]) {
                case ZeroRunsCodec.ALL_ZERO:
                    Arrays.fill(out, start, start + length, zero);
                    break;
                case ZeroRunsCodec.NO_ZERO:
                    System.arraycopy(out, v, out, start, length);
                    v += length;
                    break;
                default:
                    if (runs) {
                        for (int i = 0; i < length; ) {
                            int run = positions[p++] & 0xFF;
                            Arrays.fill(out, start + i, start + i + run, zero);
                            i += run;
                            if (i < length) {
                                run = positions[p++] & 0xFF;
                                System.arraycopy(out, v, out, start + i, run);
                                v += run;
                                i += run;
                            }
                        }
                    } else {
                        for (int i = 0; i < length; i += 8) {
                            int m = positions[p++] & 0xFF;
                            int end = Math.min(8, length - i);
                            // Branch-free: mixed bitmaps are what a branch predictor gets wrong.
                            for (int j = 0; j < end; j++) {
                                int bit = (m >>> j) & 1;
                                byte value = out[Math.min(v, lastValue)];
                                out[start + i + j] = (byte) ((value & -bit) | (zero & (bit - 1)));
                                v += bit;
                            }
                        }
                    }
            }
        }
    }
}
