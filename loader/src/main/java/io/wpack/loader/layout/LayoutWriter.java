package io.wpack.loader.layout;

import io.wpack.formats.TensorEntry;
import io.wpack.formats.proto.DType;
import io.wpack.loader.ByteSink;
import io.wpack.loader.WpkPackage;
import io.wpack.loader.WpkStreamLoader;

import java.nio.ByteBuffer;

/**
 * Converts a tensor into a kernel layout as its bytes arrive. It is a {@link ByteSink} of the
 * source tensor's size, so it goes wherever the loader takes a sink: {@link WpkPackage#read},
 * or {@link WpkStreamLoader.Consumer#sinkFor} for one pass over a stream. The chunk decoder
 * hands it each decoded chunk and the tensor is never materialized densely; only where bytes
 * land unchanged (a dense layout in the source's order and dtype) does it expose a window, so
 * chunks decode straight into the target. Then {@link #finish} returns the result.
 *
 * <ul>
 *   <li>Dense, transposed, blocked and panel layouts scatter every element straight to its
 *       final place, so chunks may arrive in any order, also concurrently from
 *       {@link WpkPackage#readParallel} ({@link #acceptsAnyOrder()}); padding is zeroed when
 *       the writer is created.</li>
 *   <li>CSR, BSR, N:M and the GGUF quantizations consume the elements in source order and
 *       keep at most one block row (BSR), one group (N:M) or one 32-block (GGUF) of state.</li>
 * </ul>
 *
 * <p>{@link #writeZeros} is the entry for a future sparse storage: it tells the writer that a
 * run of source elements is zero without materializing them, which sparse targets turn into
 * nothing but row bookkeeping.
 */
public abstract class LayoutWriter implements ByteSink {
    private static final ByteBuffer ZEROS = ByteBuffer.allocate(1 << 14).asReadOnlyBuffer();

    final LayoutPlan plan;

    LayoutWriter(LayoutPlan plan) {
        this.plan = plan;
    }

    /** A writer for {@code plan} whose parts of known size go to {@code sinks} (null: arrays). */
    public static LayoutWriter create(LayoutPlan plan, PartSinks sinks) {
        PartSinks s = sinks == null ? PartSinks.ALLOCATE : sinks;
        Layout l = plan.layout();
        if (plan.positions() != null) {
            return new PositionalWriter(plan, s);
        }
        if (l instanceof Layout.Csr) {
            return new CsrWriter(plan, s);
        }
        if (l instanceof Layout.Bsr) {
            return new BsrWriter(plan, s);
        }
        if (l instanceof Layout.NM) {
            return new NMWriter(plan, s);
        }
        if (l instanceof Layout.Q8_0 || l instanceof Layout.Q4_0) {
            return new GgmlBlockWriter(plan, s);
        }
        if (l instanceof Layout.KernelPattern) {
            return new KernelPatternWriter(plan, s);
        }
        if (l instanceof Layout.Bcr) {
            return new BcrWriter(plan, s);
        }
        throw new LayoutException("no writer for layout " + l.spec());
    }

    /** A writer for a package tensor with every part in a loader-allocated array. */
    public static LayoutWriter create(TensorEntry t, Layout layout, LayoutOptions options) {
        return create(LayoutPlan.of(layout, t, options), PartSinks.ALLOCATE);
    }

    public LayoutPlan plan() {
        return plan;
    }

    /** The source tensor's size in bytes, as the loader checks. */
    @Override
    public long size() {
        return plan.sourceBytes();
    }

    /**
     * Null, so that bytes pass through {@link #write} to be converted; a layout whose target
     * holds the source bytes unchanged returns a window into it instead.
     */
    @Override
    public ByteBuffer window(long offset, int length) {
        return null;
    }

    /**
     * Consumes the source bytes {@code [offset, offset + src.remaining())} (the tensor's
     * elements, little-endian, row-major) and advances {@code src} to its limit.
     *
     * @throws LayoutException if the values do not fit the layout (N:M), or the bytes come
     *     out of order for a layout that needs them in order
     */
    @Override
    public abstract void write(long offset, ByteBuffer src);

    /**
     * Tells the writer that source bytes {@code [offset, offset + length)} are all zero. The
     * default feeds zero bytes through {@link #write}; sparse targets skip the run.
     */
    public void writeZeros(long offset, long length) {
        long done = 0;
        while (done < length) {
            int n = (int) Math.min(ZEROS.capacity(), length - done);
            ByteBuffer z = ZEROS.duplicate();
            z.limit(n);
            write(offset + done, z);
            done += n;
        }
    }

    /**
     * Fills the bias slots of a {@code panels:...:bias} layout with one value per row of the
     * matrix view ({@code values}' remaining bytes, little-endian {@code dtype}), converted to
     * the layout's dtype. Any time before {@link #finish}: in a stream the bias tensor may come
     * before or after the weight. Without it the slots stay zero.
     *
     * @throws LayoutException if the layout has no bias slots or the count is wrong
     */
    public void writeBias(ByteBuffer values, DType dtype) {
        throw new LayoutException("layout " + plan.layout().spec() + " has no bias slots");
    }

    /** Whether chunks may arrive in any order and from several threads at once. */
    public abstract boolean acceptsAnyOrder();

    /**
     * Completes the layout once every source byte was written and describes the parts.
     *
     * @throws IllegalStateException if some source bytes never arrived
     */
    public abstract LayoutResult finish();
}
