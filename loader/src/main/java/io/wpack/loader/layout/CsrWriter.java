package io.wpack.loader.layout;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * CSR in one pass over the rows: each non-zero is appended to {@code data} and
 * {@code indices} as it arrives, and {@code indptr} gets an entry at each row's end. A run of
 * zeros ({@link #writeZeros}) costs only the row ends it crosses.
 */
final class CsrWriter extends SequentialWriter {
    private final PartOutput data;
    private final PartOutput indices;
    private final PartOutput indptr;
    private final long rows;
    private final long cols;
    private long row;
    private long col;
    private long nnz;

    CsrWriter(LayoutPlan plan, PartSinks sinks) {
        super(plan);
        this.data = PartOutput.growable(plan.part("data"));
        this.indices = PartOutput.growable(plan.part("indices"));
        this.indptr = PartOutput.fixed(plan.part("indptr"), sinks);
        this.rows = plan.rows();
        this.cols = plan.cols();
        indptr.putInt(0);
    }

    @Override
    void consume(ByteBuffer in, int pos, int count) {
        int p = pos;
        for (int i = 0; i < count; i++) {
            if (data.putValueIfNonZero(conv, in, p)) {
                if (nnz == Integer.MAX_VALUE) {
                    throw new LayoutException("csr: more than " + Integer.MAX_VALUE + " non-zeros for i32 indptr");
                }
                indices.putInt((int) col);
                nnz++;
            }
            p += ss;
            if (++col == cols) {
                endRow();
            }
        }
    }

    @Override
    void consumeZeros(long count) {
        long left = count;
        while (left > 0) {
            long step = Math.min(cols - col, left);
            col += step;
            left -= step;
            if (col == cols) {
                endRow();
            }
        }
    }

    private void endRow() {
        col = 0;
        row++;
        indptr.putInt((int) nnz);
    }

    @Override
    LayoutResult complete() {
        // Rows of zero columns never see an element: give them their (empty) entries now.
        while (row < rows) {
            row++;
            indptr.putInt((int) nnz);
        }
        return new LayoutResult(plan.layout(), plan.shape(), Arrays.asList(
                data.finish(new long[] {nnz}),
                indices.finish(new long[] {nnz}),
                indptr.finish(new long[] {rows + 1})));
    }
}
