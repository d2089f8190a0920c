package io.wpack.encoders.sparse;

import io.wpack.encoders.huffman.Sections;
import io.wpack.encoders.Buffers;
import io.wpack.encoders.ByteCodec;
import io.wpack.encoders.huffman.BitWriter;
import io.wpack.encoders.huffman.InputCursor;
import io.wpack.formats.WpkFormatException;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * N:M structured sparsity over one-byte elements (int8/uint8 codes, zero = byte 0), as sparse
 * tensor cores want it (2:4): the chunk is a row-major rows×cols matrix, each row cut into groups
 * of M consecutive elements; a group stores which N positions it keeps (one Huffman-coded symbol,
 * about log2 C(M, N) bits) and their N values. Lossless for any input: a group with more than N
 * non-zeros is escaped and stored whole.
 *
 * <p>Parameters: {@code rows}, {@code cols} (1..2^31 - 1, product too), {@code n} N and
 * {@code m} M (1 &lt;= N &lt;= M &lt;= 16), {@code width} = 1. A chunk is exactly rows·cols bytes.
 *
 * <p>Byte grammar (Huffman sections: see {@link SparseStreams}):
 * <pre>
 * groups  = each row is cut into ceil(cols / M) groups of M elements, the last L = cols - M·(ceil(cols / M) - 1)
 *           long; a group of L &lt;= N elements has no symbol and stores its L bytes
 * stream  = symbols values
 * symbols = size:varint, a section of one symbol per group of more than N elements, row-major,
 *           over an alphabet of C(M, N) + 1 (a byte section when that is at most 256, else a
 *           16-bit section): s &lt; C(M, N) keeps the positions of the s-th M-bit mask with N
 *           bits set, in increasing numeric order, none at or above L; s = C(M, N) is an escape,
 *           the group stores all its L bytes
 * values  = a byte section, group by group in row-major order, of the bytes a group stores, in
 *           increasing position; they may be 0; elements not stored are 0; it ends the stream
 * </pre>
 * The encoder keeps a group's non-zero positions, topped up with its lowest zero positions to N.
 */
public final class NmCodec implements ByteCodec {
    public static final String NAME = "nm";
    public static final String N = "n";
    public static final String M = "m";
    public static final int MAX_M = 16;

    private final int rows;
    private final int cols;
    private final int keep;
    private final int group;
    private final int size;
    /** The masks with N of M bits set, in increasing order: symbol s keeps maskOf[s]. */
    private final int[] maskOf;
    private final Map<String, String> params;

    /** @throws IllegalArgumentException for a dimension out of range or rows·cols over 2^31 - 1 */
    public NmCodec(int rows, int cols, int n, int m) {
        SparseParams.checkRange(NAME, SparseParams.ROWS, rows, 1, Integer.MAX_VALUE);
        SparseParams.checkRange(NAME, SparseParams.COLS, cols, 1, Integer.MAX_VALUE);
        SparseParams.checkRange(NAME, M, m, 1, MAX_M);
        SparseParams.checkRange(NAME, N, n, 1, m);
        this.rows = rows;
        this.cols = cols;
        this.keep = n;
        this.group = m;
        this.size = SparseParams.product(rows, cols);
        int count = 0;
        int[] masks = new int[1 << m];
        for (int mask = 0; mask < 1 << m; mask++) {
            if (Integer.bitCount(mask) == n) {
                masks[count++] = mask;
            }
        }
        this.maskOf = Arrays.copyOf(masks, count);
        this.params = SparseParams.ordered(SparseParams.ROWS, rows, SparseParams.COLS, cols, N, n, M, m,
                SparseParams.WIDTH, 1);
    }

