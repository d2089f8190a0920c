package io.wpack.encoders.huffman;

import io.wpack.formats.WpkFormatException;

/**
 * The code-length table that starts every Huffman section: which symbols occur and the length of
 * each one's code, from which both sides derive the same canonical code. The lengths are
 * run-length coded and those tokens Huffman-coded, as in DEFLATE's dynamic blocks (RFC 1951,
 * 3.2.7), with an extra token for the long runs of unused symbols that alphabets of up to 2^16
 * symbols have.
 *
 * <p>Bits are read LSB-first (bit 0 of a byte first), fields least significant bit first:
 * <pre>
 * table      = w:5 count:w [clCount:5 clLength:3{clCount} token*] zero bits to a byte boundary
 *   w        = bit length of count, 0..17 (count 0 is w 0: an empty table, nothing follows)
 *   count    = number of lengths that follow: the largest occurring symbol + 1, so the last is not 0
 *   clCount  = 0 for a single-symbol code: only symbol count - 1 occurs, no token follows;
 *              else the number of token code lengths listed, 1..22
 *   clLength = code lengths of the token alphabet, in the order CL_ORDER; tokens not listed are unused
 * token      = a code of the token code, then its extra bits:
 *   0..16    = the length of the next symbol (0: it does not occur)
 *   17 e:2   = the previous length, 3 + e more times
 *   18 e:3   = 3 + e unused symbols
 *   19 e:7   = 11 + e unused symbols
 *   20 e:16  = 139 + e unused symbols
 *   21 e:8   = the previous length, 7 + e more times
 * </pre>
 * A table is valid only if the tokens define exactly {@code count} lengths, all within the
 * section's limit, and the lengths form a complete prefix code (Kraft sum exactly 1), or a single
 * occurring symbol has length 1 (its code is then zero bits long). The token code obeys the same
 * rules with lengths of at most 7.
 */
final class CodeLengthTable {
    static final int MAX_LENGTH = 16;
    static final int TOKENS = 22;
    static final int MAX_TOKEN_LENGTH = 7;
    /** Token code lengths are sent in this order, so that the rarely used ones at the end can be left off. */
    static final int[] CL_ORDER = {18, 19, 20, 17, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15, 16, 21};
    private static final int REPEAT = 17;
    private static final int ZEROS_3 = 18;
    private static final int ZEROS_11 = 19;
    private static final int ZEROS_139 = 20;
    private static final int LONG_REPEAT = 21;

    private CodeLengthTable() {
    }

    // ---- writing

    static void write(int[] lengths, BitWriter out) {
        int used = countUsed(lengths);
        int[] symbols = new int[used];
        int[] usedLengths = new int[used];
        for (int s = 0, k = 0; s < lengths.length; s++) {
            if (lengths[s] != 0) {
                symbols[k] = s;
                usedLengths[k++] = lengths[s];
            }
        }
        write(symbols, usedLengths, used, out);
    }

