package io.wpack.loader.layout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * N:M compression in one pass, one group of M at a time; the byte layout is documented on
 * {@link Layout.NM}.
 */
final class NMWriter extends SequentialWriter {
    private final PartOutput values;
    private final PartOutput metadata;
    private final int n;
    private final int m;
    private final int bits;
    private final long cols;
    private final int ts;
    private final ByteBuffer group;
    private final boolean[] keep;
    private int inGroup;
    private long col;
    private long row;
    private long acc;
    private int accBits;

    NMWriter(LayoutPlan plan, PartSinks sinks) {
        super(plan);
        Layout.NM nm = (Layout.NM) plan.layout();
        this.n = nm.n();
        this.m = nm.m();
        this.bits = nm.indexBits();
        this.cols = plan.cols();
        this.ts = conv.toSize;
        this.group = ByteBuffer.allocate(m * ts).order(ByteOrder.LITTLE_ENDIAN);
        this.keep = new boolean[m];
        this.values = PartOutput.fixed(plan.part("values"), sinks);
        this.metadata = PartOutput.fixed(plan.part("metadata"), sinks);
    }

    @Override
    void consume(ByteBuffer in, int pos, int count) {
        int p = pos;
        for (int i = 0; i < count; i++) {
            conv.copy(in, p, group, inGroup * ts);
            p += ss;
            inGroup++;
            col++;
            if (inGroup == m || col == cols) {
                emitGroup();
            }
            if (col == cols) {
                endRow();
            }
        }
    }

    private void emitGroup() {
        // The row's last group may be short: its missing positions are zero padding.
        for (int i = inGroup * ts; i < m * ts; i++) {
            group.put(i, (byte) 0);
        }
        int count = 0;
        for (int j = 0; j < m; j++) {
            keep[j] = !conv.isZero(group, j * ts);
            if (keep[j]) {
                count++;
            }
        }
        if (count > n) {
            long first = col - inGroup;
            throw new LayoutException(plan.layout().spec() + ": row " + row + ", columns " + first + ".."
                    + (first + m - 1) + " hold " + count + " non-zeros, more than " + n
                    + "; the tensor is not " + n + ":" + m + " sparse");
        }
        for (int j = 0; j < m && count < n; j++) {
            if (!keep[j]) {
                keep[j] = true;
                count++;
            }
        }
        for (int j = 0; j < m; j++) {
            if (keep[j]) {
                values.put(group, j * ts, ts);
                acc |= (long) j << accBits;
                accBits += bits;
                while (accBits >= 8) {
                    metadata.putByte((int) acc & 0xFF);
                    acc >>>= 8;
                    accBits -= 8;
                }
            }
        }
        inGroup = 0;
    }

    private void endRow() {
        if (accBits > 0) {
            metadata.putByte((int) acc & 0xFF);
        }
        acc = 0;
        accBits = 0;
        col = 0;
        row++;
    }

    @Override
    LayoutResult complete() {
        Arrays.fill(keep, false);
        return new LayoutResult(plan.layout(), plan.shape(), Arrays.asList(
                values.finish(plan.part("values").shape()),
                metadata.finish(plan.part("metadata").shape())));
    }
}
