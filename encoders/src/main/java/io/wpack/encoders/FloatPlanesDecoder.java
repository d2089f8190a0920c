package io.wpack.encoders;

import io.wpack.encoders.huffman.CanonicalHuffmanDecoder;
import io.wpack.encoders.huffman.InputCursor;
import io.wpack.formats.WpkFormatException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Decodes {@link FloatPlanesCodec} streams.
 *
 * <p>Byte grammar, for a chunk of {@code len} bytes, {@code W} bytes per element, {@code n = len / W}
 * elements, each read as a little-endian unsigned integer of {@code 8W} bits:
 * <pre>
 * stream   = mode sectionSize:varint section low tail
 * mode     = byte: bits 0-3 = B - 1, where B (1..12) is the number of high bits coded;
 *            bit 4 = Z, the zero symbol (only with B &lt;= 11); bits 5-7 = 0
 * section  = a Huffman section (see {@link io.wpack.encoders.huffman.CanonicalHuffmanEncoder}),
 *            sectionSize bytes, of n symbols with codes of at most 12 bits over the alphabet
 *            2^B (+1 with Z): element i's symbol is its top B bits (element &gt;&gt;&gt; r,
 *            r = 8W - B); with Z, symbol 2^B stands for an element whose bits are all zero
 * low      = the low r bits of every element not coded as the zero symbol, in order, r bits each,
 *            LSB-first, then zero bits to a byte boundary
 * tail     = the last len mod W bytes, as they are
 * </pre>
 *
 * <p>The limits (B at most 12, alphabets of at most 2^12 symbols, codes of at most 12 bits) keep
 * every section on the decoder's two-symbol table; on the corpus, wider splits gained under 0.1%.
 *
 * <p>Decoding needs no scratch memory: the symbols are decoded as 16-bit values into the top
 * {@code 2n} bytes of the destination, then a forward pass merges each with its low bits into
 * element i at byte {@code W*i}, which never overwrites a symbol not yet read (for {@code W = 4},
 * element i ends at {@code 4i + 4 <= 2n + 2i + 2}, where symbol i + 1 starts).
 */
final class FloatPlanesDecoder {
    static final int MAX_HIGH_BITS = 12;
    static final int MAX_CODE_LENGTH = 12;
    static final int ZERO_SYMBOL_FLAG = 0x10;

    private FloatPlanesDecoder() {
    }

    static void decode(byte[] in, int inStart, int inEnd, byte[] out, int outStart, int len, int width)
            throws WpkFormatException {
        InputCursor cursor = new InputCursor(in, inStart, inStart, inEnd);
        int n = len / width;
        int tail = len - n * width;

        int mode = cursor.readByte("the floatplanes mode byte");
        int highBits = (mode & 0x0F) + 1;
        boolean zeroSymbol = (mode & ZERO_SYMBOL_FLAG) != 0;
        if ((mode & 0xE0) != 0 || highBits > MAX_HIGH_BITS || (zeroSymbol && highBits > MAX_HIGH_BITS - 1)) {
            throw new WpkFormatException(0, String.format("floatplanes mode byte 0x%02x is not valid for %d-byte elements",
                    mode, width));
        }
        int lowBits = 8 * width - highBits;
        int sectionSize = cursor.readVarint(cursor.remaining(), "floatplanes Huffman section size");
        InputCursor section = cursor.take(sectionSize, "floatplanes Huffman section");
        int alphabet = (1 << highBits) + (zeroSymbol ? 1 : 0);
        int symbolsStart = outStart + len - tail - 2 * n;
        CanonicalHuffmanDecoder.decodeShorts(section, alphabet, MAX_CODE_LENGTH, out, symbolsStart, n);

        if (cursor.remaining() < tail) {
            throw new WpkFormatException(cursor.offset(), "floatplanes stream ends before its " + tail + " tail bytes");
        }
        int lowStart = cursor.position();
        int lowEnd = cursor.end() - tail;
        if (lowBits > 0) {
            merge(in, inStart, lowStart, lowEnd, out, outStart, symbolsStart, n, width, lowBits,
                    zeroSymbol ? 1 << highBits : -1);
        } else if (lowEnd != lowStart) {
            throw new WpkFormatException(lowStart - inStart, (lowEnd - lowStart) + " bytes follow the floatplanes section");
        }
        System.arraycopy(in, lowEnd, out, outStart + n * width, tail);
    }

