package io.wpack.encoders.huffman;

import io.wpack.formats.WpkFormatException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Decodes the Huffman sections that {@link CanonicalHuffmanEncoder} writes (the grammar is in its
 * Javadoc), into bytes or into 16-bit little-endian symbols.
 *
 * <p>Decoding is table-driven. The table is indexed by the next {@code T} bits of a stream, at
 * most 12, sized to the section so that building it never costs more than decoding:
 * <ul>
 * <li>When every code fits in T bits and symbols fit in 12 bits, an entry holds one or two
 *     symbols: the first code, and a second when both fit in T bits together. For the exponents
 *     of float weights (codes of 2 to 4 bits) and skewed bytes, that halves the lookups.
 * <li>Otherwise an entry holds one symbol, or marks a code longer than T bits, which is then
 *     decoded canonically a bit at a time; such codes are rarer than 1 in 2^T.
 * </ul>
 *
 * <p>The four streams are decoded interleaved, so their lookups overlap in the CPU. Each stream
 * has a 64-bit buffer refilled with a whole 8-byte word (the branchless refill of F. Giesen,
 * "Reading bits in far too many ways"), after which 48 bits can be consumed without a check; this
 * fast path runs while every stream has 8 more bytes to load and room for a round of output, and
 * a precise tail then finishes each stream a byte at a time. Bits past a stream's end read as
 * zero, and consuming any of them is an error. A stream must end exactly: after its last symbol
 * come the end mark and the zero padding bits of its last byte, and nothing else.
 *
 * <p>No table entry is invalid, because only complete codes are accepted, so any bits decode to
 * some symbol; corrupt streams are caught by the end checks. Work and memory are bounded by the
 * destination and the alphabet: the lookup table has at most 4096 entries.
 */
public final class CanonicalHuffmanDecoder {
    static final int FAST_TABLE_BITS = 12;
    /** Symbols of at most this many bits fit twice in a double-symbol entry. */
    private static final int DOUBLE_SYMBOL_BITS = 12;

    private final int[] lengths;
    private final int used;
    private final int maxLength;
    private final int tableBits;
    /** symbol | length << 16, or 0 for the prefix of a code longer than tableBits. */
    private final int[] single;
    /**
     * s1 | s2 << 8 | bits << 24 | symbols << 29 for byte output, s1 | s2 << 12 | ... for 16-bit
     * output (so that the pair is stored with one 16-bit or 32-bit write), or null when not usable.
     */
    private final int[] pairs;
    // Canonical decoding of long codes: codes of length L are firstCode[L] + i for i < lengthCount[L],
    // standing for sortedSymbols[firstIndex[L] + i].
    private final int[] firstCode;
    private final int[] firstIndex;
    private final int[] lengthCount;
    private final int[] sortedSymbols;