    /**
     * Writes the table of a code given as its occurring symbols (ascending) and their lengths, in
     * time proportional to the number of symbols rather than to the alphabet.
     */
    static void write(int[] symbols, int[] lengths, int used, BitWriter out) {
        int count = used == 0 ? 0 : symbols[used - 1] + 1;
        int w = 32 - Integer.numberOfLeadingZeros(count);
        out.writeBits(w, 5);
        if (count == 0) {
            out.alignToByte();
            return;
        }
        out.writeBits(count, w);
        if (used == 1) {
            out.writeBits(0, 5);
            out.alignToByte();
            return;
        }

        // Runs of equal lengths over consecutive symbols, unused ones (length 0) included.
        int[] runValue = new int[2 * used];
        int[] runLength = new int[2 * used];
        int runs = 0;
        int next = 0;
        for (int k = 0; k < used; k++) {
            if (symbols[k] > next) {
                runValue[runs] = 0;
                runLength[runs++] = symbols[k] - next;
            }
            if (runs > 0 && runValue[runs - 1] == lengths[k]) {
                runLength[runs - 1]++;
            } else {
                runValue[runs] = lengths[k];
                runLength[runs++] = 1;
            }
            next = symbols[k] + 1;
        }

        // Tokens as (symbol | extra << 8); lengths fit in 5 bits and extras in 16.
        int[] tokens = new int[4 * used + 16];
        int nTokens = 0;
        for (int r = 0; r < runs; r++) {
            int length = runValue[r];
            int run = runLength[r];
            if (nTokens + run / 3 + 8 > tokens.length) {
                tokens = java.util.Arrays.copyOf(tokens, 2 * tokens.length + run / 3 + 8);
            }
            if (length == 0) {
                while (run >= 3) {
                    if (run >= 139) {
                        int n = Math.min(run, 139 + 0xFFFF);
                        tokens[nTokens++] = ZEROS_139 | (n - 139) << 8;
                        run -= n;
                    } else if (run >= 11) {
                        tokens[nTokens++] = ZEROS_11 | (run - 11) << 8;
                        run = 0;
                    } else {
                        tokens[nTokens++] = ZEROS_3 | (run - 3) << 8;
                        run = 0;
                    }
                }
                while (run-- > 0) {
                    tokens[nTokens++] = 0;
                }
            } else {
                tokens[nTokens++] = length;
                run--;
                while (run >= 7) {
                    int n = Math.min(run, 7 + 0xFF);
                    tokens[nTokens++] = LONG_REPEAT | (n - 7) << 8;
                    run -= n;
                }
                while (run >= 3) {
                    int n = Math.min(run, 6);
                    tokens[nTokens++] = REPEAT | (n - 3) << 8;
                    run -= n;
                }
                while (run-- > 0) {
                    tokens[nTokens++] = length;
                }
            }
        }

        long[] tokenCounts = new long[TOKENS];
        for (int t = 0; t < nTokens; t++) {
            tokenCounts[tokens[t] & 0xFF]++;
        }
        int[] tokenLengths = PackageMerge.codeLengths(tokenCounts, MAX_TOKEN_LENGTH);
        int[] tokenCodes = reversedCanonicalCodes(tokenLengths);
        int clCount = TOKENS;
        while (tokenLengths[CL_ORDER[clCount - 1]] == 0) {
            clCount--;
        }
        out.writeBits(clCount, 5);
        for (int i = 0; i < clCount; i++) {
            out.writeBits(tokenLengths[CL_ORDER[i]], 3);
        }
        boolean oneToken = countUsed(tokenLengths) == 1;
        for (int t = 0; t < nTokens; t++) {
            int symbol = tokens[t] & 0xFF;
            int extra = tokens[t] >>> 8;
            if (!oneToken) {
                out.writeBits(tokenCodes[symbol], tokenLengths[symbol]);
            }
            switch (symbol) {
                case REPEAT:
                    out.writeBits(extra, 2);
                    break;
                case ZEROS_3:
                    out.writeBits(extra, 3);
                    break;
                case ZEROS_11:
                    out.writeBits(extra, 7);
                    break;
                case ZEROS_139:
                    out.writeBits(extra, 16);
                    break;
                case LONG_REPEAT:
                    out.writeBits(extra, 8);
                    break;
                default:
                    break;
            }
        }
        out.alignToByte();
    }

    /** Canonical codes (shorter first, then by symbol), bit-reversed for LSB-first output. */
    static int[] reversedCanonicalCodes(int[] lengths) {
        int maxLength = 0;
        for (int length : lengths) {
            maxLength = Math.max(maxLength, length);
        }
        int[] lengthCounts = new int[maxLength + 1];
        for (int length : lengths) {
            lengthCounts[length]++;
        }
        int[] next = new int[maxLength + 2];
        int code = 0;
        for (int len = 1; len <= maxLength; len++) {
            code = (code + (len == 1 ? 0 : lengthCounts[len - 1])) << 1;
            next[len] = code;
        }
        int[] codes = new int[lengths.length];
        for (int s = 0; s < lengths.length; s++) {
            int len = lengths[s];
            if (len > 0) {
                codes[s] = Integer.reverse(next[len]++) >>> (32 - len);
            }
        }
        return codes;
    }

    static int countUsed(int[] lengths) {
        int used = 0;
        for (int length : lengths) {
            if (length != 0) {
                used++;
            }
        }
        return used;
    }

    // ---- reading

