package io.wpack.encoders.huffman;

import io.wpack.formats.WpkFormatException;

import java.util.ArrayList;
import java.util.List;

/**
 * The slow oracle for Huffman sections: written from the grammar alone, a bit at a time, with
 * none of the fast decoder's tables, margins or shared code. Codes are matched by growing a
 * canonical code one bit at a time (as in zlib's puff.c).
 */
final class SlowHuffmanDecoder {
    private static final int[] ORDER = {18, 19, 20, 17, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15, 16, 21};

    private final byte[] in;
    private int pos;
    private final int end;
    private int bit;

    private SlowHuffmanDecoder(byte[] in, int start, int end) {
        this.in = in;
        this.pos = start;
        this.end = end;
    }

    /** The n symbols of the section in {@code in[start, end)}. */
    static int[] decode(byte[] in, int start, int end, int alphabet, int maxLength, int n) throws WpkFormatException {
        return new SlowHuffmanDecoder(in, start, end).section(alphabet, maxLength, n);
    }

    private int[] section(int alphabet, int maxLength, int n) throws WpkFormatException {
        int[] lengths = table(alphabet, maxLength);
        int used = 0;
        int only = -1;
        for (int s = 0; s < lengths.length; s++) {
            if (lengths[s] > 0) {
                used++;
                only = s;
            }
        }
        int[] out = new int[n];
        if (used == 0) {
            check(n == 0 && pos == end, "empty table");
            return out;
        }
        check(n > 0, "table without symbols");
        if (used == 1) {
            check(varint() == n && pos == end, "single-symbol count");
            java.util.Arrays.fill(out, only);
            return out;
        }
        int streams = n >= 1024 ? 4 : 1;
        List<Integer> sizes = new ArrayList<>();
        for (int k = 0; k < streams - 1; k++) {
            sizes.add(varint());
        }
        int q = streams == 1 ? n : (n + 3) / 4;
        int start = pos;
        for (int k = 0; k < streams; k++) {
            int size = k < streams - 1 ? sizes.get(k) : end - start;
            check(size >= 0 && size <= end - start, "stream size");
            SlowHuffmanDecoder stream = new SlowHuffmanDecoder(in, start, start + size);
            for (int i = k * q; i < Math.min(n, (k + 1) * q); i++) {
                out[i] = stream.symbol(lengths);
            }
            check(stream.readBit() == 1, "end mark");
            while (stream.bit != 0) {
                check(stream.readBit() == 0, "padding");
            }
            check(stream.pos == stream.end, "bytes after the end mark");
            start += size;
        }
        check(start == end, "streams");
        return out;
    }

    private int[] table(int alphabet, int maxLength) throws WpkFormatException {
        int w = bits(5);
        check(w <= 17, "w");
        int count = w == 0 ? 0 : bits(w);
        check(w == 0 || count >= 1 << (w - 1), "count not minimal");
        check(count <= alphabet, "count > alphabet");
        int[] lengths = new int[count];
        if (count > 0) {
            int clCount = bits(5);
            if (clCount == 0) {
                lengths[count - 1] = 1;
            } else {
                check(clCount <= 22, "clCount");
                int[] tokenLengths = new int[22];
                for (int i = 0; i < clCount; i++) {
                    tokenLengths[ORDER[i]] = bits(3);
                }
                checkCode(tokenLengths, 7);
                int i = 0;
                while (i < count) {
                    int token = symbol(tokenLengths);
                    if (token <= 16) {
                        check(token <= maxLength, "length above the limit");
                        lengths[i++] = token;
                        continue;
                    }
                    int run;
                    int value = 0;
                    if (token == 17 || token == 21) {
                        check(i > 0, "repeat first");
                        value = lengths[i - 1];
                        run = token == 17 ? 3 + bits(2) : 7 + bits(8);
                    } else {
                        run = token == 18 ? 3 + bits(3) : token == 19 ? 11 + bits(7) : 139 + bits(16);
                    }
                    check(run <= count - i, "run too long");
                    for (int k = 0; k < run; k++) {
                        lengths[i++] = value;
                    }
                }
                check(lengths[count - 1] != 0, "last length 0");
            }
        }
        while (bit != 0) {
            check(readBit() == 0, "table padding");
        }
        if (count > 0) {
            checkCode(lengths, maxLength);
        }
        return lengths;
    }

    private static void checkCode(int[] lengths, int maxLength) throws WpkFormatException {
        double kraft = 0;
        int used = 0;
        int lastLength = 0;
        for (int length : lengths) {
            check(length <= maxLength, "length above the limit");
            if (length > 0) {
                kraft += Math.pow(2, -length);
                used++;
                lastLength = length;
            }
        }
        check(used > 0, "no symbols");
        check(used == 1 ? lastLength == 1 : kraft == 1.0, "not complete");
    }

    /** Canonical decoding a bit at a time; a single-symbol code takes no bits. */
    private int symbol(int[] lengths) throws WpkFormatException {
        int used = 0;
        int only = 0;
        for (int s = 0; s < lengths.length; s++) {
            if (lengths[s] > 0) {
                used++;
                only = s;
            }
        }
        if (used == 1) {
            return only;
        }
        int code = 0;
        int first = 0;
        int index = 0;
        for (int len = 1; len <= 16; len++) {
            code |= readBit();
            int count = 0;
            for (int length : lengths) {
                if (length == len) {
                    count++;
                }
            }
            if (code - first < count) {
                int k = index + code - first;
                for (int s = 0; s < lengths.length; s++) {
                    if (lengths[s] == len && k-- == index) {
                        return s;
                    }
                }
            }
            index += count;
            first = (first + count) << 1;
            code <<= 1;
        }
        throw new WpkFormatException("no code matches");
    }

    private int readBit() throws WpkFormatException {
        check(pos < end, "past the end");
        int b = (in[pos] >>> bit) & 1;
        if (++bit == 8) {
            bit = 0;
            pos++;
        }
        return b;
    }

    private int bits(int n) throws WpkFormatException {
        int v = 0;
        for (int i = 0; i < n; i++) {
            v |= readBit() << i;
        }
        return v;
    }

    private int varint() throws WpkFormatException {
        check(bit == 0, "varint off a byte boundary");
        long v = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            check(pos < end, "varint past the end");
            int b = in[pos++] & 0xFF;
            v |= (long) (b & 0x7F) << shift;
            check(v <= Integer.MAX_VALUE, "varint too large");
            if (b < 0x80) {
                check(b != 0 || shift == 0, "redundant varint byte");
                return (int) v;
            }
        }
        throw new WpkFormatException("varint too long");
    }

    private static void check(boolean condition, String what) throws WpkFormatException {
        if (!condition) {
            throw new WpkFormatException(what);
        }
    }
}