    private CanonicalHuffmanDecoder(int[] lengths, int n, boolean wide) {
        this.lengths = lengths;
        this.used = CodeLengthTable.countUsed(lengths);
        int max = 0;
        for (int length : lengths) {
            max = Math.max(max, length);
        }
        this.maxLength = max;
        if (used <= 1) {
            tableBits = 0;
            single = null;
            pairs = null;
            firstCode = firstIndex = lengthCount = sortedSymbols = null;
            return;
        }
        // Building a table costs a few ns an entry, and a two-symbol table twice that, so the table
        // grows with the section. From 4 symbols an entry: the longest code (no lookup escapes),
        // or more bits for more two-symbol entries, up to 12. Below: fewer bits than the longest
        // code when needed, at least 8, and codes longer than that take the slow path.
        int log2n = 31 - Integer.numberOfLeadingZeros(Math.max(n, 1));
        boolean large = max <= FAST_TABLE_BITS && log2n >= max + 2;
        tableBits = large ? Math.min(FAST_TABLE_BITS, Math.max(max, log2n - 3))
                : Math.min(Math.min(max, FAST_TABLE_BITS), Math.max(8, log2n - 1));

        lengthCount = new int[max + 1];
        for (int length : lengths) {
            lengthCount[length]++;
        }
        lengthCount[0] = 0;
        firstCode = new int[max + 1];
        firstIndex = new int[max + 2];
        int code = 0;
        for (int len = 1; len <= max; len++) {
            code = (code + lengthCount[len - 1]) << 1;
            firstCode[len] = code;
            firstIndex[len + 1] = firstIndex[len] + lengthCount[len];
        }
        sortedSymbols = new int[used];
        int[] next = Arrays.copyOf(firstIndex, max + 1);
        for (int s = 0; s < lengths.length; s++) {
            if (lengths[s] > 0) {
                sortedSymbols[next[lengths[s]]++] = s;
            }
        }

        int size = 1 << tableBits;
        single = new int[size];
        for (int len = 1; len <= max; len++) {
            for (int i = 0; i < lengthCount[len]; i++) {
                int s = sortedSymbols[firstIndex[len] + i];
                int c = firstCode[len] + i;
                if (len <= tableBits) {
                    int entry = s | len << 16;
                    for (int x = reverse(c, len); x < size; x += 1 << len) {
                        single[x] = entry;
                    }
                }
                // Longer codes leave their prefix's entry at 0.
            }
        }

        if (large && lengths.length <= 1 << DOUBLE_SYMBOL_BITS && n >= CanonicalHuffmanEncoder.FOUR_STREAMS_MIN_SYMBOLS) {
            pairs = new int[size];
            for (int x = 0; x < size; x++) {
                int first = single[x];
                int l1 = first >>> 16;
                int second = single[x >>> l1];
                int l2 = second >>> 16;
                if (l1 + l2 <= tableBits) {
                    pairs[x] = (first & 0xFFFF) | (second & 0xFFFF) << (wide ? 12 : 8) | (l1 + l2) << 24 | 2 << 29;
                } else {
                    pairs[x] = (first & 0xFFFF) | l1 << 24 | 1 << 29;
                }
            }
        } else {
            pairs = null;
        }
    }

    private static int reverse(int code, int length) {
        return Integer.reverse(code) >>> (32 - length);
    }

    // ---- API

    /**
     * Decodes a section of {@code n} symbols from an alphabet of 256 with codes of at most
     * {@code maxCodeLength <= 12} bits, which occupies all of {@code in}'s remaining bytes, into
     * {@code out[outStart, outStart + n)}. The cursor ends at its end.
     */
    public static void decodeBytes(InputCursor in, int maxCodeLength, byte[] out, int outStart, int n)
            throws WpkFormatException {
        if (maxCodeLength > FAST_TABLE_BITS) {
            throw new IllegalArgumentException("byte sections have codes of at most " + FAST_TABLE_BITS + " bits");
        }
        decode(in, 256, maxCodeLength, out, outStart, n, false);
    }

    /**
     * Decodes a section of {@code n} symbols from an alphabet of {@code alphabetSize <= 2^16}
     * with codes of at most {@code maxCodeLength <= 16} bits, which occupies all of {@code in}'s
     * remaining bytes, into {@code n} little-endian 16-bit values at {@code out[outStart, outStart
     * + 2n)}. The cursor ends at its end.
     */
    public static void decodeShorts(InputCursor in, int alphabetSize, int maxCodeLength, byte[] out, int outStart,
            int n) throws WpkFormatException {
        if (alphabetSize > CanonicalHuffmanEncoder.MAX_ALPHABET_SIZE || maxCodeLength > CodeLengthTable.MAX_LENGTH) {
            throw new IllegalArgumentException("alphabet " + alphabetSize + ", code length limit " + maxCodeLength);
        }
        decode(in, alphabetSize, maxCodeLength, out, outStart, n, true);
    }

    /** Reads only the code-length table of a section and returns the code lengths (for tests and tools). */
    public static int[] readCodeLengths(InputCursor in, int alphabetSize, int maxCodeLength) throws WpkFormatException {
        int[] lengths = CodeLengthTable.read(in, alphabetSize, maxCodeLength);
        return Arrays.copyOf(lengths, alphabetSize);
    }

