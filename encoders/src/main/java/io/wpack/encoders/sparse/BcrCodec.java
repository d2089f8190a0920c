package io.wpack.encoders.sparse;

import io.wpack.encoders.huffman.Sections;
import io.wpack.encoders.Buffers;
import io.wpack.encoders.huffman.BitWriter;
import io.wpack.encoders.huffman.InputCursor;
import io.wpack.formats.WpkFormatException;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * Block-based column-row storage over one-byte elements (int8/uint8 codes, zero = byte 0), as
 * GRIM (Niu et al., 2021) stores BCR-pruned weights: the chunk is a row-major rows×cols matrix cut
 * into R×C blocks; each block states which of its rows and which of its columns it keeps (two
 * Huffman-coded bitmaps), then the values at the kept rows × kept columns. Lossless for any
 * input: a block keeps exactly its rows and columns that hold a non-zero.
 *
 * <p>Parameters: {@code rows}, {@code cols} (1..2^31 - 1, product too), {@code blockRows} R and
 * {@code blockCols} C (1..16), {@code width} = 1. A chunk is exactly rows·cols bytes. Blocks at
 * the bottom and right edges are smaller when the matrix is not a multiple of the block.
 *
 * <p>Byte grammar (Huffman sections: see {@link SparseStreams}):
 * <pre>
 * blocks   = the ceil(rows / R) × ceil(cols / C) blocks in row-major order; block (br, bc) has
 *            h = min(R, rows - R·br) rows and w = min(C, cols - C·bc) columns
 * stream   = rowMasks colMasks values
 * rowMasks = size:varint, a section of one symbol per block: bit i set when row i of the block
 *            is kept; no bit at or above h (alphabet 2^R: a byte section for R &lt;= 8, else
 *            16-bit)
 * colMasks = size:varint, a section of one symbol per block whose row mask is not 0: bit j set
 *            when column j is kept; not 0, no bit at or above w (alphabet 2^C, likewise)
 * values   = a byte section, block by block, of the bytes at the kept rows × kept columns,
 *            row-major; they may be 0; every other element is 0; it ends the stream
 * </pre>
 */
public final class BcrCodec extends BlockGridCodec {
    public static final String NAME = "bcr";
    public static final int MAX_BLOCK = 16;

    /** @throws IllegalArgumentException for a dimension out of range or rows·cols over 2^31 - 1 */
    public BcrCodec(int rows, int cols, int blockRows, int blockCols) {
        super(NAME, MAX_BLOCK, rows, cols, blockRows, blockCols);
    }

    /** The codec a manifest stage describes: exactly rows, cols, blockRows, blockCols and width = 1. */
    public static BcrCodec fromParams(Map<String, String> params) throws WpkFormatException {
        int[] p = readParams(NAME, MAX_BLOCK, params);
        return new BcrCodec(p[0], p[1], p[2], p[3]);
    }

    @Override
    public byte[] encode(byte[] src, int off, int len) {
        Buffers.checkRange(src, off, len);
        SparseStreams.checkSourceLength(NAME, size, len);
        int blocks = gridRows * gridCols;
        int[] rowMasks = new int[blocks];
        int[] colMasks = new int[blocks];
        byte[] values = new byte[len];
        int kept = 0;
        int valueCount = 0;
        for (int br = 0, b = 0; br < gridRows; br++) {
            int h = blockHeight(br);
            for (int bc = 0; bc < gridCols; bc++, b++) {
                int w = blockWidth(bc);
                int corner = off + br * blockRows * cols + bc * blockCols;
                int rowMask = 0;
                int colMask = 0;
                for (int i = 0, at = corner; i < h; i++, at += cols) {
                    for (int j = 0; j < w; j++) {
                        if (src[at + j] != 0) {
                            rowMask |= 1 << i;
                            colMask |= 1 << j;
                        }
                    }
                }
                rowMasks[b] = rowMask;
                if (rowMask == 0) {
                    continue;
                }
                colMasks[kept++] = colMask;
                for (int rm = rowMask; rm != 0; rm &= rm - 1) {
                    int at = corner + Integer.numberOfTrailingZeros(rm) * cols;
                    for (int cm = colMask; cm != 0; cm &= cm - 1) {
                        values[valueCount++] = src[at + Integer.numberOfTrailingZeros(cm)];
                    }
                }
            }
        }
        BitWriter out = new BitWriter(valueCount + blocks / 2 + 64);
        SparseStreams.writeSizedSymbols(rowMasks, blocks, 1 << blockRows, out);
        SparseStreams.writeSizedSymbols(colMasks, kept, 1 << blockCols, out);
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
        byte[] values = parsed.values;
        int kept = 0;
        int k = 0;
        for (int br = 0, b = 0; br < gridRows; br++) {
            for (int bc = 0; bc < gridCols; bc++, b++) {
                int rowMask = parsed.rowMasks[b];
                if (rowMask == 0) {
                    continue;
                }
                int colMask = parsed.colMasks[kept++];
                int corner = outStart + br * blockRows * cols + bc * blockCols;
                for (int rm = rowMask; rm != 0; rm &= rm - 1) {
                    int at = corner + Integer.numberOfTrailingZeros(rm) * cols;
                    for (int cm = colMask; cm != 0; cm &= cm - 1) {
                        out[at + Integer.numberOfTrailingZeros(cm)] = values[k++];
                    }
                }
            }
        }
        Buffers.finishDecode(src, dst, out);
    }