    /** Element i = symbol i &lt;&lt; lowBits | its low bits, written in place of the symbols. */
    private static void merge(byte[] in, int origin, int lowStart, int lowEnd, byte[] out, int outStart,
            int symbolsStart, int n, int width, int lowBits, int zeroSymbol) throws WpkFormatException {
        ByteBuffer lowWords = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer outWords = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        int lowMask = (1 << lowBits) - 1;
        long lowBitsTotal = 8L * (lowEnd - lowStart);
        // While a whole 8-byte word from a field's first byte lies inside the low bits, one load
        // gets the field: its offset in that byte is at most 7 and lowBits at most 31.
        long fastLimit = 8L * (lowEnd - lowStart - 8);
        long bit = 0;
        int i = 0;
        if (zeroSymbol < 0) {
            // Every element has low bits: no branch but the loop's. One method per width, so
            // that each loop is compiled for itself.
            int fast = fastLimit < 0 ? 0 : (int) Math.min(n, fastLimit / lowBits + 1);
            if (width == 4) {
                mergeInts(lowWords, lowStart, outWords, outStart, symbolsStart, fast, lowBits);
            } else {
                mergeShorts(lowWords, lowStart, outWords, outStart, fast, lowBits);
            }
            i = fast;
            bit = (long) fast * lowBits;
        }
        for (; i < n; i++) {
            int s = outWords.getShort(symbolsStart + 2 * i) & 0xFFFF;
            int v;
            if (s == zeroSymbol) {
                v = 0;
            } else {
                int low;
                if (bit <= fastLimit) {
                    low = (int) (lowWords.getLong(lowStart + (int) (bit >>> 3)) >>> (bit & 7)) & lowMask;
                } else {
                    if (bit + lowBits > lowBitsTotal) {
                        throw new WpkFormatException(lowEnd - origin, "floatplanes low bits end before element " + i
                                + " of " + n);
                    }
                    low = readPrecise(in, lowStart, bit, lowBits);
                }
                bit += lowBits;
                v = s << lowBits | low;
            }
            if (width == 4) {
                outWords.putInt(outStart + 4 * i, v);
            } else {
                outWords.putShort(outStart + 2 * i, (short) v);
            }
        }
        if ((bit + 7) / 8 != lowEnd - lowStart) {
            throw new WpkFormatException(lowStart + (bit + 7) / 8 - origin, "floatplanes low bits take " + (bit + 7) / 8
                    + " bytes, the stream has " + (lowEnd - lowStart));
        }
        if ((bit & 7) != 0 && (in[lowEnd - 1] & 0xFF) >>> (bit & 7) != 0) {
            throw new WpkFormatException(lowEnd - 1 - origin, "floatplanes low bits have non-zero padding");
        }
    }

    private static void mergeInts(ByteBuffer lowWords, int lowStart, ByteBuffer outWords, int outStart,
            int symbolsStart, int count, int lowBits) {
        int lowMask = (1 << lowBits) - 1;
        long bit = 0;
        for (int i = 0; i < count; i++, bit += lowBits) {
            int s = outWords.getShort(symbolsStart + 2 * i) & 0xFFFF;
            int low = (int) (lowWords.getLong(lowStart + (int) (bit >>> 3)) >>> (bit & 7)) & lowMask;
            outWords.putInt(outStart + 4 * i, s << lowBits | low);
        }
    }

    /** In place: symbol i and element i are the same two bytes. */
    private static void mergeShorts(ByteBuffer lowWords, int lowStart, ByteBuffer outWords, int outStart, int count,
            int lowBits) {
        int lowMask = (1 << lowBits) - 1;
        long bit = 0;
        for (int i = 0; i < count; i++, bit += lowBits) {
            int at = outStart + 2 * i;
            int low = (int) (lowWords.getLong(lowStart + (int) (bit >>> 3)) >>> (bit & 7)) & lowMask;
            outWords.putShort(at, (short) (outWords.getShort(at) << lowBits | low));
        }
    }

    /** The {@code count} bits at bit {@code bit} of the low bits, all inside them, a byte at a time. */
    private static int readPrecise(byte[] in, int lowStart, long bit, int count) {
        long value = 0;
        int shift = 0;
        int p = lowStart + (int) (bit >>> 3);
        int skip = (int) (bit & 7);
        while (shift < count + skip) {
            value |= (in[p++] & 0xFFL) << shift;
            shift += 8;
        }
        return (int) (value >>> skip) & ((1 << count) - 1);
    }
}