    /**
     * Reads a table at the cursor, which moves to the byte after it. Returns the lengths of symbols
     * {@code 0..count-1}; symbols at or above {@code count} do not occur.
     */
    static int[] read(InputCursor in, int alphabetSize, int maxCodeLength) throws WpkFormatException {
        TableBitReader bits = new TableBitReader(in);
        int w = bits.read(5);
        verify(w <= 17, in, "code-length table: count has %d bits", w);
        int count = w == 0 ? 0 : bits.read(w);
        verify(w == 0 || count >>> (w - 1) == 1, in, "code-length table: count %d has leading zero bits", count);
        verify(count <= alphabetSize, in, "code-length table describes %d symbols, the alphabet has %d", count,
                alphabetSize);
        int[] lengths = new int[count];
        if (count == 0) {
            bits.finish();
            return lengths;
        }
        int clCount = bits.read(5);
        if (clCount == 0) {
            lengths[count - 1] = 1;
            bits.finish();
            return lengths;
        }
        verify(clCount <= TOKENS, in, "code-length table lists %d token lengths, at most %d",
                clCount, TOKENS);
        int[] tokenLengths = new int[TOKENS];
        for (int i = 0; i < clCount; i++) {
            tokenLengths[CL_ORDER[i]] = bits.read(3);
        }
        requireValidCode(tokenLengths, MAX_TOKEN_LENGTH, in, "token code");
        int[] tokenTable = tokenLookup(tokenLengths);

        int i = 0;
        while (i < count) {
            int entry = tokenTable[bits.peek(MAX_TOKEN_LENGTH)];
            bits.skip(entry >>> 8);
            int token = entry & 0xFF;
            if (token <= MAX_LENGTH) {
                verify(token <= maxCodeLength, in, "code length %d exceeds this section's limit of %d bits", token,
                        maxCodeLength);
                lengths[i++] = token;
                continue;
            }
            int run;
            int value = 0;
            switch (token) {
                case REPEAT:
                    verify(i > 0, in, "code-length table starts with a repeat");
                    value = lengths[i - 1];
                    run = 3 + bits.read(2);
                    break;
                case ZEROS_3:
                    run = 3 + bits.read(3);
                    break;
                case ZEROS_11:
                    run = 11 + bits.read(7);
                    break;
                case LONG_REPEAT:
                    verify(i > 0, in, "code-length table starts with a repeat");
                    value = lengths[i - 1];
                    run = 7 + bits.read(8);
                    break;
                default:
                    run = 139 + bits.read(16);
                    break;
            }
            verify(run <= count - i, in, "code-length run of %d passes the %d symbols of the table", run, count);
            for (int k = 0; k < run; k++) {
                lengths[i++] = value;
            }
        }
        verify(lengths[count - 1] != 0, in, "code-length table ends with an unused symbol");
        bits.finish();
        requireValidCode(lengths, maxCodeLength, in, "code");
        return lengths;
    }

    /** Complete (Kraft sum exactly 1), or a single symbol of length 1; every length within {@code maxLength}. */
    static void requireValidCode(int[] lengths, int maxLength, InputCursor in, String what) throws WpkFormatException {
        long kraft = 0;
        int used = 0;
        int lastLength = 0;
        for (int length : lengths) {
            verify(length <= maxLength, in, "%s has a length of %d, above %d", what, length, maxLength);
            if (length > 0) {
                kraft += 1L << (MAX_LENGTH - length);
                used++;
                lastLength = length;
            }
        }
        if (used == 1) {
            verify(lastLength == 1, in, "%s has a single symbol of length %d; it must be 1", what, lastLength);
            return;
        }
        verify(used > 0, in, "%s has no symbols", what);
        verify(kraft <= 1L << MAX_LENGTH, in, "%s is over-subscribed", what);
        verify(kraft == 1L << MAX_LENGTH, in, "%s is incomplete", what);
    }

    /** A lookup by the next 7 bits: token | length << 8 (length 0 for a single-token code). */
    private static int[] tokenLookup(int[] tokenLengths) {
        int[] table = new int[1 << MAX_TOKEN_LENGTH];
        if (countUsed(tokenLengths) == 1) {
            for (int t = 0; t < TOKENS; t++) {
                if (tokenLengths[t] != 0) {
                    java.util.Arrays.fill(table, t);
                }
            }
            return table;
        }
        int[] codes = reversedCanonicalCodes(tokenLengths);
        for (int t = 0; t < TOKENS; t++) {
            int len = tokenLengths[t];
            if (len > 0) {
                for (int x = codes[t]; x < table.length; x += 1 << len) {
                    table[x] = t | len << 8;
                }
            }
        }
        return table;
    }

    private static void verify(boolean condition, InputCursor in, String format, Object... args)
            throws WpkFormatException {
        if (!condition) {
            throw new WpkFormatException(in.offset(), String.format(format, args));
        }
    }

    /** LSB-first bits over the cursor's bytes, read a byte at a time: tables are short and read once. */
    private static final class TableBitReader {
        private final InputCursor in;
        private long buffer;
        private int count;

        TableBitReader(InputCursor in) {
            this.in = in;
        }

        /** The next {@code n} bits without consuming them; bits past the end of the stream read as 0. */
        int peek(int n) {
            while (count <= 56 && in.pos < in.end) {
                buffer |= (in.in[in.pos++] & 0xFFL) << count;
                count += 8;
            }
            return (int) (buffer & ((1L << n) - 1));
        }

        void skip(int n) throws WpkFormatException {
            if (n > count) {
                throw new WpkFormatException(in.offset(), "stream ends inside its code-length table");
            }
            buffer >>>= n;
            count -= n;
        }

        int read(int n) throws WpkFormatException {
            int value = peek(n);
            skip(n);
            return value;
        }

        /** Gives back whole unread bytes and checks that the padding bits of the last byte are zero. */
        void finish() throws WpkFormatException {
            int whole = count / 8;
            in.pos -= whole;
            count -= 8 * whole;
            if ((buffer & ((1L << count) - 1)) != 0) {
                throw new WpkFormatException(in.offset() - 1, "code-length table has non-zero padding bits");
            }
        }
    }
}