    /**
     * Decodes {@code src}'s remaining bytes as a stream of this codec and hands {@code visitor}
     * every block that keeps anything, in row-major block order. The whole stream is checked
     * before the first call. Memory is bounded by the codec's shape (check it against the
     * manifest's decoded length before calling). On success {@code src} is consumed.
     *
     * @throws WpkFormatException if {@code src} is not a valid stream for this codec's shape
     */
    public void decodeTo(ByteBuffer src, BcrBlockVisitor visitor) throws WpkFormatException {
        Parsed parsed = parse(SparseStreams.cursor(src));
        int kept = 0;
        int k = 0;
        for (int br = 0, b = 0; br < gridRows; br++) {
            for (int bc = 0; bc < gridCols; bc++, b++) {
                int rowMask = parsed.rowMasks[b];
                if (rowMask == 0) {
                    continue;
                }
                int colMask = parsed.colMasks[kept++];
                visitor.block(br, bc, rowMask, colMask, parsed.values, k);
                k += Integer.bitCount(rowMask) * Integer.bitCount(colMask);
            }
        }
        Buffers.consume(src);
    }

    private static final class Parsed {
        final int[] rowMasks;
        final int[] colMasks;
        final byte[] values;

        Parsed(int[] rowMasks, int[] colMasks, byte[] values) {
            this.rowMasks = rowMasks;
            this.colMasks = colMasks;
            this.values = values;
        }
    }

    private Parsed parse(InputCursor in) throws WpkFormatException {
        // Every block holds at least one element: at most rows·cols blocks.
        int blocks = (int) ((long) gridRows * gridCols);
        int[] rowMasks = SparseStreams.readSizedSymbols(in, 1 << blockRows, blocks, "row masks");
        int kept = 0;
        for (int br = 0, b = 0; br < gridRows; br++) {
            int h = blockHeight(br);
            for (int bc = 0; bc < gridCols; bc++, b++) {
                Sections.verify(rowMasks[b] >>> h == 0, in, "block " + br + "," + bc + " keeps a row past the matrix");
                kept += rowMasks[b] != 0 ? 1 : 0;
            }
        }
        int[] colMasks = SparseStreams.readSizedSymbols(in, 1 << blockCols, kept, "column masks");
        long valueCount = 0;
        int c = 0;
        for (int br = 0, b = 0; br < gridRows; br++) {
            for (int bc = 0; bc < gridCols; bc++, b++) {
                if (rowMasks[b] == 0) {
                    continue;
                }
                int colMask = colMasks[c++];
                Sections.verify(colMask != 0 && colMask >>> blockWidth(bc) == 0, in, "block " + br + "," + bc
                        + " has column mask " + Integer.toBinaryString(colMask));
                valueCount += Integer.bitCount(rowMasks[b]) * Integer.bitCount(colMask);
            }
        }
        // Kept elements lie inside their blocks: at most rows·cols values.
        byte[] values = Sections.readBytes(in, (int) valueCount);
        return new Parsed(rowMasks, colMasks, values);
    }

    @Override
    public int decodeSpeedRank() {
        return 5;
    }

    @Override
    public String toString() {
        return NAME + "(" + rows + "x" + cols + ", " + blockRows + "x" + blockCols + ")";
    }
}
