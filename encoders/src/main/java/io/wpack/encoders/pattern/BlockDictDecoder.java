package io.wpack.encoders.pattern;

import io.wpack.encoders.huffman.Sections;
import io.wpack.encoders.huffman.InputCursor;
import io.wpack.formats.WpkFormatException;

/**
 * Reads {@code blockdict} streams (grammar in {@link BlockDictCodec}). The number of blocks comes
 * from the destination size, the number of literals from the decoded indices; the dictionary's
 * size is bounded by the codec's {@code entries} parameter.
 */
final class BlockDictDecoder {
    private BlockDictDecoder() {
    }

    static void decode(InputCursor in, byte[] out, int outStart, int n, int block, int maxEntries)
            throws WpkFormatException {
        long lengthAt = in.offset();
        int stated = in.readVarint(Integer.MAX_VALUE, "chunk length");
        if (stated != n) {
            throw new WpkFormatException(lengthAt, "blockdict stream of " + stated + " bytes, expected " + n);
        }
        int columns = in.readVarint(Math.max(1, n), "columns");
        Sections.verify(columns >= 1, in, "blockdict layout of 0 columns");
        int count = in.readVarint(maxEntries, "dictionary entries");
        byte[] entries = Sections.readBytes(Sections.sized(in, "dictionary"), count * block);

        int blocks = n / block;
        InputCursor indexSection = Sections.sized(in, "index section");
        char[] symbols = new char[blocks];
        int escapes = 0;
        if (count + 1 <= 256) {
            byte[] narrow = Sections.readBytes(indexSection, blocks);
            for (int b = 0; b < blocks; b++) {
                int s = narrow[b] & 0xFF;
                if (s > count) {
                    throw new WpkFormatException(indexSection.offset(), "block index " + s + " past the " + count
                            + " dictionary entries and the escape");
                }
                escapes += s == count ? 1 : 0;
                symbols[b] = (char) s;
            }
        } else {
            // The section's table admits no symbol at or above count + 1.
            byte[] wide = PatternStreams.readWide(indexSection, count + 1, blocks);
            for (int b = 0; b < blocks; b++) {
                int s = (wide[2 * b] & 0xFF) | (wide[2 * b + 1] & 0xFF) << 8;
                escapes += s == count ? 1 : 0;
                symbols[b] = (char) s;
            }
        }
        int tail = n - blocks * block;
        byte[] literals = Sections.readBytes(in, escapes * block + tail);

        byte[] logical = columns == 1 ? out : new byte[n];
        int base = columns == 1 ? outStart : 0;
        int at = 0;
        for (int b = 0; b < blocks; b++) {
            int s = symbols[b];
            if (s == count) {
                System.arraycopy(literals, at, logical, base + b * block, block);
                at += block;
            } else {
                System.arraycopy(entries, s * block, logical, base + b * block, block);
            }
        }
        System.arraycopy(literals, at, logical, base + blocks * block, tail);
        if (columns > 1) {
            PatternStreams.fromLogical(logical, n, columns, out, outStart);
        }
    }
}
