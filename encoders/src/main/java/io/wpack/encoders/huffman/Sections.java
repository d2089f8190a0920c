package io.wpack.encoders.huffman;

import io.wpack.formats.WpkFormatException;

/**
 * Huffman sections as the structured codecs (pattern, sparse) lay them out: byte sections with
 * codes of at most {@value #BYTE_CODE_LIMIT} bits when written and {@value #BYTE_STREAM_LIMIT}
 * accepted when read, as {@code huffman} does; wide ones (up to 2^16 symbols) of at most
 * {@value #WIDE_CODE_LIMIT}; and a {@code size:varint} prefix where a section is followed by
 * another.
 */
public final class Sections {
    public static final int BYTE_CODE_LIMIT = 11;
    public static final int BYTE_STREAM_LIMIT = 12;
    public static final int WIDE_CODE_LIMIT = 16;

    private Sections() {
    }

    /** {@code size:varint} then a byte section of {@code symbols[0, n)}. */
    public static void writeSizedBytes(byte[] symbols, int n, BitWriter out) {
        BitWriter section = new BitWriter(n / 2 + 64);
        writeBytes(symbols, n, section);
        out.writeVarint(section.sizeInBytes());
        out.writeAll(section);
    }

    /** A byte section of {@code symbols[0, n)}, no size prefix. */
    public static void writeBytes(byte[] symbols, int n, BitWriter out) {
        long[] counts = new long[256];
        for (int i = 0; i < n; i++) {
            counts[symbols[i] & 0xFF]++;
        }
        CanonicalHuffmanEncoder.fromCounts(counts, BYTE_CODE_LIMIT).writeSection(symbols, 0, n, out);
    }

    /** The section a {@code size:varint} prefix announces, taken off {@code in}. */
    public static InputCursor sized(InputCursor in, String what) throws WpkFormatException {
        int size = in.readVarint(in.remaining(), what + " size");
        return in.take(size, what);
    }

    /** The {@code n} symbols of a byte section. */
    public static byte[] readBytes(InputCursor section, int n) throws WpkFormatException {
        byte[] out = new byte[n];
        CanonicalHuffmanDecoder.decodeBytes(section, BYTE_STREAM_LIMIT, out, 0, n);
        return out;
    }

    /** Bad input unless {@code condition}, reported at the cursor's offset. */
    public static void verify(boolean condition, InputCursor in, String message) throws WpkFormatException {
        if (!condition) {
            throw new WpkFormatException(in.offset(), message);
        }
    }
}
