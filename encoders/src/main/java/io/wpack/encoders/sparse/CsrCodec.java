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
 * Compressed sparse rows over one-byte elements (int8/uint8 codes, zero = byte 0): the chunk is a
 * row-major rows×cols matrix; each row stores its non-zero count, the gaps between its non-zero
 * columns and their values, all entropy-coded. For unstructured pruning, and for runtimes that
 * want CSR arrays: {@link #decodeTo} delivers the rows without a dense copy.
 *
 * <p>Parameters: {@code rows} and {@code cols} (1..2^31 - 1, product too), {@code width} = 1
 * (bytes per element). A chunk is exactly rows·cols bytes.
 *
 * <p>Byte grammar (ints, Huffman sections: see {@link SparseStreams}):
 * <pre>
 * stream = counts gaps values
 * counts = ints(rows): per row, its non-zero count (0..cols)
 * gaps   = ints(nnz), nnz = the sum of the counts: per non-zero in row-major order, its column
 *          minus the previous non-zero's column in the row minus 1 (the first of a row: its
 *          column); every column is below cols
 * values = a byte section of the nnz non-zero bytes in order, none 0; it ends the stream
 * </pre>
 * The gaps of a dense row are all 0 and cost nothing once the section is a single symbol.
 */
public final class CsrCodec implements ByteCodec {
    public static final String NAME = "csr";

    private final int rows;
    private final int cols;
    private final int size;
    private final Map<String, String> params;

    /** @throws IllegalArgumentException for a dimension below 1 or rows·cols over 2^31 - 1 */
    public CsrCodec(int rows, int cols) {
        SparseParams.checkRange(NAME, SparseParams.ROWS, rows, 1, Integer.MAX_VALUE);
        SparseParams.checkRange(NAME, SparseParams.COLS, cols, 1, Integer.MAX_VALUE);
        this.rows = rows;
        this.cols = cols;
        this.size = SparseParams.product(rows, cols);
        this.params = SparseParams.ordered(SparseParams.ROWS, rows, SparseParams.COLS, cols, SparseParams.WIDTH, 1);
    }

    /** The codec a manifest stage's parameters describe: exactly {@code rows}, {@code cols}, {@code width} = 1. */
    public static CsrCodec fromParams(Map<String, String> params) throws WpkFormatException {
        int[] shape = SparseParams.matrix(NAME, params);
        return new CsrCodec(shape[0], shape[1]);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, String> params() {
        return params;
    }

    @Override
    public byte[] encode(byte[] src, int off, int len) {
        Buffers.checkRange(src, off, len);
        SparseStreams.checkSourceLength(NAME, size, len);
        int nnz = 0;
        for (int i = off; i < off + len; i++) {
            nnz += src[i] != 0 ? 1 : 0;
        }
        int[] counts = new int[rows];
        int[] gaps = new int[nnz];
        byte[] values = new byte[nnz];
        int k = 0;
        for (int r = 0; r < rows; r++) {
            int rowStart = off + r * cols;
            int first = k;
            int previous = -1;
            for (int c = 0; c < cols; c++) {
                byte b = src[rowStart + c];
                if (b != 0) {
                    gaps[k] = c - previous - 1;
                    values[k++] = b;
                    previous = c;
                }
            }
            counts[r] = k - first;
        }
        BitWriter out = new BitWriter(nnz + rows / 4 + 64);
        SparseStreams.writeInts(counts, rows, out);
        SparseStreams.writeInts(gaps, nnz, out);
        Sections.writeBytes(values, nnz, out);
        return out.toByteArray();
    }

    @Override
    public void decode(ByteBuffer src, ByteBuffer dst) throws WpkFormatException {
        SparseStreams.checkDestination(NAME, size, dst.remaining());
        Parsed parsed = parse(SparseStreams.cursor(src));
        byte[] out = Buffers.outputArrayOf(dst);
        int outStart = Buffers.arrayOffsetOf(dst);
        Arrays.fill(out, outStart, outStart + size, (byte) 0);
        byte[] values = parsed.values;
        int k = 0;
        for (int r = 0; r < rows; r++) {
            int at = outStart + r * cols - 1;
            for (int end = k + parsed.counts.next(); k < end; k++) {
                at += parsed.gaps.next() + 1;
                out[at] = values[k];
            }
        }
        Buffers.finishDecode(src, dst, out);
    }

    /**
     * Decodes {@code src}'s remaining bytes as a stream of this codec and hands every row to
     * {@code visitor}, in order. The whole stream is checked before the first call, so a visitor
     * sees nothing of a stream that is rejected. Memory is bounded by the codec's shape (check it
     * against the manifest's decoded length before calling). On success {@code src} is consumed.
     *
     * @throws WpkFormatException if {@code src} is not a valid stream for this codec's shape
     */
    public void decodeTo(ByteBuffer src, SparseRowVisitor visitor) throws WpkFormatException {
        Parsed parsed = parse(SparseStreams.cursor(src));
        int[] rowCols = new int[Math.min(cols, parsed.values.length)];
        int k = 0;
        for (int r = 0; r < rows; r++) {
            int count = parsed.counts.next();
            int c = -1;
            for (int j = 0; j < count; j++) {
                c += parsed.gaps.next() + 1;
                rowCols[j] = c;
            }
            visitor.row(r, rowCols, parsed.values, k, count);
            k += count;
        }
        Buffers.consume(src);
    }

    private static final class Parsed {
        final SparseStreams.IntReader counts;
        final SparseStreams.IntReader gaps;
        final byte[] values;

        Parsed(SparseStreams.IntReader counts, SparseStreams.IntReader gaps, byte[] values) {
            this.counts = counts;
            this.gaps = gaps;
            this.values = values;
        }
    }

    /** Reads and checks every part; the readers come back rewound. */
    private Parsed parse(InputCursor in) throws WpkFormatException {
        SparseStreams.IntReader counts = SparseStreams.readInts(in, rows, "row counts");
        long nnz = 0;
        for (int r = 0; r < rows; r++) {
            int count = counts.next();
            Sections.verify(count <= cols, in, "row " + r + " has " + count + " non-zeros in " + cols + " columns");
            nnz += count;
        }
        counts.rewind();
        // Each count is at most cols, so nnz is at most rows·cols, an int.
        SparseStreams.IntReader gaps = SparseStreams.readInts(in, (int) nnz, "column gaps");
        for (int r = 0; r < rows; r++) {
            long c = -1;
            for (int j = counts.next(); j > 0; j--) {
                c += gaps.next() + 1L;
            }
            Sections.verify(c < cols, in, "row " + r + " has a column " + c + " of " + cols);
        }
        counts.rewind();
        gaps.rewind();
        long valuesAt = in.offset();
        byte[] values = Sections.readBytes(in, (int) nnz);
        for (byte v : values) {
            if (v == 0) {
                throw new WpkFormatException(valuesAt, "value section holds a zero");
            }
        }
        return new Parsed(counts, gaps, values);
    }

    @Override
    public int decodeSpeedRank() {
        return 5;
    }

    @Override
    public String toString() {
        return NAME + "(" + rows + "x" + cols + ")";
    }
}
