package io.wpack.encoders.sparse;

import io.wpack.encoders.huffman.BitWriter;
import io.wpack.encoders.huffman.CanonicalHuffmanDecoder;
import io.wpack.encoders.huffman.CanonicalHuffmanEncoder;
import io.wpack.encoders.huffman.InputCursor;
import io.wpack.formats.WpkFormatException;

import java.nio.ByteBuffer;

import static io.wpack.encoders.huffman.Sections.BYTE_CODE_LIMIT;
import static io.wpack.encoders.huffman.Sections.BYTE_STREAM_LIMIT;
import static io.wpack.encoders.huffman.Sections.WIDE_CODE_LIMIT;
import static io.wpack.encoders.huffman.Sections.writeSizedBytes;
import static io.wpack.encoders.huffman.Sections.writeBytes;
import static io.wpack.encoders.huffman.Sections.sized;
import static io.wpack.encoders.huffman.Sections.readBytes;
import static io.wpack.encoders.huffman.Sections.verify;

/**
 * What the sparse codecs share beyond {@link io.wpack.encoders.huffman.Sections} (code length
 * limits, byte sections with a size prefix): sections over any alphabet, bucketed integers and
 * shape checks.
 *
 * <p>Integers (row counts, column gaps) go through {@code ints(k)}: a sized byte section of k
 * bucket symbols, then the extra bits of each symbol in order, LSB-first, zero bits to a byte.
 * Symbol v &lt; 8 is v itself; a larger v with e = floor(log2 v) is symbol 8 + 2(e - 3) + (bit
 * e - 1 of v), followed by its low e - 1 bits (DEFLATE's distance codes with two buckets per
 * octave), so any int is symbol 0..63 and small gaps cost only their Huffman code.
 */
final class SparseStreams {
    static final int INT_ALPHABET = 64;

    private SparseStreams() {
    }

    // ---- writing

    /**
     * {@code size:varint} then a section of {@code symbols[0, n)}, all below {@code alphabet}: a
     * byte section when the alphabet has at most 256 symbols, else a 16-bit one.
     */
    static void writeSizedSymbols(int[] symbols, int n, int alphabet, BitWriter out) {
        BitWriter section = new BitWriter(n + 64);
        if (alphabet <= 256) {
            byte[] bytes = new byte[n];
            for (int i = 0; i < n; i++) {
                bytes[i] = (byte) symbols[i];
            }
            writeBytes(bytes, n, section);
        } else {
            long[] counts = new long[alphabet];
            char[] chars = new char[n];
            for (int i = 0; i < n; i++) {
                counts[symbols[i]]++;
                chars[i] = (char) symbols[i];
            }
            CanonicalHuffmanEncoder.fromCounts(counts, WIDE_CODE_LIMIT).writeSection(chars, 0, n, section);
        }
        out.writeVarint(section.sizeInBytes());
        out.writeAll(section);
    }

    /** {@code ints(n)} of {@code values[0, n)}, all non-negative (see the class comment). */
    static void writeInts(int[] values, int n, BitWriter out) {
        byte[] symbols = new byte[n];
        BitWriter extra = new BitWriter(n / 4 + 16);
        for (int i = 0; i < n; i++) {
            int v = values[i];
            if (v < 8) {
                symbols[i] = (byte) v;
            } else {
                int e = 31 - Integer.numberOfLeadingZeros(v);
                symbols[i] = (byte) (8 + 2 * (e - 3) + (v >>> (e - 1) & 1));
                extra.writeBits(v & ((1 << (e - 1)) - 1), e - 1);
            }
        }
        writeSizedBytes(symbols, n, out);
        out.writeAll(extra);
    }

    // ---- reading

    /** Decodes a sized section written by {@link #writeSizedSymbols}; every symbol is below {@code alphabet}. */
    static int[] readSizedSymbols(InputCursor in, int alphabet, int n, String what) throws WpkFormatException {
        InputCursor section = sized(in, what);
        int[] symbols = new int[n];
        if (alphabet <= 256) {
            byte[] bytes = readBytes(section, n);
            for (int i = 0; i < n; i++) {
                symbols[i] = bytes[i] & 0xFF;
                verify(symbols[i] < alphabet, section, what + ": symbol " + symbols[i] + " of " + alphabet);
            }
        } else {
            byte[] pairs = new byte[2 * n];
            CanonicalHuffmanDecoder.decodeShorts(section, alphabet, WIDE_CODE_LIMIT, pairs, 0, n);
            for (int i = 0; i < n; i++) {
                symbols[i] = (pairs[2 * i] & 0xFF) | (pairs[2 * i + 1] & 0xFF) << 8;
            }
        }
        return symbols;
    }

