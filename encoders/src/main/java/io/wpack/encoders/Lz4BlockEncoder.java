package io.wpack.encoders;

import org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorOutputStream;
import org.apache.commons.compress.compressors.lz77support.LZ77Compressor;

import java.io.IOException;
import java.util.Arrays;

/**
 * Encodes one LZ4 block (grammar in {@link Lz4BlockDecoder}): commons-compress's {@link
 * LZ77Compressor} finds the matches, and this class lays them out as LZ4 sequences.
 *
 * <p>Not {@link BlockLZ4CompressorOutputStream} itself: it keeps the pending sequences of the
 * last 64 KiB in a linked list that it walks for every match, which on float weights runs at
 * about 150 KB/s (7 s for 1 MiB on our machines), against 15 MB/s for the match finder alone. It also fails
 * on empty input. Its parameters are still the ones used here.
 *
 * <p>Knowing the input length up front lets the end-of-block rules of the reference format be
 * applied as matches arrive: the last 5 bytes are literals and no match starts within the last
 * 12, which decoders that over-copy without checks rely on. Matches that break them are
 * shortened or turned back into literals.
 *
 * <p>Names commons-compress types, so it is only loaded once the library is known to be present.
 */
final class Lz4BlockEncoder {
    private static final int MIN_MATCH = 4;
    private static final int MAX_OFFSET = 65535;
    private static final int LAST_LITERALS = 5;
    private static final int MATCH_START_LIMIT = 12;
    private static final int RUN_MASK = 15;

    private final byte[] src;
    private final int start;
    private final int end;
    private byte[] out;
    private int size;
    /** Start of the literals not yet written, as an index into {@code src}. */
    private int literalStart;
    /** Where the next block from the match finder begins, as an index into {@code src}. */
    private int position;

    private Lz4BlockEncoder(byte[] src, int off, int len) {
        this.src = src;
        this.start = off;
        this.end = off + len;
        this.out = new byte[Math.max(64, len / 2)];
        this.literalStart = off;
        this.position = off;
    }

    static byte[] encode(byte[] src, int off, int len) throws IOException {
        Lz4BlockEncoder encoder = new Lz4BlockEncoder(src, off, len);
        LZ77Compressor matchFinder = new LZ77Compressor(
                BlockLZ4CompressorOutputStream.createParameterBuilder().build(), encoder::accept);
        matchFinder.compress(src, off, len);
        matchFinder.finish();
        return encoder.finish();
    }

    private void accept(LZ77Compressor.Block block) {
        switch (block.getType()) {
            case LITERAL:
                position += ((LZ77Compressor.LiteralBlock) block).getLength();
                break;
            case BACK_REFERENCE:
                LZ77Compressor.BackReference match = (LZ77Compressor.BackReference) block;
                addMatch(match.getOffset(), match.getLength());
                break;
            default:
                // EOD: finish() writes the last literals.
        }
    }

    private void addMatch(int offset, int length) {
        int matchStart = position;
        position += length;
        if (offset < 1 || offset > MAX_OFFSET || length < MIN_MATCH || offset > matchStart - start) {
            throw new IllegalStateException("match finder returned offset " + offset + ", length " + length);
        }
        if (matchStart > end - MATCH_START_LIMIT) {
            return; // stays in the pending literals
        }
        int usable = Math.min(length, end - LAST_LITERALS - matchStart);
        writeSequence(matchStart - literalStart, offset, usable);
        literalStart = matchStart + usable;
    }

    private byte[] finish() {
        if (position != end) {
            throw new IllegalStateException("match finder covered " + (position - start) + " of " + (end - start) + " bytes");
        }
        int literalLength = end - literalStart;
        ensureCapacity(1L + literalLength / 255 + 1 + literalLength);
        out[size++] = (byte) (Math.min(literalLength, RUN_MASK) << 4);
        writeLength(literalLength);
        writeLiterals(literalLength);
        return Arrays.copyOf(out, size);
    }

    private void writeSequence(int literalLength, int offset, int matchLength) {
        int matchCode = matchLength - MIN_MATCH;
        // token + both length extensions + literals + offset
        ensureCapacity(1L + literalLength / 255 + 1 + literalLength + 2 + matchCode / 255 + 1);
        out[size++] = (byte) (Math.min(literalLength, RUN_MASK) << 4 | Math.min(matchCode, RUN_MASK));
        writeLength(literalLength);
        writeLiterals(literalLength);
        out[size++] = (byte) offset;
        out[size++] = (byte) (offset >>> 8);
        writeLength(matchCode);
    }

    /** The extension bytes of a length whose nibble is 15: the rest in 255s and a final smaller byte. */
    private void writeLength(int length) {
        if (length < RUN_MASK) {
            return;
        }
        int rest = length - RUN_MASK;
        while (rest >= 255) {
            out[size++] = (byte) 255;
            rest -= 255;
        }
        out[size++] = (byte) rest;
    }

    private void writeLiterals(int literalLength) {
        System.arraycopy(src, literalStart, out, size, literalLength);
        size += literalLength;
    }

    private void ensureCapacity(long more) {
        long needed = size + more;
        if (needed > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("lz4 output exceeds the largest array");
        }
        if (needed > out.length) {
            long grown = Math.max(needed, Math.min(Integer.MAX_VALUE - 8, (long) out.length + (out.length >> 1)));
            out = Arrays.copyOf(out, (int) grown);
        }
    }
}
