package io.wpack.encoders.pattern;

import io.wpack.encoders.huffman.Sections;
import io.wpack.encoders.huffman.InputCursor;
import io.wpack.formats.WpkFormatException;

import java.util.Arrays;

/**
 * Reads {@code maskvalues} streams (grammar in {@link MaskValuesCodec}). Every count comes from
 * the destination size and what was already decoded, never from the stream: the number of
 * segments from n and the segment length, the blocks of each class from the class map, the
 * values of each class from its masks. Work and memory are linear in n.
 */
final class MaskValuesDecoder {
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
        byte[][] values = new byte[classes][];
        long rawBits = 0;
        int symbolLimit = bucketed ? MaskValuesEncoder.BUCKETS : split ? 128 : 256;
        for (int c = 0; c < classes; c++) {
            InputCursor section = Sections.sized(in, "value section " + c);
            values[c] = Sections.readBytes(section, valuesOf[c]);
            for (byte x : values[c]) {
                int symbol = x & 0xFF;
                if (symbol >= symbolLimit || !split && symbol == zero) {
                    throw new WpkFormatException(section.offset(), split ? "value symbol " + symbol + " of "
                            + symbolLimit : "a non-zero value equals the zero byte");
                }
                if (split) {
                    rawBits += 1 + (bucketed ? bucketExtraBits(symbol) : 0);
                }
            }
        }
        long rawAt = in.offset();
        long rawBytes = (rawBits + 7) / 8;
        Sections.verify(in.remaining() == rawBytes, in, "maskvalues raw bits take " + in.remaining()
                + " bytes, expected " + rawBytes);
        byte[] raw = in.remaining() == 0 ? new byte[0] : null;
        if (raw == null) {
            raw = new byte[(int) rawBytes + 8];
            for (int i = 0; i < rawBytes; i++) {
                raw[i] = (byte) in.readByte("raw bits");
            }
            if ((rawBits & 7) != 0) {
                Sections.verify((raw[(int) rawBytes - 1] & 0xFF) >>> (rawBits & 7) == 0, in,
                        "raw bits are not zero-padded");
            }
        }

        byte[] logical = columns == 1 ? out : new byte[n];
        int base = columns == 1 ? outStart : 0;
        int[] maskAt = new int[classes];
        int[] valueAt = new int[classes];
        long bitAt = 0;
        byte z = (byte) zero;
        int full = (1 << block) - 1;
        for (int k = 0; k < segCount; k++) {
            int c = classOf == null ? 0 : classOf[k];
            byte[] cm = masks[c];
            byte[] cv = values[c];
            int end = base + Math.min(n, (k + 1) * segment);
            for (int i = base + k * segment; i < end; i += block) {
                int len = Math.min(block, end - i);
                int at = maskAt[c]++;
                int m = wide ? (cm[2 * at] & 0xFF) | (cm[2 * at + 1] & 0xFF) << 8 : cm[at] & 0xFF;
                if (m >>> len != 0) {
                    throw new WpkFormatException(rawAt, "block mask " + Integer.toBinaryString(m)
                            + " marks elements past the block's " + len);
                }
                if (m == 0) {
                    Arrays.fill(logical, i, i + len, z);
                    continue;
                }
                if (!split && m == full) {
                    System.arraycopy(cv, valueAt[c], logical, i, len);
                    valueAt[c] += len;
                    continue;
                }
                for (int j = 0; j < len; j++) {
                    if ((m >>> j & 1) == 0) {
                        logical[i + j] = z;
                    } else if (!split) {
                        logical[i + j] = cv[valueAt[c]++];
                    } else {
                        int symbol = cv[valueAt[c]++];
                        int magnitude;
                        if (bucketed && symbol >= 4) {
                            int e = 2 + (symbol - 4) / 2;
                            int extra = (int) readBits(raw, bitAt, e - 1);
                            bitAt += e - 1;
                            magnitude = ((2 | (symbol - 4) & 1) << (e - 1) | extra) + 1;
                        } else {
                            magnitude = symbol + 1;
                        }
                        boolean negative = readBits(raw, bitAt++, 1) != 0;
                        if (magnitude == 128 && !negative) {
                            throw new WpkFormatException(rawAt, "magnitude 128 with a positive sign");
                        }
                        logical[i + j] = (byte) (zero + (negative ? -magnitude : magnitude));
                    }
                }
            }
        }
        if (columns > 1) {
            PatternStreams.fromLogical(logical, n, columns, out, outStart);
        }
    }

    /** Extra bits of a bucket symbol (see {@link MaskValuesEncoder#bucket}). */
    private static int bucketExtraBits(int symbol) {
        return symbol < 4 ? 0 : 1 + (symbol - 4) / 2;
    }

    /** {@code count} (at most 8) bits at bit {@code at}, LSB-first; {@code raw} has 8 bytes of slack. */
    private static long readBits(byte[] raw, long at, int count) {
        int i = (int) (at >>> 3);
        int word = (raw[i] & 0xFF) | (raw[i + 1] & 0xFF) << 8;
        return (word >>> (at & 7)) & ((1 << count) - 1);
    }
}
