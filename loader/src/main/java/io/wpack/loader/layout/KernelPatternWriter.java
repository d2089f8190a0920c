package io.wpack.loader.layout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The kernel-pattern form ({@link Layout.KernelPattern}) one kernel at a time: each kernel's
 * k·k values are gathered in the target dtype, its non-zero positions are its pattern, looked
 * up in (or added to) the library, and its values at those positions appended. Memory: one
 * kernel plus the library. A tensor stored as {@code kpattern} feeds {@link #kernel} directly
 * with each stored kernel (see {@link StoredSparseDecoder}), so no dense copy is made; the
 * pattern is recomputed from the converted values either way, so both paths give the same
 * bytes.
 */
final class KernelPatternWriter extends SequentialWriter {
    private final PartOutput library;
    private final PartOutput ids;
    private final PartOutput values;
    private final int area;
    private final long kernelCount;
    private final int ts;
    private final ByteBuffer kernel;
    private final Map<Long, Integer> patternIds = new HashMap<>();
    private final byte[] row;
    private int inKernel;
    private long kernelsDone;
    private long nnz;

    KernelPatternWriter(LayoutPlan plan, PartSinks sinks) {
        super(plan);
        this.area = (int) plan.cols();
        this.kernelCount = plan.rows();
        this.ts = conv.toSize;
        this.kernel = ByteBuffer.allocate(area * ts).order(ByteOrder.LITTLE_ENDIAN);
        this.row = new byte[area];
        this.library = PartOutput.growable(plan.part("library"));
        this.ids = PartOutput.fixed(plan.part("pattern_ids"), sinks);
        this.values = PartOutput.growable(plan.part("values"));
    }

    @Override
    void consume(ByteBuffer in, int pos, int count) {
        int p = pos;
        for (int i = 0; i < count; i++) {
            conv.copy(in, p, kernel, inKernel * ts);
            p += ss;
            if (++inKernel == area) {
                emit();
            }
        }
    }

    /** The kernel buffer, in the target dtype, for a direct feed to fill before {@link #emit}. */
    ByteBuffer kernelBuffer() {
        return kernel;
    }

    /** Completes the kernel now held in {@link #kernelBuffer()} (all k·k values written). */
    void emit() {
        long mask = 0;
        for (int j = 0; j < area; j++) {
            if (!conv.isZero(kernel, j * ts)) {
                mask |= 1L << j;
            }
        }
        if (mask == 0) {
            ids.putInt(-1);
        } else {
            Integer id = patternIds.get(mask);
            if (id == null) {
                id = patternIds.size();
                patternIds.put(mask, id);
                for (int j = 0; j < area; j++) {
                    row[j] = (byte) (mask >>> j & 1);
                }
                library.put(ByteBuffer.wrap(row), 0, area);
            }
            ids.putInt(id);
            for (long m = mask; m != 0; m &= m - 1) {
                values.put(kernel, Long.numberOfTrailingZeros(m) * ts, ts);
            }
            nnz += Long.bitCount(mask);
        }
        inKernel = 0;
        kernelsDone++;
    }

    @Override
    void consumeZeros(long count) {
        long left = count;
        // Whole zero kernels are removed kernels: no need to look at their elements.
        while (left > 0 && inKernel != 0) {
            consume(ByteBuffer.allocate(ss), 0, 1);
            left--;
        }
        while (left >= area) {
            ids.putInt(-1);
            kernelsDone++;
            left -= area;
        }
        if (left > 0) {
            super.consumeZeros(left);
        }
    }

    @Override
    LayoutResult complete() {
        if (kernelsDone != kernelCount) {
            throw new IllegalStateException("kpattern: " + kernelsDone + " of " + kernelCount + " kernels");
        }
        return new LayoutResult(plan.layout(), plan.shape(), Arrays.asList(
                library.finish(new long[] {patternIds.size(), area}),
                ids.finish(new long[] {kernelCount}),
                values.finish(new long[] {nnz})));
    }
}
