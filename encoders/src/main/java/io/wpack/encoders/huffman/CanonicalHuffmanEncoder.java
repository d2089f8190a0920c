package io.wpack.encoders.huffman;

/**
 * Writes Huffman sections: a canonical code with length-limited codes (see {@link PackageMerge}),
 * its code-length table, and the symbols coded in one or four streams.
 *
 * <p>Byte grammar of a section of {@code n} symbols (the reader knows {@code n} and the section's
 * end):
 * <pre>
 * section = table                          ; no symbols: the empty table
 *         | table n:varint                 ; a single symbol, repeated n times
 *         | table stream                   ; one stream when n &lt; 1024
 *         | table size0 size1 size2 stream stream stream stream ; four streams when n &gt;= 1024
 * table   = code lengths, see {@link CodeLengthTable}, padded to a byte
 * sizeK   = varint: bytes in stream K; the last stream runs to the end of the section
 * stream  = the codes of its symbols in order, LSB-first, then a 1 bit, then zero bits to a
 *           byte boundary
 * </pre>
 * The 1 bit after the last code (zstd's end mark) makes a stream's length in bits exact, so a
 * decoder told the wrong number of symbols always fails: decoding fewer leaves code bits before
 * the mark, decoding more consumes the mark, after which only zeros follow. The single-symbol
 * section states its count for the same reason.
 * With four streams, stream {@code k} holds symbols {@code [k*q, min(n, (k+1)*q))} with
 * {@code q = ceil(n / 4)}, as in zstd's Huffman literals, so that a decoder can keep four
 * independent dependency chains in flight. Codes are canonical: shorter codes first, equal
 * lengths by symbol, each code written most significant bit first into the LSB-first stream, so
 * that a decoder indexes its table by the next bits of the stream without reversing them.
 *
 * <p>An empty section (n = 0) is the empty table, the single byte {@code 00}.
 */
public final class CanonicalHuffmanEncoder {
    /** The longest code the format allows; alphabets of 2^16 symbols need it. */
    public static final int MAX_CODE_LENGTH = CodeLengthTable.MAX_LENGTH;
    public static final int MAX_ALPHABET_SIZE = 1 << 16;
    /** Sections of at least this many symbols use four streams. */
    public static final int FOUR_STREAMS_MIN_SYMBOLS = 1024;

    private final int[] lengths;
    private final int[] codes;
    private final int used;

    private CanonicalHuffmanEncoder(int[] lengths) {
        this.lengths = lengths;
        this.codes = CodeLengthTable.reversedCanonicalCodes(lengths);
        this.used = CodeLengthTable.countUsed(lengths);
    }

    /**
     * The optimal code for these symbol counts with codes of at most {@code maxCodeLength} bits.
     * The alphabet is {@code counts.length} symbols.
     *
     * @throws IllegalArgumentException if the alphabet is larger than 2^16, the limit is not in
     *     [1, 16], or more symbols occur than codes of that limit can tell apart
     */
    public static CanonicalHuffmanEncoder fromCounts(long[] counts, int maxCodeLength) {
        if (counts.length > MAX_ALPHABET_SIZE) {
            throw new IllegalArgumentException("alphabet of " + counts.length + " symbols, at most " + MAX_ALPHABET_SIZE);
        }
        if (maxCodeLength < 1 || maxCodeLength > MAX_CODE_LENGTH) {
            throw new IllegalArgumentException("code length limit " + maxCodeLength + " is not in [1, " + MAX_CODE_LENGTH + "]");
        }
        return new CanonicalHuffmanEncoder(PackageMerge.codeLengths(counts, maxCodeLength));
    }

