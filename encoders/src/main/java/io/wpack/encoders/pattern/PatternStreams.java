package io.wpack.encoders.pattern;

import io.wpack.encoders.huffman.BitWriter;
import io.wpack.encoders.huffman.CanonicalHuffmanDecoder;
import io.wpack.encoders.huffman.CanonicalHuffmanEncoder;
import io.wpack.encoders.huffman.InputCursor;
import io.wpack.formats.WpkFormatException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.wpack.encoders.huffman.Sections.BYTE_CODE_LIMIT;
import static io.wpack.encoders.huffman.Sections.BYTE_STREAM_LIMIT;
import static io.wpack.encoders.huffman.Sections.WIDE_CODE_LIMIT;
import static io.wpack.encoders.huffman.Sections.sized;

/**
 * What the pattern codecs share beyond {@link io.wpack.encoders.huffman.Sections}: wide sections
 * with a size prefix, size estimates and the column-major layout.
 */
final class PatternStreams {

    private PatternStreams() {
    }

    // ---- writing

    /** {@code size:varint} then a wide section of {@code symbols[0, n)}, all below {@code alphabet}. */
    static void writeSizedWide(char[] symbols, int n, int alphabet, BitWriter out) {
        long[] counts = new long[alphabet];
        for (int i = 0; i < n; i++) {
            counts[symbols[i]]++;
        }
        BitWriter section = new BitWriter(n + 64);
        CanonicalHuffmanEncoder.fromCounts(counts, WIDE_CODE_LIMIT).writeSection(symbols, 0, n, section);
        out.writeVarint(section.sizeInBytes());
        out.writeAll(section);
    }

    /**
     * Estimated bytes of a sized section for a histogram (its size prefix included), in time
     * proportional to the symbols that occur.
     */
    static long sectionBytes(long[] counts, int alphabet, int codeLimit) {
        int used = 0;
        long n = 0;
        for (int s = 0; s < alphabet; s++) {
            if (counts[s] > 0) {
                used++;
                n += counts[s];
            }
        }
        int[] symbols = new int[used];
        long[] nonZero = new long[used];
        for (int s = 0, k = 0; s < alphabet; s++) {
            if (counts[s] > 0) {
                symbols[k] = s;
                nonZero[k++] = counts[s];
            }
        }
        long size = CanonicalHuffmanEncoder.sectionSizeEstimate(symbols, nonZero, used, codeLimit, n);
        return size + varintSize(size);
    }

    static int varintSize(long value) {
        int size = 1;
        while (value >= 0x80) {
            value >>>= 7;
            size++;
        }
        return size;
    }

    /** log2 of the top 10 mantissa bits' values 1 + k/1024, for {@link #log2}. */
    private static final float[] LOG2_MANTISSA = new float[1025];

    static {
        for (int k = 0; k <= 1024; k++) {
            LOG2_MANTISSA[k] = (float) (Math.log(1 + k / 1024.0) / Math.log(2));
        }
    }

    /**
     * log2 of a positive number to within 0.0015: the exponent plus a table of the mantissa's
     * top 10 bits, linearly interpolated. For cost estimates, where it is a good deal faster than
     * {@link Math#log} and as good.
     */
    static float log2(double x) {
        long bits = Double.doubleToRawLongBits(x);
        int exponent = (int) (bits >>> 52) - 1023;
        int top = (int) (bits >>> 42) & 1023;
        float fraction = ((bits >>> 10) & 0xFFFFFFFFL) * 0x1p-32f;
        return exponent + LOG2_MANTISSA[top] + fraction * (LOG2_MANTISSA[top + 1] - LOG2_MANTISSA[top]);
    }

    // ---- reading

    /** Decodes a wide section of {@code n} symbols below {@code alphabet} as little-endian pairs. */
    static byte[] readWide(InputCursor section, int alphabet, int n) throws WpkFormatException {
        byte[] out = new byte[2 * n];
        CanonicalHuffmanDecoder.decodeShorts(section, alphabet, WIDE_CODE_LIMIT, out, 0, n);
        return out;
    }

    // ---- layout

