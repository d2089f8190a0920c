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
 * Block sparse rows over one-byte elements (int8/uint8 codes, zero = byte 0): the chunk is a
 * row-major rows×cols matrix cut into R×C blocks; per block row, the block columns of the blocks
 * that hold any non-zero, and those blocks' values, dense. For block-pruned layers, whose zeros
 * then cost about one bit per block instead of a fraction of a bit per element; {@link
 * #decodeTo} delivers BSR arrays without a dense copy.
 *
 * <p>Parameters: {@code rows}, {@code cols} (1..2^31 - 1, product too), {@code blockRows} R and
 * {@code blockCols} C (1..256), {@code width} = 1. A chunk is exactly rows·cols bytes. The
 * matrix need not be a multiple of the block: blocks at its bottom and right edges are smaller,
 * and only their elements inside the matrix are stored.
 *
 * <p>Byte grammar (ints, Huffman sections: see {@link SparseStreams}):
 * <pre>
 * stream = counts gaps values
 * counts = ints(ceil(rows / R)): per block row, its stored blocks (0..ceil(cols / C))
 * gaps   = ints(B), B = the sum of the counts: per stored block in order, its block column minus
 *          the previous stored block's in the block row minus 1 (the first of a block row: its
 *          block column); every block column is below ceil(cols / C)
 * values = a byte section of every stored block's elements, block by block in order, each
 *          h×w block row-major, h = min(R, rows - R·blockRow), w = min(C, cols - C·blockCol);
 *          zeros included; it ends the stream. Blocks not stored are zero.
 * </pre>
 * The encoder stores exactly the blocks with a non-zero element.
 */
public final class BsrCodec extends BlockGridCodec {
    public static final String NAME = "bsr";
    public static final int MAX_BLOCK = 256;

    /** @throws IllegalArgumentException for a dimension out of range or rows·cols over 2^31 - 1 */
    public BsrCodec(int rows, int cols, int blockRows, int blockCols) {
        super(NAME, MAX_BLOCK, rows, cols, blockRows, blockCols);
    }

    /** The codec a manifest stage describes: exactly rows, cols, blockRows, blockCols and width = 1. */
    public static BsrCodec fromParams(Map<String, String> params) throws WpkFormatException {
        int[] p = readParams(NAME, MAX_BLOCK, params);
        return new BsrCodec(p[0], p[1], p[2], p[3]);
    }

    @Override
    public byte[] encode(byte[] src, int off, int len) {
        Buffers.checkRange(src, off, len);
        SparseStreams.checkSourceLength(NAME, size, len);
        int[] counts = new int[gridRows];
        int[] gaps = new int[16];
        byte[] values = new byte[Math.max(16, len / 4)];
        int stored = 0;
        int valueCount = 0;
        boolean[] nonZero = new boolean[gridCols];
        for (int br = 0; br < gridRows; br++) {
            int h = blockHeight(br);
            Arrays.fill(nonZero, false);
            for (int i = 0; i < h; i++) {
                int rowStart = off + (br * blockRows + i) * cols;
                for (int c = 0; c < cols; c++) {
                    if (src[rowStart + c] != 0) {
                        nonZero[c / blockCols] = true;
                    }
                }
            }
            int previous = -1;
            for (int bc = 0; bc < gridCols; bc++) {
                if (!nonZero[bc]) {
                    continue;
                }
                if (stored == gaps.length) {
                    gaps = Arrays.copyOf(gaps, 2 * stored);
                }
                gaps[stored++] = bc - previous - 1;
                previous = bc;
                counts[br]++;
                int w = blockWidth(bc);
                if (values.length - valueCount < h * w) {
                    values = Arrays.copyOf(values, Math.max(2 * values.length, valueCount + h * w));
                }
                for (int i = 0; i < h; i++) {
                    System.arraycopy(src, off + (br * blockRows + i) * cols + bc * blockCols, values, valueCount, w);
                    valueCount += w;
                }
            }
        }
        BitWriter out = new BitWriter(valueCount + stored / 2 + 64);
        SparseStreams.writeInts(counts, gridRows, out);
        SparseStreams.writeInts(gaps, stored, out);
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
        int k = 0;
        for (int br = 0; br < gridRows; br++) {
            int h = blockHeight(br);
            int bc = -1;
            for (int j = parsed.counts.next(); j > 0; j--) {
                bc += parsed.gaps.next() + 1;
                int w = blockWidth(bc);
                int at = outStart + br * blockRows * cols + bc * blockCols;
                for (int i = 0; i < h; i++, at += cols, k += w) {
                    System.arraycopy(values, k, out, at, w);
                }
            }
        }
        Buffers.finishDecode(src, dst, out);
    }