    /**
     * Decodes the streams of a byte section whose code the caller supplies instead of a table
     * (a code rebuilt from parameters, as {@code huffman-model} does): {@code section} without its
     * table, of {@code n >= 1} symbols, occupying all of {@code in}'s remaining bytes. The code
     * has 256 lengths of at most 16 bits, at least two of them used; codes longer than 12 bits
     * take the decoder's slow path, so they should be rare.
     *
     * @throws IllegalArgumentException if the lengths do not form such a complete code
     */
    public static void decodeBytesWithCode(InputCursor in, int[] lengths, byte[] out, int outStart, int n)
            throws WpkFormatException {
        if (lengths.length != 256 || CodeLengthTable.countUsed(lengths) < 2) {
            throw new IllegalArgumentException("a byte code of 256 lengths and at least two symbols is needed");
        }
        try {
            CodeLengthTable.requireValidCode(lengths, CodeLengthTable.MAX_LENGTH, new InputCursor(new byte[0], 0, 0, 0), "code");
        } catch (WpkFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (n < 1 || outStart < 0 || outStart > out.length - (long) n) {
            throw new IndexOutOfBoundsException("output [" + outStart + ", +" + n + " symbols) of " + out.length);
        }
        decodeWithCode(in, lengths.clone(), out, outStart, n, false);
    }

    private static void decode(InputCursor in, int alphabetSize, int maxCodeLength, byte[] out, int outStart, int n,
            boolean wide) throws WpkFormatException {
        int width = wide ? 2 : 1;
        if (n < 0 || outStart < 0 || outStart > out.length - (long) n * width) {
            throw new IndexOutOfBoundsException("output [" + outStart + ", +" + n + " symbols) of " + out.length);
        }
        int[] lengths = CodeLengthTable.read(in, alphabetSize, maxCodeLength);
        decodeWithCode(in, lengths, out, outStart, n, wide);
    }

    private static void decodeWithCode(InputCursor in, int[] lengths, byte[] out, int outStart, int n, boolean wide)
            throws WpkFormatException {
        int width = wide ? 2 : 1;
        CanonicalHuffmanDecoder code = new CanonicalHuffmanDecoder(lengths, n, wide);
        if (code.used == 0) {
            if (n != 0) {
                throw new WpkFormatException(in.offset(), "empty code-length table for " + n + " symbols");
            }
            in.requireEnd("an empty Huffman section");
            return;
        }
        if (n == 0) {
            throw new WpkFormatException(in.offset(), "Huffman section holds a code but no symbols");
        }
        if (code.used == 1) {
            long countAt = in.offset();
            int count = in.readVarint(Integer.MAX_VALUE, "symbol count of a single-symbol Huffman section");
            if (count != n) {
                throw new WpkFormatException(countAt, "single-symbol Huffman section of " + count + " symbols, expected " + n);
            }
            in.requireEnd("a single-symbol Huffman section");
            code.fillSingle(out, outStart, n, wide);
            return;
        }
        Streams streams = Streams.read(in, n, outStart, width);
        if (streams.count == 4) {
            if (code.pairs != null) {
                if (wide) {
                    code.fastPairsWide(in.in, streams, out);
                } else {
                    code.fastPairsBytes(in.in, streams, out);
                }
            } else if (wide) {
                code.fastSingleWide(in.in, streams, out);
            } else {
                code.fastSingleBytes(in.in, streams, out);
            }
        }
        for (int k = 0; k < streams.count; k++) {
            code.tail(in, streams, k, out, wide);
        }
        in.pos = in.end;
    }

    private void fillSingle(byte[] out, int outStart, int n, boolean wide) {
        int s = 0;
        while (lengths[s] == 0) {
            s++;
        }
        if (!wide) {
            Arrays.fill(out, outStart, outStart + n, (byte) s);
            return;
        }
        for (int i = 0; i < n; i++) {
            out[outStart + 2 * i] = (byte) s;
            out[outStart + 2 * i + 1] = (byte) (s >>> 8);
        }
    }

    /** Per-stream state, moved into locals by the fast loops and back. Positions are array indexes. */
    private static final class Streams {
        final int count;
        final long[] bits = new long[4];
        final int[] bitCount = new int[4];
        final int[] pos = new int[4];
        final int[] end = new int[4];
        final int[] op = new int[4];
        final int[] opEnd = new int[4];

        private Streams(int count) {
            this.count = count;
        }

        static Streams read(InputCursor in, int n, int outStart, int width) throws WpkFormatException {
            Streams s = new Streams(n >= CanonicalHuffmanEncoder.FOUR_STREAMS_MIN_SYMBOLS ? 4 : 1);
            int[] sizes = new int[4];
            for (int k = 0; k < s.count - 1; k++) {
                sizes[k] = in.readVarint(Integer.MAX_VALUE, "Huffman stream size");
            }
            int q = s.count == 1 ? n : (n + 3) / 4;
            for (int k = 0; k < s.count; k++) {
                int size = k == s.count - 1 ? in.remaining() : sizes[k];
                InputCursor stream = in.take(size, "Huffman stream " + k);
                s.pos[k] = stream.pos;
                s.end[k] = stream.end;
                s.op[k] = outStart + width * Math.min(n, k * q);
                s.opEnd[k] = outStart + width * Math.min(n, (k + 1) * q);
            }
            return s;
        }
    }

    /** Four streams, pair table, one byte per symbol. */
    private void fastPairsBytes(byte[] in, Streams s, byte[] out) {
        ByteBuffer words = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer outWords = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        int[] table = pairs;
        int mask = (1 << tableBits) - 1;
        long b0 = s.bits[0], b1 = s.bits[1], b2 = s.bits[2], b3 = s.bits[3];
        int c0 = s.bitCount[0], c1 = s.bitCount[1], c2 = s.bitCount[2], c3 = s.bitCount[3];
        int p0 = s.pos[0], p1 = s.pos[1], p2 = s.pos[2], p3 = s.pos[3];
        int o0 = s.op[0], o1 = s.op[1], o2 = s.op[2], o3 = s.op[3];
        // A round refills once and does 4 lookups per stream: at most 48 bits and 8 symbols, the
        // last pair writing one byte past its symbols.
        int pl0 = s.end[0] - 8, pl1 = s.end[1] - 8, pl2 = s.end[2] - 8, pl3 = s.end[3] - 8;
        int ol0 = s.opEnd[0] - 9, ol1 = s.opEnd[1] - 9, ol2 = s.opEnd[2] - 9, ol3 = s.opEnd[3] - 9;
        while (p0 <= pl0 && p1 <= pl1 && p2 <= pl2 && p3 <= pl3
                && o0 <= ol0 && o1 <= ol1 && o2 <= ol2 && o3 <= ol3) {
            b0 |= words.getLong(p0) << c0;
            p0 += (63 - c0) >>> 3;
            c0 |= 56;
            b1 |= words.getLong(p1) << c1;
            p1 += (63 - c1) >>> 3;
            c1 |= 56;
            b2 |= words.getLong(p2) << c2;
            p2 += (63 - c2) >>> 3;
            c2 |= 56;
            b3 |= words.getLong(p3) << c3;
            p3 += (63 - c3) >>> 3;
            c3 |= 56;
            for (int r = 0; r < 4; r++) {
                int e0 = table[(int) b0 & mask];
                int e1 = table[(int) b1 & mask];
                int e2 = table[(int) b2 & mask];
                int e3 = table[(int) b3 & mask];
                int n0 = (e0 >>> 24) & 31;
                int n1 = (e1 >>> 24) & 31;
                int n2 = (e2 >>> 24) & 31;
                int n3 = (e3 >>> 24) & 31;
                b0 >>>= n0;
                b1 >>>= n1;
                b2 >>>= n2;
                b3 >>>= n3;
                c0 -= n0;
                c1 -= n1;
                c2 -= n2;
                c3 -= n3;
                outWords.putShort(o0, (short) e0);
                outWords.putShort(o1, (short) e1);
                outWords.putShort(o2, (short) e2);
                outWords.putShort(o3, (short) e3);
                o0 += e0 >>> 29;
                o1 += e1 >>> 29;
                o2 += e2 >>> 29;
                o3 += e3 >>> 29;
            }
        }
        s.bits[0] = b0; s.bits[1] = b1; s.bits[2] = b2; s.bits[3] = b3;
        s.bitCount[0] = c0; s.bitCount[1] = c1; s.bitCount[2] = c2; s.bitCount[3] = c3;
        s.pos[0] = p0; s.pos[1] = p1; s.pos[2] = p2; s.pos[3] = p3;
        s.op[0] = o0; s.op[1] = o1; s.op[2] = o2; s.op[3] = o3;
    }

    /** Four streams, pair table, two bytes per symbol. */
    private void fastPairsWide(byte[] in, Streams s, byte[] out) {
        ByteBuffer words = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer outWords = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        int[] table = pairs;
        int mask = (1 << tableBits) - 1;
        long b0 = s.bits[0], b1 = s.bits[1], b2 = s.bits[2], b3 = s.bits[3];
        int c0 = s.bitCount[0], c1 = s.bitCount[1], c2 = s.bitCount[2], c3 = s.bitCount[3];
        int p0 = s.pos[0], p1 = s.pos[1], p2 = s.pos[2], p3 = s.pos[3];
        int o0 = s.op[0], o1 = s.op[1], o2 = s.op[2], o3 = s.op[3];
        int pl0 = s.end[0] - 8, pl1 = s.end[1] - 8, pl2 = s.end[2] - 8, pl3 = s.end[3] - 8;
        int ol0 = s.opEnd[0] - 18, ol1 = s.opEnd[1] - 18, ol2 = s.opEnd[2] - 18, ol3 = s.opEnd[3] - 18;
        while (p0 <= pl0 && p1 <= pl1 && p2 <= pl2 && p3 <= pl3
                && o0 <= ol0 && o1 <= ol1 && o2 <= ol2 && o3 <= ol3) {
            b0 |= words.getLong(p0) << c0;
            p0 += (63 - c0) >>> 3;
            c0 |= 56;
            b1 |= words.getLong(p1) << c1;
            p1 += (63 - c1) >>> 3;
            c1 |= 56;
            b2 |= words.getLong(p2) << c2;
            p2 += (63 - c2) >>> 3;
            c2 |= 56;
            b3 |= words.getLong(p3) << c3;
            p3 += (63 - c3) >>> 3;
            c3 |= 56;
            for (int r = 0; r < 4; r++) {
                int e0 = table[(int) b0 & mask];
                int e1 = table[(int) b1 & mask];
                int e2 = table[(int) b2 & mask];
                int e3 = table[(int) b3 & mask];
                int n0 = (e0 >>> 24) & 31;
                int n1 = (e1 >>> 24) & 31;
                int n2 = (e2 >>> 24) & 31;
                int n3 = (e3 >>> 24) & 31;
                b0 >>>= n0;
                b1 >>>= n1;
                b2 >>>= n2;
                b3 >>>= n3;
                c0 -= n0;
                c1 -= n1;
                c2 -= n2;
                c3 -= n3;
                // Both 12-bit symbols as two little-endian 16-bit values.
                outWords.putInt(o0, (e0 & 0xFFF) | (e0 & 0xFFF000) << 4);
                outWords.putInt(o1, (e1 & 0xFFF) | (e1 & 0xFFF000) << 4);
                outWords.putInt(o2, (e2 & 0xFFF) | (e2 & 0xFFF000) << 4);
                outWords.putInt(o3, (e3 & 0xFFF) | (e3 & 0xFFF000) << 4);
                o0 += (e0 >>> 29) << 1;
                o1 += (e1 >>> 29) << 1;
                o2 += (e2 >>> 29) << 1;
                o3 += (e3 >>> 29) << 1;
            }
        }
        s.bits[0] = b0; s.bits[1] = b1; s.bits[2] = b2; s.bits[3] = b3;
        s.bitCount[0] = c0; s.bitCount[1] = c1; s.bitCount[2] = c2; s.bitCount[3] = c3;
        s.pos[0] = p0; s.pos[1] = p1; s.pos[2] = p2; s.pos[3] = p3;
        s.op[0] = o0; s.op[1] = o1; s.op[2] = o2; s.op[3] = o3;
    }

    /** Four streams, single-symbol table with long codes decoded canonically, two bytes per symbol. */
    private void fastSingleWide(byte[] in, Streams s, byte[] out) throws WpkFormatException {
        ByteBuffer words = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer outWords = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        int[] table = single;
        int mask = (1 << tableBits) - 1;
        long b0 = s.bits[0], b1 = s.bits[1], b2 = s.bits[2], b3 = s.bits[3];
        int c0 = s.bitCount[0], c1 = s.bitCount[1], c2 = s.bitCount[2], c3 = s.bitCount[3];
        int p0 = s.pos[0], p1 = s.pos[1], p2 = s.pos[2], p3 = s.pos[3];
        int o0 = s.op[0], o1 = s.op[1], o2 = s.op[2], o3 = s.op[3];
        // Three lookups of at most 16 bits per refill.
        int pl0 = s.end[0] - 8, pl1 = s.end[1] - 8, pl2 = s.end[2] - 8, pl3 = s.end[3] - 8;
        int ol0 = s.opEnd[0] - 6, ol1 = s.opEnd[1] - 6, ol2 = s.opEnd[2] - 6, ol3 = s.opEnd[3] - 6;
        while (p0 <= pl0 && p1 <= pl1 && p2 <= pl2 && p3 <= pl3
                && o0 <= ol0 && o1 <= ol1 && o2 <= ol2 && o3 <= ol3) {
            b0 |= words.getLong(p0) << c0;
            p0 += (63 - c0) >>> 3;
            c0 |= 56;
            b1 |= words.getLong(p1) << c1;
            p1 += (63 - c1) >>> 3;
            c1 |= 56;
            b2 |= words.getLong(p2) << c2;
            p2 += (63 - c2) >>> 3;
            c2 |= 56;
            b3 |= words.getLong(p3) << c3;
            p3 += (63 - c3) >>> 3;
            c3 |= 56;
            for (int r = 0; r < 3; r++) {
                int e0 = table[(int) b0 & mask];
                int e1 = table[(int) b1 & mask];
                int e2 = table[(int) b2 & mask];
                int e3 = table[(int) b3 & mask];
                if ((e0 == 0) | (e1 == 0) | (e2 == 0) | (e3 == 0)) {
                    if (e0 == 0) {
                        e0 = decodeLong(b0);
                    }
                    if (e1 == 0) {
                        e1 = decodeLong(b1);
                    }
                    if (e2 == 0) {
                        e2 = decodeLong(b2);
                    }
                    if (e3 == 0) {
                        e3 = decodeLong(b3);
                    }
                }
                int n0 = e0 >>> 16;
                int n1 = e1 >>> 16;
                int n2 = e2 >>> 16;
                int n3 = e3 >>> 16;
                b0 >>>= n0;
                b1 >>>= n1;
                b2 >>>= n2;
                b3 >>>= n3;
                c0 -= n0;
                c1 -= n1;
                c2 -= n2;
                c3 -= n3;
                outWords.putShort(o0, (short) e0);
                outWords.putShort(o1, (short) e1);
                outWords.putShort(o2, (short) e2);
                outWords.putShort(o3, (short) e3);
                o0 += 2;
                o1 += 2;
                o2 += 2;
                o3 += 2;
            }
        }
        s.bits[0] = b0; s.bits[1] = b1; s.bits[2] = b2; s.bits[3] = b3;
        s.bitCount[0] = c0; s.bitCount[1] = c1; s.bitCount[2] = c2; s.bitCount[3] = c3;
        s.pos[0] = p0; s.pos[1] = p1; s.pos[2] = p2; s.pos[3] = p3;
        s.op[0] = o0; s.op[1] = o1; s.op[2] = o2; s.op[3] = o3;
    }

    /** Four streams, single-symbol table with long codes decoded canonically, one byte per symbol. */
    private void fastSingleBytes(byte[] in, Streams s, byte[] out) throws WpkFormatException {
        ByteBuffer words = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN);
        int[] table = single;
        int mask = (1 << tableBits) - 1;
        long b0 = s.bits[0], b1 = s.bits[1], b2 = s.bits[2], b3 = s.bits[3];
        int c0 = s.bitCount[0], c1 = s.bitCount[1], c2 = s.bitCount[2], c3 = s.bitCount[3];
        int p0 = s.pos[0], p1 = s.pos[1], p2 = s.pos[2], p3 = s.pos[3];
        int o0 = s.op[0], o1 = s.op[1], o2 = s.op[2], o3 = s.op[3];
        // Three lookups of at most 16 bits per refill.
        int pl0 = s.end[0] - 8, pl1 = s.end[1] - 8, pl2 = s.end[2] - 8, pl3 = s.end[3] - 8;
        int ol0 = s.opEnd[0] - 3, ol1 = s.opEnd[1] - 3, ol2 = s.opEnd[2] - 3, ol3 = s.opEnd[3] - 3;
        while (p0 <= pl0 && p1 <= pl1 && p2 <= pl2 && p3 <= pl3
                && o0 <= ol0 && o1 <= ol1 && o2 <= ol2 && o3 <= ol3) {
            b0 |= words.getLong(p0) << c0;
            p0 += (63 - c0) >>> 3;
            c0 |= 56;
            b1 |= words.getLong(p1) << c1;
            p1 += (63 - c1) >>> 3;
            c1 |= 56;
            b2 |= words.getLong(p2) << c2;
            p2 += (63 - c2) >>> 3;
            c2 |= 56;
            b3 |= words.getLong(p3) << c3;
            p3 += (63 - c3) >>> 3;
            c3 |= 56;
            for (int r = 0; r < 3; r++) {
                int e0 = table[(int) b0 & mask];
                int e1 = table[(int) b1 & mask];
                int e2 = table[(int) b2 & mask];
                int e3 = table[(int) b3 & mask];
                if ((e0 == 0) | (e1 == 0) | (e2 == 0) | (e3 == 0)) {
                    if (e0 == 0) {
                        e0 = decodeLong(b0);
                    }
                    if (e1 == 0) {
                        e1 = decodeLong(b1);
                    }
                    if (e2 == 0) {
                        e2 = decodeLong(b2);
                    }
                    if (e3 == 0) {
                        e3 = decodeLong(b3);
                    }
                }
                int n0 = e0 >>> 16;
                int n1 = e1 >>> 16;
                int n2 = e2 >>> 16;
                int n3 = e3 >>> 16;
                b0 >>>= n0;
                b1 >>>= n1;
                b2 >>>= n2;
                b3 >>>= n3;
                c0 -= n0;
                c1 -= n1;
                c2 -= n2;
                c3 -= n3;
                out[o0++] = (byte) e0;
                out[o1++] = (byte) e1;
                out[o2++] = (byte) e2;
                out[o3++] = (byte) e3;
            }
        }
        s.bits[0] = b0; s.bits[1] = b1; s.bits[2] = b2; s.bits[3] = b3;
        s.bitCount[0] = c0; s.bitCount[1] = c1; s.bitCount[2] = c2; s.bitCount[3] = c3;
        s.pos[0] = p0; s.pos[1] = p1; s.pos[2] = p2; s.pos[3] = p3;
        s.op[0] = o0; s.op[1] = o1; s.op[2] = o2; s.op[3] = o3;
    }

