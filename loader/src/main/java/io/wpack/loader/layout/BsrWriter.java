package io.wpack.loader.layout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * BSR in one pass: rows are gathered into one block row (R rows of the padded width, in the
 * target dtype, with a non-zero flag per block); when the block row is complete its non-zero
 * blocks are appended in column order. Memory: one block row.
 */
final class BsrWriter extends SequentialWriter {
    private final PartOutput data;
    private final PartOutput indices;
    private final PartOutput indptr;
    private final int r;
    private final int c;
    private final long rows;
    private final long cols;
    private final int paddedCols;
    private final long blockRowCount;
    private final ByteBuffer blockRow;
    private final boolean[] nonZero;
    private final int ts;
    private long row;
    private int col;
    private long blockRowsDone;
    private long nnzb;

    BsrWriter(LayoutPlan plan, PartSinks sinks) {
        super(plan);
        Layout.Bsr b = (Layout.Bsr) plan.layout();
        this.r = b.blockRows();
        this.c = b.blockCols();
        this.rows = plan.rows();
        this.cols = plan.cols();
        int blockCols = (int) PositionMap.ceilDiv(cols, c);
        this.paddedCols = blockCols * c;
        this.blockRowCount = PositionMap.ceilDiv(rows, r);
        this.ts = conv.toSize;
        this.blockRow = ByteBuffer.allocate(Sizes.arraySize((long) r * paddedCols * ts, "one block row"))
                .order(ByteOrder.LITTLE_ENDIAN);
        this.nonZero = new boolean[blockCols];
        this.data = PartOutput.growable(plan.part("data"));
        this.indices = PartOutput.growable(plan.part("indices"));
        this.indptr = PartOutput.fixed(plan.part("indptr"), sinks);
        indptr.putInt(0);
    }

    @Override
    void consume(ByteBuffer in, int pos, int count) {
        int p = pos;
        int rowBase = (int) (row % r) * paddedCols;
        for (int i = 0; i < count; i++) {
            int at = (rowBase + col) * ts;
            conv.copy(in, p, blockRow, at);
            if (!conv.isZero(blockRow, at)) {
                nonZero[col / c] = true;
            }
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
        int rowBytes = paddedCols * ts;
        for (int bc = 0; bc < nonZero.length; bc++) {
            if (!nonZero[bc]) {
                continue;
            }
            for (int rr = 0; rr < r; rr++) {
                data.put(blockRow, rr * rowBytes + bc * c * ts, c * ts);
            }
            if (nnzb == Integer.MAX_VALUE) {
                throw new LayoutException("bsr: more than " + Integer.MAX_VALUE + " blocks for i32 indptr");
            }
            indices.putInt(bc);
            nnzb++;
        }
        indptr.putInt((int) nnzb);
        Arrays.fill(nonZero, false);
        blockRowsDone++;
    }

    @Override
    LayoutResult complete() {
        int filled = (int) (row % r);
        if (filled != 0) {
            // The last block row is partial: its rows past the matrix are padding, and still hold
            // the previous block row's values.
            int rowBytes = paddedCols * ts;
            for (int i = filled * rowBytes; i < r * rowBytes; i++) {
                blockRow.put(i, (byte) 0);
            }
            flushBlockRow();
        }
        while (blockRowsDone < blockRowCount) {
            flushBlockRow();
        }
        return new LayoutResult(plan.layout(), plan.shape(), Arrays.asList(
                data.finish(new long[] {nnzb, r, c}),
                indices.finish(new long[] {nnzb}),
                indptr.finish(new long[] {blockRowCount + 1})));
    }
}