    /** The codec a manifest stage describes: exactly rows, cols, n, m and width = 1. */
    public static NmCodec fromParams(Map<String, String> params) throws WpkFormatException {
        int[] shape = SparseParams.matrix(NAME, params, N, M);
        int m = SparseParams.intParam(NAME, params, M, 1, MAX_M);
        int n = SparseParams.intParam(NAME, params, N, 1, m);
        return new NmCodec(shape[0], shape[1], n, m);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public int n() {
        return keep;
    }

    public int m() {
        return group;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, String> params() {
        return params;
    }

    private int groupsPerRow() {
        return (cols - 1) / group + 1;
    }

    /** Groups of a row that have a symbol: those longer than N. */
    private int symbolsPerRow() {
        int full = group > keep ? cols / group : 0;
        return full + (cols % group > keep ? 1 : 0);
    }

    private int escape() {
        return maskOf.length;
    }

    @Override
    public byte[] encode(byte[] src, int off, int len) {
        Buffers.checkRange(src, off, len);
        SparseStreams.checkSourceLength(NAME, size, len);
        int[] indexOf = new int[1 << group];
        for (int s = 0; s < maskOf.length; s++) {
            indexOf[maskOf[s]] = s;
        }
        int perRow = symbolsPerRow();
        int[] symbols = new int[Math.multiplyExact(perRow, rows)];
        byte[] values = new byte[len];
        int symbolCount = 0;
        int valueCount = 0;
        for (int r = 0; r < rows; r++) {
            int rowStart = off + r * cols;
            for (int start = 0; start < cols; start += group) {
                int length = Math.min(group, cols - start);
                int at = rowStart + start;
                if (length <= keep) {
                    System.arraycopy(src, at, values, valueCount, length);
                    valueCount += length;
                    continue;
                }
                int mask = 0;
                for (int j = 0; j < length; j++) {
                    mask |= (src[at + j] != 0 ? 1 : 0) << j;
                }
                if (Integer.bitCount(mask) > keep) {
                    symbols[symbolCount++] = escape();
                    System.arraycopy(src, at, values, valueCount, length);
                    valueCount += length;
                    continue;
                }
                for (int j = 0; Integer.bitCount(mask) < keep; j++) {
                    mask |= 1 << j;
                }
                symbols[symbolCount++] = indexOf[mask];
                for (int j = 0; j < length; j++) {
                    if ((mask >>> j & 1) != 0) {
                        values[valueCount++] = src[at + j];
                    }
                }
            }
        }
        BitWriter out = new BitWriter(valueCount + symbolCount / 2 + 64);
        SparseStreams.writeSizedSymbols(symbols, symbolCount, escape() + 1, out);
        Sections.writeBytes(values, valueCount, out);
        return out.toByteArray();
    }

    @Override
    public void decode(ByteBuffer src, ByteBuffer dst) throws WpkFormatException {
        SparseStreams.checkDestination(NAME, size, dst.remaining());
        Parsed parsed = parse(SparseStreams.cursor(src));
        byte[] out = Buffers.outputArrayOf(dst);
        int outStart = Buffers.arrayOffsetOf(dst);
        Arrays.fill(out, outStart, outStart + size, (byte) 0);
        int[] masks = new int[groupsPerRow()];
        int k = 0;
        for (int r = 0; r < rows; r++) {
            int groups = rowMasks(parsed.symbols, r, masks);
            int rowStart = outStart + r * cols;
            for (int g = 0; g < groups; g++) {
                int at = rowStart + g * group;
                for (int mask = masks[g]; mask != 0; mask &= mask - 1) {
                    out[at + Integer.numberOfTrailingZeros(mask)] = parsed.values[k++];
                }
            }
        }
        Buffers.finishDecode(src, dst, out);
    }

    /**
     * Decodes {@code src}'s remaining bytes as a stream of this codec and hands every row to
     * {@code visitor}, in order. The whole stream is checked before the first call. Memory is
     * bounded by the codec's shape (check it against the manifest's decoded length before
     * calling). On success {@code src} is consumed.
     *
     * @throws WpkFormatException if {@code src} is not a valid stream for this codec's shape
     */
    public void decodeTo(ByteBuffer src, NmRowVisitor visitor) throws WpkFormatException {
        Parsed parsed = parse(SparseStreams.cursor(src));
        int[] masks = new int[groupsPerRow()];
        int k = 0;
        for (int r = 0; r < rows; r++) {
            int groups = rowMasks(parsed.symbols, r, masks);
            visitor.row(r, masks, groups, parsed.values, k);
            for (int g = 0; g < groups; g++) {
                k += Integer.bitCount(masks[g]);
            }
        }
        Buffers.consume(src);
    }

    /** Row r's stored-position masks into {@code masks}; returns the group count. */
    private int rowMasks(int[] symbols, int r, int[] masks) {
        int s = r * symbolsPerRow();
        int groups = 0;
        for (int start = 0; start < cols; start += group) {
            int length = Math.min(group, cols - start);
            int whole = (1 << length) - 1;
            if (length <= keep) {
                masks[groups++] = whole;
            } else {
                int symbol = symbols[s++];
                masks[groups++] = symbol == escape() ? whole : maskOf[symbol];
            }
        }
        return groups;
    }

    private static final class Parsed {
        final int[] symbols;
        final byte[] values;

        Parsed(int[] symbols, byte[] values) {
            this.symbols = symbols;
            this.values = values;
        }
    }

    private Parsed parse(InputCursor in) throws WpkFormatException {
        // At most one symbol per N + 1 elements: an int.
        int symbolCount = (int) ((long) symbolsPerRow() * rows);
        int[] symbols = SparseStreams.readSizedSymbols(in, escape() + 1, symbolCount, "group symbols");
        int lastLength = cols % group == 0 ? group : cols % group;
        long valueCount = (long) rows * (cols / group > 0 && group <= keep ? (long) (cols / group) * group : 0);
        if (lastLength <= keep && cols % group != 0) {
            valueCount += (long) rows * lastLength;
        }
        int perRow = symbolsPerRow();
        // Only a row's last symbol can be a short group's.
        boolean lastIsShort = cols % group > keep;
        int escape = escape();
        for (int r = 0, i = 0; r < rows; r++) {
            for (int j = 0; j < perRow; j++, i++) {
                int symbol = symbols[i];
                int length = lastIsShort && j == perRow - 1 ? lastLength : group;
                if (symbol == escape) {
                    valueCount += length;
                } else {
                    Sections.verify(maskOf[symbol] >>> length == 0, in, "group symbol " + symbol
                            + " keeps a position past the row's end");
                    valueCount += keep;
                }
            }
        }
        // Each group stores at most its own elements: at most rows·cols values.
        byte[] values = Sections.readBytes(in, (int) valueCount);
        return new Parsed(symbols, values);
    }

    @Override
    public int decodeSpeedRank() {
        return 5;
    }

    @Override
    public String toString() {
        return NAME + "(" + rows + "x" + cols + ", " + keep + ":" + group + ")";
    }
}