    /** A code with exactly these lengths, which must be complete or a single symbol of length 1 (for tests). */
    public static CanonicalHuffmanEncoder fromLengths(int[] lengths) {
        try {
            CodeLengthTable.requireValidCode(lengths, MAX_CODE_LENGTH, new InputCursor(new byte[0], 0, 0, 0), "code");
        } catch (io.wpack.formats.WpkFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return new CanonicalHuffmanEncoder(lengths.clone());
    }

    public int codeLength(int symbol) {
        return lengths[symbol];
    }

    public int[] codeLengths() {
        return lengths.clone();
    }

    public int usedSymbols() {
        return used;
    }

    /** Bits the symbols take in the streams, before padding; zero when at most one symbol occurs. */
    public long payloadBits(long[] counts) {
        if (used <= 1) {
            return 0;
        }
        long bits = 0;
        for (int s = 0; s < counts.length; s++) {
            bits += counts[s] * lengths[s];
        }
        return bits;
    }

    /** Bytes of the code-length table. */
    public int tableSize() {
        BitWriter out = new BitWriter(64);
        CodeLengthTable.write(lengths, out);
        return (int) out.sizeInBytes();
    }

    /**
     * The size of the section for {@code n} symbols with these counts, to within the padding of
     * the streams (at most 3 bytes over) and the varints of their sizes.
     */
    public long sectionSizeEstimate(long[] counts, long n) {
        long streams = used == 0 ? 0 : used == 1 ? 5 : (payloadBits(counts) + 8) / 8;
        long jumps = used > 1 && n >= FOUR_STREAMS_MIN_SYMBOLS ? 3 * (1 + (64 - Long.numberOfLeadingZeros(streams / 4 + 1)) / 7) : 0;
        return tableSize() + jumps + streams;
    }

    /**
     * {@link #sectionSizeEstimate} of the optimal code for a histogram given sparsely: the
     * occurring symbols, ascending, and their counts, all positive. Takes time in the number of
     * occurring symbols, not in the alphabet, for encoders that compare many candidate alphabets.
     */
    public static long sectionSizeEstimate(int[] symbols, long[] counts, int used, int maxCodeLength, long n) {
        if (used == 0) {
            return 1;
        }
        int[] lengths = PackageMerge.codeLengths(java.util.Arrays.copyOf(counts, used), maxCodeLength);
        BitWriter table = new BitWriter(64);
        CodeLengthTable.write(symbols, lengths, used, table);
        long payload = 0;
        for (int k = 0; k < used; k++) {
            payload += counts[k] * lengths[k];
        }
        long streams = used == 1 ? 5 : (payload + 8) / 8;
        long jumps = used > 1 && n >= FOUR_STREAMS_MIN_SYMBOLS ? 3 * (1 + (64 - Long.numberOfLeadingZeros(streams / 4 + 1)) / 7) : 0;
        return table.sizeInBytes() + jumps + streams;
    }

    /** Writes a section of {@code symbols[off, off + n)}, which must all have codes. */
    public void writeSection(byte[] symbols, int off, int n, BitWriter out) {
        if (off < 0 || n < 0 || off > symbols.length - n) {
            throw new IndexOutOfBoundsException("range [" + off + ", " + off + " + " + n + ") of " + symbols.length);
        }
        if (!writeTableFor(n, out)) {
            for (int i = off; i < off + n; i++) {
                requireCode(symbols[i] & 0xFF);
            }
            writeSingleCount(n, out);
            return;
        }
        writeByteStreams(symbols, off, n, out);
    }

    /**
     * Writes only the streams of a section of {@code symbols[off, off + n)}, without its table,
     * for a code the reader rebuilds by itself ({@code huffman-model}); {@code n >= 1}, and at
     * least two symbols have codes.
     */
    public void writeStreams(byte[] symbols, int off, int n, BitWriter out) {
        if (off < 0 || n < 1 || off > symbols.length - n) {
            throw new IndexOutOfBoundsException("range [" + off + ", " + off + " + " + n + ") of " + symbols.length);
        }
        if (used < 2) {
            throw new IllegalArgumentException("streams need a code of at least two symbols, not " + used);
        }
        writeByteStreams(symbols, off, n, out);
    }

    private void writeByteStreams(byte[] symbols, int off, int n, BitWriter out) {
        BitWriter[] streams = streamWriters(n);
        int q = streams.length == 1 ? n : (n + 3) / 4;
        for (int k = 0; k < streams.length; k++) {
            BitWriter stream = streams[k];
            int end = off + Math.min(n, (k + 1) * q);
            for (int i = off + k * q; i < end; i++) {
                int s = symbols[i] & 0xFF;
                requireCode(s);
                stream.writeBits(codes[s], lengths[s]);
            }
        }
        appendStreams(streams, out);
    }

    /** Writes a section of {@code symbols[off, off + n)}, which must all have codes. */
    public void writeSection(char[] symbols, int off, int n, BitWriter out) {
        if (off < 0 || n < 0 || off > symbols.length - n) {
            throw new IndexOutOfBoundsException("range [" + off + ", " + off + " + " + n + ") of " + symbols.length);
        }
        if (!writeTableFor(n, out)) {
            for (int i = off; i < off + n; i++) {
                requireCode(symbols[i]);
            }
            writeSingleCount(n, out);
            return;
        }
        BitWriter[] streams = streamWriters(n);
        int q = streams.length == 1 ? n : (n + 3) / 4;
        for (int k = 0; k < streams.length; k++) {
            BitWriter stream = streams[k];
            int end = off + Math.min(n, (k + 1) * q);
            for (int i = off + k * q; i < end; i++) {
                int s = symbols[i];
                requireCode(s);
                stream.writeBits(codes[s], lengths[s]);
            }
        }
        appendStreams(streams, out);
    }

    /** Writes the table; returns whether streams follow (more than one symbol occurs). */
    private boolean writeTableFor(int n, BitWriter out) {
        if ((n == 0) != (used == 0)) {
            throw new IllegalArgumentException(n + " symbols to write with a code for " + used);
        }
        CodeLengthTable.write(lengths, out);
        return used > 1;
    }

    private void writeSingleCount(int n, BitWriter out) {
        if (used == 1) {
            out.writeVarint(n);
        }
    }

    private static BitWriter[] streamWriters(int n) {
        int count = n >= FOUR_STREAMS_MIN_SYMBOLS ? 4 : 1;
        BitWriter[] streams = new BitWriter[count];
        for (int k = 0; k < count; k++) {
            streams[k] = new BitWriter(n / count + 16);
        }
        return streams;
    }

    private static void appendStreams(BitWriter[] streams, BitWriter out) {
        for (BitWriter stream : streams) {
            stream.writeBits(1, 1);
        }
        for (int k = 0; k < streams.length - 1; k++) {
            out.writeVarint(streams[k].sizeInBytes());
        }
        for (BitWriter stream : streams) {
            out.writeAll(stream);
        }
    }

    private void requireCode(int symbol) {
        if (symbol >= lengths.length || lengths[symbol] == 0) {
            throw new IllegalArgumentException("symbol " + symbol + " has no code");
        }
    }
}