    /**
     * The logical order of {@code src[off, off + n)} for {@code columns} C: the first
     * {@code R = n / C} rows of C bytes read column by column (element (r, c) goes to
     * {@code c * R + r}), then the last {@code n mod C} bytes as they are. C = 1 is the identity.
     */
    static byte[] toLogical(byte[] src, int off, int n, int columns) {
        byte[] logical = new byte[n];
        int rows = n / columns;
        int rows8 = rows & ~7;
        int columns8 = columns & ~7;
        long[] w = new long[8];
        // ByteBuffer rather than a VarHandle view: the decoders use this class, and Android has
        // byte-array VarHandles only from API 33.
        ByteBuffer in = ByteBuffer.wrap(src).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = ByteBuffer.wrap(logical).order(ByteOrder.LITTLE_ENDIAN);
        // Tiles of 64×64, each done as 8×8 byte transposes in registers: a destination column is
        // written 8 bytes at a time, and only 8 of its cache lines are live at once, which a
        // power-of-two row count would otherwise make collide in one cache set.
        for (int r0 = 0; r0 < rows8; r0 += 64) {
            int r1 = Math.min(rows8, r0 + 64);
            for (int c0 = 0; c0 < columns8; c0 += 64) {
                int c1 = Math.min(columns8, c0 + 64);
                for (int c = c0; c < c1; c += 8) {
                    for (int r = r0; r < r1; r += 8) {
                        int from = off + r * columns + c;
                        for (int i = 0; i < 8; i++) {
                            w[i] = in.getLong(from + i * columns);
                        }
                        transpose8x8(w);
                        for (int j = 0; j < 8; j++) {
                            out.putLong((c + j) * rows + r, w[j]);
                        }
                    }
                }
            }
        }
        // The edges: rows past the last multiple of 8, and columns past theirs.
        for (int r = 0; r < rows; r++) {
            int from = off + r * columns;
            for (int c = r < rows8 ? columns8 : 0; c < columns; c++) {
                logical[c * rows + r] = src[from + c];
            }
        }
        int done = rows * columns;
        System.arraycopy(src, off + done, logical, done, n - done);
        return logical;
    }

    /** Transposes the 8×8 bytes of {@code w} (byte j of w[i] is element (i, j)) by swapping 1-, 2- then 4-byte blocks. */
    static void transpose8x8(long[] w) {
        for (int i = 0; i < 8; i += 2) {
            long t = ((w[i] >>> 8) ^ w[i + 1]) & 0x00FF00FF00FF00FFL;
            w[i + 1] ^= t;
            w[i] ^= t << 8;
        }
        for (int i = 0; i < 8; i += 4) {
            for (int k = i; k < i + 2; k++) {
                long t = ((w[k] >>> 16) ^ w[k + 2]) & 0x0000FFFF0000FFFFL;
                w[k + 2] ^= t;
                w[k] ^= t << 16;
            }
        }
        for (int k = 0; k < 4; k++) {
            long t = ((w[k] >>> 32) ^ w[k + 4]) & 0x00000000FFFFFFFFL;
            w[k + 4] ^= t;
            w[k] ^= t << 32;
        }
    }

    /** The inverse of {@link #toLogical}: writes {@code dst[dstOff, dstOff + n)}, by the same 8×8 tiles. */
    static void fromLogical(byte[] logical, int n, int columns, byte[] dst, int dstOff) {
        int rows = n / columns;
        int rows8 = rows & ~7;
        int columns8 = columns & ~7;
        long[] w = new long[8];
        ByteBuffer in = ByteBuffer.wrap(logical).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = ByteBuffer.wrap(dst).order(ByteOrder.LITTLE_ENDIAN);
        for (int r0 = 0; r0 < rows8; r0 += 64) {
            int r1 = Math.min(rows8, r0 + 64);
            for (int c0 = 0; c0 < columns8; c0 += 64) {
                int c1 = Math.min(columns8, c0 + 64);
                for (int r = r0; r < r1; r += 8) {
                    for (int c = c0; c < c1; c += 8) {
                        for (int i = 0; i < 8; i++) {
                            w[i] = in.getLong((c + i) * rows + r);
                        }
                        transpose8x8(w);
                        int to = dstOff + r * columns + c;
                        for (int j = 0; j < 8; j++) {
                            out.putLong(to + j * columns, w[j]);
                        }
                    }
                }
            }
        }
        for (int r = 0; r < rows; r++) {
            int to = dstOff + r * columns;
            for (int c = r < rows8 ? columns8 : 0; c < columns; c++) {
                dst[to + c] = logical[c * rows + r];
            }
        }
        int done = rows * columns;
        System.arraycopy(logical, done, dst, dstOff + done, n - done);
    }
}