    /** Reads {@code ints(n)}; the values are checked by the caller as it goes through them. */
    static IntReader readInts(InputCursor in, int n, String what) throws WpkFormatException {
        InputCursor section = sized(in, what);
        byte[] symbols = readBytes(section, n);
        long bits = 0;
        for (byte s : symbols) {
            verify((s & 0xFF) < INT_ALPHABET, section, what + ": integer symbol " + (s & 0xFF));
            bits += extraBits(s & 0xFF);
        }
        return new IntReader(symbols, readRawBits(in, bits, what + " extra bits"));
    }

    /** The next {@code bits} bits, zero-padded to a byte, with 4 bytes of slack for {@link #bits}. */
    static byte[] readRawBits(InputCursor in, long bits, String what) throws WpkFormatException {
        long bytes = (bits + 7) / 8;
        verify(bytes <= in.remaining(), in, what + " take " + bytes + " bytes, " + in.remaining() + " left");
        byte[] raw = new byte[(int) bytes + 4];
        for (int i = 0; i < bytes; i++) {
            raw[i] = (byte) in.readByte(what);
        }
        if ((bits & 7) != 0) {
            verify((raw[(int) bytes - 1] & 0xFF) >>> (bits & 7) == 0, in, what + " are not zero-padded");
        }
        return raw;
    }

    /** {@code count} (at most 25) bits at bit {@code at}, LSB-first; {@code raw} has 4 bytes of slack. */
    static int bits(byte[] raw, long at, int count) {
        int i = (int) (at >>> 3);
        int word = (raw[i] & 0xFF) | (raw[i + 1] & 0xFF) << 8 | (raw[i + 2] & 0xFF) << 16 | (raw[i + 3] & 0xFF) << 24;
        return (int) ((word & 0xFFFFFFFFL) >>> (at & 7)) & ((1 << count) - 1);
    }

    static int extraBits(int symbol) {
        return symbol < 8 ? 0 : (symbol - 8) / 2 + 2;
    }

    /** Integers of an {@code ints(k)} part, in order; {@link #rewind} starts over (for a check pass, then a use pass). */
    static final class IntReader {
        private final byte[] symbols;
        private final byte[] raw;
        private int next;
        private long bitAt;

        IntReader(byte[] symbols, byte[] raw) {
            this.symbols = symbols;
            this.raw = raw;
        }

        int next() {
            int s = symbols[next++];
            if (s < 8) {
                return s;
            }
            int e = 3 + (s - 8) / 2;
            int low;
            if (e - 1 <= 25) {
                low = bits(raw, bitAt, e - 1);
            } else {
                low = bits(raw, bitAt, 16) | bits(raw, bitAt + 16, e - 17) << 16;
            }
            bitAt += e - 1;
            return (2 | (s - 8) & 1) << (e - 1) | low;
        }

        void rewind() {
            next = 0;
            bitAt = 0;
        }
    }

    // ---- buffers (the rest of the plumbing is io.wpack.encoders.Buffers)

    /** A cursor over {@code src}'s remaining bytes (a copy for direct buffers); {@code src} does not move. */
    static InputCursor cursor(ByteBuffer src) {
        if (src.hasArray()) {
            int start = src.arrayOffset() + src.position();
            return new InputCursor(src.array(), start, start, start + src.remaining());
        }
        byte[] copy = new byte[src.remaining()];
        src.duplicate().get(copy);
        return new InputCursor(copy, 0, 0, copy.length);
    }

    /** Requires the destination to hold exactly the codec's {@code size} bytes. */
    static void checkDestination(String codec, int size, int remaining) throws WpkFormatException {
        if (remaining != size) {
            throw new WpkFormatException(0, codec + " stream of " + size + " elements, destination of " + remaining
                    + " bytes");
        }
    }

    static void checkSourceLength(String codec, int size, int len) {
        if (len != size) {
            throw new IllegalArgumentException(codec + " codes " + size + " bytes, not " + len);
        }
    }
}
