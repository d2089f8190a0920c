package io.wpack.encoders.pattern;

import io.wpack.encoders.huffman.Sections;
import io.wpack.encoders.huffman.InputCursor;
import io.wpack.formats.WpkFormatException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Reads {@code maskvalues} streams (grammar in {@link MaskValuesCodec}). Every count comes from
 * the destination size and what was already decoded, never from the stream: the number of
 * segments from n and the segment length, the blocks of each class from the class map, the
 * values of each class from its masks. Work and memory are linear in n.
 */
final class MaskValuesDecoder {
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    /** Byte j is 0xFF where bit j is set. */
    private static final long[] SIGN_BYTES = new long[256];

    static {
        for (int b = 0; b < 256; b++) {
            long word = 0;
            for (int j = 0; j < 8; j++) {
                if ((b >>> j & 1) != 0) {
                    word |= 0xFFL << (8 * j);
                }
            }
            SIGN_BYTES[b] = word;
        }
    }

    private MaskValuesDecoder() {
    }

    static void decode(InputCursor in, byte[] out, int outStart, int n, int block) throws WpkFormatException {
        long lengthAt = in.offset();
        int stated = in.readVarint(Integer.MAX_VALUE, "chunk length");
        if (stated != n) {
            throw new WpkFormatException(lengthAt, "maskvalues stream of " + stated + " bytes, expected " + n);
        }
        int zero = in.readByte("zero byte");
        int flags = in.readByte("flags");
        Sections.verify(flags == MaskValuesEncoder.WHOLE || flags == MaskValuesEncoder.SPLIT
                || flags == MaskValuesEncoder.BUCKETED, in, "maskvalues flags " + flags + " are not 0, 1 or 3");
        boolean split = flags != MaskValuesEncoder.WHOLE;
        boolean bucketed = flags == MaskValuesEncoder.BUCKETED;
        int columns = in.readVarint(Math.max(1, n), "columns");
        Sections.verify(columns >= 1, in, "maskvalues layout of 0 columns");
        int segment = in.readVarint(Math.max(1, n), "segment length");
        Sections.verify(segment >= 1, in, "maskvalues segments of length 0");
        int classes = in.readByte("class count");
        Sections.verify(classes >= 1 && classes <= MaskValuesEncoder.MAX_CLASSES, in,
                "maskvalues class count " + classes + " is not in [1, " + MaskValuesEncoder.MAX_CLASSES + "]");

        int segCount = n == 0 ? 0 : (n - 1) / segment + 1;
        byte[] classOf = null;
        if (classes > 1) {
            InputCursor section = Sections.sized(in, "class map");
            classOf = Sections.readBytes(section, segCount);
            for (byte c : classOf) {
                Sections.verify((c & 0xFF) < classes, section, "segment class " + (c & 0xFF) + " of " + classes);
            }
        }
        int perFullSegment = (segment - 1) / block + 1;
        int[] blocksOf = new int[classes];
        for (int k = 0; k < segCount; k++) {
            int length = Math.min(segment, n - k * segment);
            blocksOf[classOf == null ? 0 : classOf[k]] += length == segment ? perFullSegment : (length - 1) / block + 1;
        }

        boolean wide = block > 8;
        byte[][] masks = new byte[classes][];
        int[] valuesOf = new int[classes];
        for (int c = 0; c < classes; c++) {
            InputCursor section = Sections.sized(in, "mask section " + c);
            if (wide) {
                masks[c] = PatternStreams.readWide(section, 1 << block, blocksOf[c]);
                for (int i = 0; i < blocksOf[c]; i++) {
                    valuesOf[c] += Integer.bitCount((masks[c][2 * i] & 0xFF) | (masks[c][2 * i + 1] & 0xFF) << 8);
                }
            } else {
                masks[c] = Sections.readBytes(section, blocksOf[c]);
                for (int i = 0; i < blocksOf[c]; i++) {
                    valuesOf[c] += Integer.bitCount(masks[c][i] & 0xFF);
                }
            }
        }
        // Per symbol: its magnitude (or the base its extra bits are added to) and its raw bits,
        // extra bits and sign; -1 marks a symbol the mode cannot write.
        int symbolLimit = bucketed ? MaskValuesEncoder.BUCKETS : split ? 128 : 256;
        int[] rawOf = new int[256];
        int[] baseOf = new int[256];
        for (int s = 0; s < 256; s++) {
            if (s >= symbolLimit || !split && s == zero) {
                rawOf[s] = -1;
            } else if (bucketed && s >= 4) {
                int e = 2 + (s - 4) / 2;
                rawOf[s] = e;
                baseOf[s] = (2 | (s - 4) & 1) << (e - 1);
            } else if (split) {
                rawOf[s] = 1;
                baseOf[s] = s;
            }
        }
        byte[][] values = new byte[classes][];
        long rawBits = 0;
        for (int c = 0; c < classes; c++) {
            InputCursor section = Sections.sized(in, "value section " + c);
            values[c] = Sections.readBytes(section, valuesOf[c]);
            int bad = 0;
            long bits = 0;
            if (split && !bucketed) {
                // One sign bit per value; a symbol is valid below 128, so an or of all finds any other.
                for (byte x : values[c]) {
                    bad |= x;
                }
                bad = bad < 0 ? -1 : 0;
                bits = values[c].length;
            } else {
                for (byte x : values[c]) {
                    int r = rawOf[x & 0xFF];
                    bad |= r;
                    bits += r;
                }
            }
            if (bad < 0) {
                for (byte x : values[c]) {
                    int symbol = x & 0xFF;
                    if (rawOf[symbol] < 0) {
                        throw new WpkFormatException(section.offset(), split ? "value symbol " + symbol + " of "
                                + symbolLimit : "a non-zero value equals the zero byte");
                    }
                }
            }
            rawBits += bits;
        }
        long rawAt = in.offset();
        long rawBytes = (rawBits + 7) / 8;
        Sections.verify(in.remaining() == rawBytes, in, "maskvalues raw bits take " + in.remaining()
                + " bytes, expected " + rawBytes);
        // Slack for the 64-bit refill: with up to 15 unread bits left it may start one byte past
        // the last, and it reads 8.
        byte[] raw = new byte[(int) rawBytes + 16];
        in.readFully(raw, 0, (int) rawBytes, "raw bits");
        if ((rawBits & 7) != 0) {
            Sections.verify((raw[(int) rawBytes - 1] & 0xFF) >>> (rawBits & 7) == 0, in,
                    "raw bits are not zero-padded");
        }

        byte[] logical = columns == 1 ? out : new byte[n];
        int base = columns == 1 ? outStart : 0;
        int[] maskAt = new int[classes];
        int[] valueAt = new int[classes];
        ByteBuffer rawWords = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        long bitBuf = 0;
        int bitCount = 0;
        int rawPos = 0;
        // Whole blocks of 8 values go a word at a time where adding the zero byte is an xor.
        boolean swar = block == 8 && (zero == 0 || zero == 0x80);
        long zeroWord = zero == 0 ? 0 : HIGHS;
        ByteBuffer outWords = ByteBuffer.wrap(logical).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer[] valueWords = new ByteBuffer[classes];
        for (int c = 0; c < classes; c++) {
            valueWords[c] = ByteBuffer.wrap(values[c]).order(ByteOrder.LITTLE_ENDIAN);
        }
        // Set by a magnitude of 128 with a positive sign, which no int8 has; checked at the end.
        int positive128 = 0;
        byte z = (byte) zero;
        int full = (1 << block) - 1;
        for (int k = 0; k < segCount; k++) {
            int c = classOf == null ? 0 : classOf[k];
            byte[] cm = masks[c];
            byte[] cv = values[c];
            int va = valueAt[c];
            int at = maskAt[c];
            ByteBuffer vw = valueWords[c];
            int end = base + Math.min(n, (k + 1) * segment);
            for (int i = base + k * segment; i < end; i += block, at++) {
                int len = Math.min(block, end - i);
                int m = wide ? (cm[2 * at] & 0xFF) | (cm[2 * at + 1] & 0xFF) << 8 : cm[at] & 0xFF;
                if (m >>> len != 0) {
                    throw new WpkFormatException(rawAt, "block mask " + Integer.toBinaryString(m)
                            + " marks elements past the block's " + len);
                }
                if (m == 0) {
                    Arrays.fill(logical, i, i + len, z);
                    continue;
                }
                if (!split) {
                    if (m == full) {
                        System.arraycopy(cv, va, logical, i, len);
                        va += len;
                    } else {
                        for (int j = 0; j < len; j++) {
                            logical[i + j] = (m >>> j & 1) == 0 ? z : cv[va++];
                        }
                    }
                    continue;
                }
                if (!bucketed) {
                    // Split: magnitude = symbol + 1, and one sign bit per value, which a block
                    // takes all at once (at most 16; a refill leaves at least 56).
                    if (bitCount < 16) {
                        bitBuf |= rawWords.getLong(rawPos) << bitCount;
                        rawPos += (63 - bitCount) >>> 3;
                        bitCount |= 56;
                    }
                    int count = Integer.bitCount(m);
                    int signs = (int) bitBuf;
                    bitBuf >>>= count;
                    bitCount -= count;
                    if (m == 0xFF && swar) {
                        // Eight values in one word: magnitudes cannot carry (symbols are below
                        // 128), and negation adds 1 only to bytes of 255 - magnitude, at most 254.
                        long magnitudes = vw.getLong(va) + ONES;
                        long neg = SIGN_BYTES[signs & 0xFF];
                        outWords.putLong(i, ((magnitudes ^ neg) + (neg & ONES)) ^ zeroWord);
                        long high = magnitudes & ~neg & HIGHS;
                        positive128 |= (int) (high | high >>> 32);
                        va += 8;
                    } else if (m == full) {
                        for (int j = 0; j < len; j++) {
                            int magnitude = (cv[va + j] & 0xFF) + 1;
                            int neg = -(signs >>> j & 1);
                            logical[i + j] = (byte) (zero + ((magnitude ^ neg) - neg));
                            positive128 |= magnitude >>> 7 & (neg + 1);
                        }
                        va += len;
                    } else {
                        Arrays.fill(logical, i, i + len, z);
                        for (int rest = m; rest != 0; rest &= rest - 1) {
                            int magnitude = (cv[va++] & 0xFF) + 1;
                            int neg = -(signs & 1);
                            signs >>>= 1;
                            logical[i + Integer.numberOfTrailingZeros(rest)] = (byte) (zero + ((magnitude ^ neg) - neg));
                            positive128 |= magnitude >>> 7 & (neg + 1);
                        }
                    }
                    continue;
                }
                if (m != full) {
                    Arrays.fill(logical, i, i + len, z);
                }
                // Set bits only: the zeros are already written. A value takes at most 6 raw bits, so
                // refilling below 8 suffices.
                for (int rest = m; rest != 0; rest &= rest - 1) {
                    if (bitCount < 8) {
                        bitBuf |= rawWords.getLong(rawPos) << bitCount;
                        rawPos += (63 - bitCount) >>> 3;
                        bitCount |= 56;
                    }
                    int j = Integer.numberOfTrailingZeros(rest);
                    int symbol = cv[va++] & 0xFF;
                    int r = rawOf[symbol];
                    int word = (int) bitBuf;
                    bitBuf >>>= r;
                    bitCount -= r;
                    int magnitude = baseOf[symbol] + (word & ((1 << (r - 1)) - 1)) + 1;
                    int neg = -(word >>> (r - 1) & 1);
                    logical[i + j] = (byte) (zero + ((magnitude ^ neg) - neg));
                    positive128 |= magnitude >>> 7 & (neg + 1);
                }
            }
            valueAt[c] = va;
            maskAt[c] = at;
        }
        if (positive128 != 0) {
            throw new WpkFormatException(rawAt, "magnitude 128 with a positive sign");
        }
        if (columns > 1) {
            PatternStreams.fromLogical(logical, n, columns, out, outStart);
        }
    }
}