    /**
     * Decodes {@code src}'s remaining bytes as a stream of this codec and hands every block row
     * to {@code visitor}, in order, with R×C blocks (zero-padded at the edges). The whole stream is
     * checked before the first call. Memory is bounded by the codec's shape (check it against the
     * manifest's decoded length before calling) and the densest block row. On success {@code src}
     * is consumed.
     *
     * @throws WpkFormatException if {@code src} is not a valid stream for this codec's shape
     * @throws IllegalStateException if one block row's padded blocks would exceed 2 GiB
     */
    public void decodeTo(ByteBuffer src, BlockRowVisitor visitor) throws WpkFormatException {
        Parsed parsed = parse(SparseStreams.cursor(src));
        int area = blockRows * blockCols;
        int[] blockColumns = new int[parsed.maxCount];
        byte[] blocks;
        try {
            blocks = new byte[Math.multiplyExact(parsed.maxCount, area)];
        } catch (ArithmeticException e) {
            throw new IllegalStateException("a block row of " + parsed.maxCount + " padded blocks exceeds 2 GiB");
        }
        byte[] values = parsed.values;
        int k = 0;
        for (int br = 0; br < gridRows; br++) {
            int h = blockHeight(br);
            int count = parsed.counts.next();
            Arrays.fill(blocks, 0, count * area, (byte) 0);
            int bc = -1;
            for (int j = 0; j < count; j++) {
                bc += parsed.gaps.next() + 1;
                blockColumns[j] = bc;
                int w = blockWidth(bc);
                for (int i = 0; i < h; i++, k += w) {
                    System.arraycopy(values, k, blocks, j * area + i * blockCols, w);
                }
            }
            visitor.blockRow(br, blockColumns, count, blocks);
        }
        Buffers.consume(src);
    }

    private static final class Parsed {
        final SparseStreams.IntReader counts;
        final SparseStreams.IntReader gaps;
        final byte[] values;
        final int maxCount;

        Parsed(SparseStreams.IntReader counts, SparseStreams.IntReader gaps, byte[] values, int maxCount) {
            this.counts = counts;
            this.gaps = gaps;
            this.values = values;
            this.maxCount = maxCount;
        }
    }

    /** Reads and checks every part; the readers come back rewound. */
    private Parsed parse(InputCursor in) throws WpkFormatException {
        SparseStreams.IntReader counts = SparseStreams.readInts(in, gridRows, "block row counts");
        long stored = 0;
        int maxCount = 0;
        for (int br = 0; br < gridRows; br++) {
            int count = counts.next();
            Sections.verify(count <= gridCols, in, "block row " + br + " has " + count + " blocks of " + gridCols);
            stored += count;
            maxCount = Math.max(maxCount, count);
        }
        counts.rewind();
        // At most gridRows·gridCols <= rows·cols blocks: an int.
        SparseStreams.IntReader gaps = SparseStreams.readInts(in, (int) stored, "block column gaps");
        long valueCount = 0;
        for (int br = 0; br < gridRows; br++) {
            long bc = -1;
            int h = blockHeight(br);
            for (int j = counts.next(); j > 0; j--) {
                bc += gaps.next() + 1L;
                Sections.verify(bc < gridCols, in, "block row " + br + " has a block column " + bc + " of "
                        + gridCols);
                valueCount += (long) h * blockWidth((int) bc);
            }
        }
        counts.rewind();
        gaps.rewind();
        // Distinct blocks inside the matrix: at most rows·cols values.
        byte[] values = Sections.readBytes(in, (int) valueCount);
        return new Parsed(counts, gaps, values, maxCount);
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
