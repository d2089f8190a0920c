package io.wpack.loader.layout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * GRIM's block column-row form ({@link Layout.Bcr}) in one pass: rows are gathered into one
 * block row (R rows of the padded width, in the target dtype); when it is complete each block's
 * kept rows and columns (those with a non-zero) and their intersections are appended, block by
 * block. Memory: one block row. A tensor stored as {@code bcr} feeds {@link #block} with each
 * stored block instead (see {@link StoredSparseDecoder}); the masks are recomputed from the
 * converted values either way, so both paths give the same bytes.
 */
final class BcrWriter extends SequentialWriter {
    private final PartOutput rowMasks;
    private final PartOutput colMasks;
    private final PartOutput offsets;
    private final PartOutput values;
    private final int r;
    private final int c;
    private final long rows;
    private final long cols;
    private final int gridCols;
    private final int paddedCols;
    private final long gridRows;
    private final ByteBuffer blockRow;
    private final int ts;
    private long row;
    private int col;
    private long blocksDone;
    private long nnz;

    BcrWriter(LayoutPlan plan, PartSinks sinks) {
        super(plan);
        Layout.Bcr b = (Layout.Bcr) plan.layout();
        this.r = b.blockRows();
        this.c = b.blockCols();
        this.rows = plan.rows();
        this.cols = plan.cols();
        this.gridCols = (int) PositionMap.ceilDiv(cols, c);
        this.paddedCols = gridCols * c;
        this.gridRows = PositionMap.ceilDiv(rows, r);
        this.ts = conv.toSize;
        this.blockRow = ByteBuffer.allocate(Sizes.arraySize((long) r * paddedCols * ts, "one block row"))
                .order(ByteOrder.LITTLE_ENDIAN);
        this.rowMasks = PartOutput.fixed(plan.part("row_masks"), sinks);
        this.colMasks = PartOutput.fixed(plan.part("col_masks"), sinks);
        this.offsets = PartOutput.fixed(plan.part("offsets"), sinks);
        this.values = PartOutput.growable(plan.part("values"));
        offsets.putInt(0);
    }

    @Override
    void consume(ByteBuffer in, int pos, int count) {
        int p = pos;
        int rowBase = (int) (row % r) * paddedCols;
        for (int i = 0; i < count; i++) {
            conv.copy(in, p, blockRow, (rowBase + col) * ts);
            p += ss;
            if (++col == cols) {
                col = 0;
                row++;
                if (row % r == 0) {
                    flushBlockRow();
                }
                rowBase = (int) (row % r) * paddedCols;
            }
        }
    }

    private void flushBlockRow() {
        int h = (int) Math.min(r, rows - (blocksDone / Math.max(1, gridCols)) * r);
        for (int bc = 0; bc < gridCols; bc++) {
            block(blockRow, bc * c * ts, paddedCols * ts, h, (int) Math.min(c, cols - (long) bc * c));
        }
    }

    /**
     * Appends the next block, an h×w region of {@code buf} (target dtype) from {@code base} with
     * rows {@code stride} bytes apart; blocks come in row-major grid order.
     */
    void block(ByteBuffer buf, int base, int stride, int h, int w) {
        int rowMask = 0;
        int colMask = 0;
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                if (!conv.isZero(buf, base + i * stride + j * ts)) {
                    rowMask |= 1 << i;
                    colMask |= 1 << j;
                }
            }
        }
        rowMasks.putShort((short) rowMask);
        colMasks.putShort((short) colMask);
        for (int rm = rowMask; rm != 0; rm &= rm - 1) {
            int at = base + Integer.numberOfTrailingZeros(rm) * stride;
            for (int cm = colMask; cm != 0; cm &= cm - 1) {
                values.put(buf, at + Integer.numberOfTrailingZeros(cm) * ts, ts);
            }
        }
        nnz += (long) Integer.bitCount(rowMask) * Integer.bitCount(colMask);
        if (nnz > Integer.MAX_VALUE) {
            throw new LayoutException("bcr: more than " + Integer.MAX_VALUE + " values for i32 offsets");
        }
        offsets.putInt((int) nnz);
        blocksDone++;
    }

    /** Appends {@code count} empty blocks. */
    void emptyBlocks(long count) {
        for (long i = 0; i < count; i++) {
            rowMasks.putShort((short) 0);
            colMasks.putShort((short) 0);
            offsets.putInt((int) nnz);
        }
        blocksDone += count;
    }

    long blocksDone() {
        return blocksDone;
    }

    @Override
    LayoutResult complete() {
        if (row % r != 0) {
            // The last block row is partial: its blocks are cut at the matrix edge (h < R).
            flushBlockRow();
        }
        long total = gridRows * gridCols;
        if (blocksDone != total) {
            throw new IllegalStateException("bcr: " + blocksDone + " of " + total + " blocks");
        }
        long[] grid = {gridRows, gridCols};
        return new LayoutResult(plan.layout(), plan.shape(), Arrays.asList(
                rowMasks.finish(grid),
                colMasks.finish(grid),
                offsets.finish(new long[] {total + 1}),
                values.finish(new long[] {nnz})));
    }
}