    /**
     * A code longer than the table: the first tableBits bits are its prefix; add one bit at a time
     * until the code is one of its length. Returns symbol | length << 16; the bits must hold the
     * whole code (zeros past the stream's end).
     */
    private int decodeLong(long bits) throws WpkFormatException {
        int code = reverse((int) bits & ((1 << tableBits) - 1), tableBits);
        for (int len = tableBits + 1; len <= maxLength; len++) {
            code = code << 1 | (int) (bits >>> (len - 1)) & 1;
            int index = code - firstCode[len];
            if (index >= 0 && index < lengthCount[len]) {
                return sortedSymbols[firstIndex[len] + index] | len << 16;
            }
        }
        // A complete code decodes every bit string; this only guards the invariant.
        throw new WpkFormatException("Huffman code does not decode");
    }

    /** Finishes stream k exactly: a byte at a time near its end, then the end checks. */
    private void tail(InputCursor cursor, Streams s, int k, byte[] out, boolean wide) throws WpkFormatException {
        byte[] in = cursor.in;
        int[] table = single;
        int mask = (1 << tableBits) - 1;
        long b = s.bits[k];
        int c = s.bitCount[k];
        int p = s.pos[k];
        int end = s.end[k];
        int o = s.op[k];
        int oEnd = s.opEnd[k];
        int step = wide ? 2 : 1;
        while (o < oEnd) {
            while (c <= 56 && p < end) {
                b |= (in[p++] & 0xFFL) << c;
                c += 8;
            }
            int e = table[(int) b & mask];
            if (e == 0) {
                e = decodeLong(b);
            }
            int nb = e >>> 16;
            if (nb > c) {
                throw new WpkFormatException(p - cursor.origin,
                        "Huffman stream " + k + " ends before its " + (oEnd - s.op[k]) / step + " symbols");
            }
            b >>>= nb;
            c -= nb;
            out[o] = (byte) e;
            if (wide) {
                out[o + 1] = (byte) (e >>> 8);
            }
            o += step;
        }
        // What is left must be the end mark: a 1 bit, then the zero padding of the last byte.
        if (p != end || c < 1 || c > 8 || (b & ((1L << c) - 1)) != 1) {
            throw new WpkFormatException(p - cursor.origin, "Huffman stream " + k + " does not end right after its "
                    + (oEnd - s.op[k]) / step + " symbols");
        }
    }
}
