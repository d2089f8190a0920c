package io.wpack.loader.layout;

import io.wpack.formats.proto.DType;
import io.wpack.loader.ByteSink;
import io.wpack.loader.ByteSinks;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Collections;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scatters source elements to the positions a {@link PositionMap} gives: one pass, any chunk
 * order, several threads at once (each write touches only its own elements' targets).
 *
 * <p>The target is written through one window over the whole sink when the sink has one
 * (arrays, single buffers up to 2 GiB), and element by element through {@link ByteSink#write}
 * otherwise, which is slow but keeps targets over 2 GiB possible.
 *
 * <p>Dense permutations and transposes ({@link StridedMap}) skip the general position
 * arithmetic: the dtype is converted run by run, then elements move in 2-D blocks with
 * precomputed strides, whole slices of the outermost axis in target order and partial ones in
 * source order. When nothing moves and the dtype stays, the writer
 * hands the decoder a {@link #window} into the target, so chunks decode straight into place as
 * in a plain read.
 */
final class PositionalWriter extends LayoutWriter {
    private final PositionMap map;
    private final ValueConverter conv;
    private final int ss;
    private final int ts;
    private final long targetBytes;
    private final ByteSink target;
    private final boolean callerSink;
    private final byte[] array;
    private final ByteBuffer direct;
    private final int innermost;
    private final StridedMap strided;
    private final boolean windows;
    private final AtomicLong received = new AtomicLong();

    /** Elements converted at a time into a staging buffer before they are placed, at least. */
    private static final int STAGE_ELEMENTS = 4096;
    /** Staged elements at most, so that a stage can hold several slices of the outermost axis. */
    private static final int MAX_STAGE_ELEMENTS = 1 << 18;
    /** Outermost-axis slices a stage aims to hold, so {@link #placeInTargetOrder} has a few to interleave. */
    private static final int STAGE_SLICES = 16;

    PositionalWriter(LayoutPlan plan, PartSinks sinks) {
        super(plan);
        this.map = plan.positions();
        this.conv = plan.converter();
        this.ss = conv.fromSize;
        this.ts = conv.toSize;
        PartSpec spec = plan.part("data");
        this.targetBytes = spec.bytes();
        ByteSink s = sinks.sinkFor(spec);
        if (s != null) {
            if (s.size() != targetBytes) {
                throw new IllegalArgumentException("sink for part 'data' holds " + s.size() + " bytes but needs "
                        + targetBytes);
            }
            this.target = s;
            this.callerSink = true;
            this.array = null;
        } else {
            this.array = new byte[Sizes.arraySize(targetBytes, "part 'data'")];
            this.target = ByteSinks.of(array);
            this.callerSink = false;
        }
        ByteBuffer w = targetBytes <= Integer.MAX_VALUE - 8 ? target.window(0, (int) targetBytes) : null;
        this.direct = w == null ? null : w.order(ByteOrder.LITTLE_ENDIAN);
        int last = map.dims.length - 1;
        while (last > 0 && map.dims[last] == 1) {
            last--;
        }
        this.innermost = last;
        this.strided = StridedMap.of(map);
        this.windows = strided != null && strided.inOrder() && conv.isCopy();
        zeroPadding();
    }

    /**
     * A window into the target when source bytes land there unchanged (same order, same dtype),
     * so the decoder writes them in place; null otherwise, and for a region that is not whole
     * elements inside the tensor ({@link #write} reports that). The decoder fills every byte of
     * a window it asks for, so the bytes count as received here.
     */
    @Override
    public ByteBuffer window(long offset, int length) {
        if (!windows || offset < 0 || length < 0 || offset % ss != 0 || length % ss != 0 || offset + length > size()) {
            return null;
        }
        ByteBuffer w = target.window(strided.base * ts + offset, length);
        if (w != null) {
            received.addAndGet(length);
        }
        return w;
    }

    @Override
    public boolean acceptsAnyOrder() {
        return true;
    }

    @Override
    public void write(long offset, ByteBuffer src) {
        int len = src.remaining();
        if (offset < 0 || offset % ss != 0 || len % ss != 0 || offset + len > size()) {
            throw new IllegalArgumentException("write of " + len + " bytes at " + offset + " is not whole "
                    + ss + "-byte elements inside the tensor's " + size() + " bytes");
        }
        ByteBuffer in = src.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (strided != null && (direct != null || strided.inOrder())) {
            writeStrided(offset / ss, len / ss, in, in.position());
        } else {
            scatter(offset / ss, len / ss, in, in.position());
        }
        received.addAndGet(len);
        src.position(src.limit());
    }

    /** Converts the dtype in runs, then places the target-dtype elements. */
    private void writeStrided(long first, int count, ByteBuffer in, int ip) {
        ByteBuffer out = direct == null ? null : direct.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (conv.isCopy()) {
            place(first, count, in, ip, out);
            return;
        }
        ByteBuffer staged = null;
        int stage = stageElements();
        for (int done = 0; done < count; ) {
            int n = Math.min(stage, count - done);
            if (out != null && strided.inOrder()) {
                conv.convertRun(in, ip + done * ss, out, (int) ((strided.base + first + done) * ts), n);
            } else {
                if (staged == null) {
                    staged = ByteBuffer.allocate(Math.min(stage, count) * ts).order(ByteOrder.LITTLE_ENDIAN);
                }
                conv.convertRun(in, ip + done * ss, staged, 0, n);
                place(first + done, n, staged, 0, out);
            }
            done += n;
        }
    }

    private int stageElements() {
        long slice = strided.sliceElements();
        return (int) Math.max(STAGE_ELEMENTS, Math.min(MAX_STAGE_ELEMENTS, slice * STAGE_SLICES));
    }

    /**
     * Puts {@code count} elements already in the target dtype, from {@code in[ip]}, where source
     * elements {@code first...} go. {@code out} is the whole target, or null when the sink has no
     * window over it (only for an in-order map, whose runs go through {@link ByteSink#write}).
     * Whole slices of the outermost axis are written in target order; a partial slice at either
     * end in source order.
     */
    private void place(long first, int count, ByteBuffer in, int ip, ByteBuffer out) {
        if (count == 0) {
            return; // also keeps a tensor with a zero dimension (slice of 0 elements) out of the arithmetic
        }
        StridedMap m = strided;
        int es = ts;
        if (m.inOrder()) {
            long at = (m.base + first) * es;
            if (out != null) {
                ValueConverter.copyBytes(in, ip, out, (int) at, count * es);
            } else {
                ByteBuffer run = in.duplicate();
                run.limit(ip + count * es).position(ip);
                target.write(at, run);
            }
            return;
        }
        long slice = m.sliceElements();
        int lead = (int) Math.min(count, (slice - first % slice) % slice);
        long slices = (count - lead) / slice;
        if (slices == 0) {
            placeInSourceOrder(first, count, in, ip, out);
            return;
        }
        int whole = (int) (slices * slice);
        placeInSourceOrder(first, lead, in, ip, out);
        placeInTargetOrder((first + lead) / slice, slices, in, ip + lead * es, out);
        placeInSourceOrder(first + lead + whole, count - lead - whole, in, ip + (lead + whole) * es, out);
    }

    /**
     * Places {@code slices} whole slices of the outermost source axis, from slice {@code s0},
     * walking blocks over the two axes of smallest target stride, so writes advance by the
     * smallest strides (HWIO from OIHW writes runs along O) while reads jump, which is cheaper.
     */
    private void placeInTargetOrder(long s0, long slices, ByteBuffer in, int ip, ByteBuffer out) {
        StridedMap m = strided;
        int es = ts;
        int r = m.dims.length;
        long[] d = m.dims.clone();
        d[0] = slices;
        long[] src = PositionMap.rowMajorStrides(d);
        long[] st = m.strides;
        int a1 = 0;
        for (int a = 1; a < r; a++) {
            if (st[a] < st[a1]) {
                a1 = a;
            }
        }
        int a2 = a1 == 0 ? 1 : 0;
        for (int a = 0; a < r; a++) {
            if (a != a1 && st[a] < st[a2]) {
                a2 = a;
            }
        }
        long base = m.base + s0 * st[0];
        long[] c = new long[r];
        while (true) {
            long so = 0;
            long dO = base;
            for (int a = 0; a < r; a++) {
                so += c[a] * src[a];
                dO += c[a] * st[a];
            }
            copyBlock(in, (int) (ip + so * es), out, (int) (dO * es), es, (int) d[a2], (int) (src[a2] * es),
                    (int) (st[a2] * es), (int) d[a1], (int) (src[a1] * es), (int) (st[a1] * es));
            int a = r - 1;
            while (a >= 0) {
                if (a != a1 && a != a2 && ++c[a] < d[a]) {
                    break;
                }
                c[a] = 0;
                a--;
            }
            if (a < 0) {
                return;
            }
        }
    }

    /** Places elements one source-order run (or 2-D block of the innermost axes) at a time. */
    private void placeInSourceOrder(long first, int count, ByteBuffer in, int ip, ByteBuffer out) {
        if (count == 0) {
            return;
        }
        StridedMap m = strided;
        int es = ts;
        long[] dims = m.dims;
        long[] st = m.strides;
        int last = dims.length - 1;
        long[] c = new long[dims.length];
        long e = first;
        long dst = m.base;
        for (int a = last; a >= 0; a--) {
            c[a] = e % dims[a];
            e /= dims[a];
            dst += c[a] * st[a];
        }
        long inner = dims[last];
        int step = (int) (st[last] * es);
        int n = count;
        int p = ip;
        while (n > 0) {
            if (last >= 1 && c[last] == 0 && n >= inner) {
                // Whole rows of the innermost axis: one 2-D block over the two innermost axes.
                int rows = (int) Math.min(dims[last - 1] - c[last - 1], n / inner);
                int cols = (int) inner;
                int rowStep = (int) (st[last - 1] * es);
                if (Math.abs((long) rowStep) < Math.abs((long) step)) {
                    // Walk the block column by column, so that writes advance by the smaller stride.
                    copyBlock(in, p, out, (int) (dst * es), es, cols, es, step, rows, cols * es, rowStep);
                } else {
                    copyBlock(in, p, out, (int) (dst * es), es, rows, cols * es, rowStep, cols, es, step);
                }
                p += rows * cols * es;
                n -= rows * cols;
                c[last - 1] += rows;
                dst += rows * st[last - 1];
                dst = carry(c, dims, st, last - 1, dst);
            } else {
                int run = (int) Math.min(inner - c[last], n);
                copyBlock(in, p, out, (int) (dst * es), es, 1, 0, 0, run, es, step);
                p += run * es;
                n -= run;
                c[last] += run;
                dst += run * st[last];
                dst = carry(c, dims, st, last, dst);
            }
        }
    }

    /** Wraps coordinate {@code a} if it reached its end, incrementing the axes outside it; returns the new target index. */
    private static long carry(long[] c, long[] dims, long[] st, int a, long dst) {
        for (int b = a; b >= 0 && c[b] == dims[b]; b--) {
            c[b] = 0;
            dst -= dims[b] * st[b];
            if (b > 0) {
                c[b - 1]++;
                dst += st[b - 1];
            }
        }
        return dst;
    }

    /**
     * Copies an {@code outerN x innerN} block of {@code es}-byte elements; all positions and steps
     * in bytes. One loop per element size, so the inner loop is a plain load and store.
     */
    private static void copyBlock(ByteBuffer in, int p, ByteBuffer out, int q, int es, int outerN, int outerIn,
                                  int outerOut, int innerN, int innerIn, int innerOut) {
        if (innerIn == es && innerOut == es) {
            for (int o = 0; o < outerN; o++) {
                ValueConverter.copyBytes(in, p + o * outerIn, out, q + o * outerOut, innerN * es);
            }
            return;
        }
        switch (es) {
            case 4:
                for (int o = 0; o < outerN; o++) {
                    int ip = p + o * outerIn;
                    int op = q + o * outerOut;
                    for (int i = 0; i < innerN; i++) {
                        out.putInt(op, in.getInt(ip));
                        ip += innerIn;
                        op += innerOut;
                    }
                }
                return;
            case 2:
                for (int o = 0; o < outerN; o++) {
                    int ip = p + o * outerIn;
                    int op = q + o * outerOut;
                    for (int i = 0; i < innerN; i++) {
                        out.putShort(op, in.getShort(ip));
                        ip += innerIn;
                        op += innerOut;
                    }
                }
                return;
            case 1:
                for (int o = 0; o < outerN; o++) {
                    int ip = p + o * outerIn;
                    int op = q + o * outerOut;
                    for (int i = 0; i < innerN; i++) {
                        out.put(op, in.get(ip));
                        ip += innerIn;
                        op += innerOut;
                    }
                }
                return;
            default:
                for (int o = 0; o < outerN; o++) {
                    int ip = p + o * outerIn;
                    int op = q + o * outerOut;
                    for (int i = 0; i < innerN; i++) {
                        out.putLong(op, in.getLong(ip));
                        ip += innerIn;
                        op += innerOut;
                    }
                }
        }
    }

    private void scatter(long first, long count, ByteBuffer in, int ip) {
        if (count == 0) {
            return;
        }
        long[] dims = map.dims;
        int r = dims.length;
        long[] c = new long[r];
        long e = first;
        for (int a = r - 1; a >= 0; a--) {
            c[a] = e % dims[a];
            e /= dims[a];
        }
        int ng = map.groups();
        long[] l = new long[ng];
        int last = innermost;
        int g = map.groupOf[last];
        long m = map.mul[last];
        boolean linear = map.linear(g);
        long step = linear ? map.stride[g][0] * m : 0;
        ByteBuffer tmp = direct == null ? ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN) : null;
        // Concurrent writers share the target only through absolute puts at disjoint positions.
        ByteBuffer out = direct == null ? null : direct.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long n = count;
        int p = ip;
        while (n > 0) {
            Arrays.fill(l, 0);
            for (int a = 0; a < r; a++) {
                l[map.groupOf[a]] += c[a] * map.mul[a];
            }
            long others = map.base;
            for (int h = 0; h < ng; h++) {
                if (h != g) {
                    others += map.eval(h, l[h]);
                }
            }
            int run = (int) Math.min(dims[last] - c[last], Math.min(n, Integer.MAX_VALUE));
            if (out != null) {
                if (linear) {
                    long dst = (others + l[g] * map.stride[g][0]) * ts;
                    long dstep = step * ts;
                    for (int i = 0; i < run; i++) {
                        conv.copy(in, p, out, (int) dst);
                        p += ss;
                        dst += dstep;
                    }
                } else {
                    long lg = l[g];
                    for (int i = 0; i < run; i++) {
                        conv.copy(in, p, out, (int) ((others + map.eval(g, lg)) * ts));
                        p += ss;
                        lg += m;
                    }
                }
            } else {
                long lg = l[g];
                for (int i = 0; i < run; i++) {
                    tmp.clear();
                    conv.copy(in, p, tmp, 0);
                    tmp.limit(ts);
                    target.write((others + map.eval(g, lg)) * ts, tmp);
                    p += ss;
                    lg += m;
                }
            }
            n -= run;
            c[last] += run;
            for (int a = last; a > 0 && c[a] == dims[a]; a--) {
                c[a] = 0;
                c[a - 1]++;
            }
        }
    }

    /**
     * Zeroes every target position no source element maps to: per padded group, the slab where
     * that group's index lies in its padding (earlier groups within their extent, later ones
     * anywhere), so each padding position is written once; then the panels' bias slots.
     */
    private void zeroPadding() {
        int ng = map.groups();
        long[] lo = new long[ng];
        long[] hi = new long[ng];
        long[] l = new long[ng];
        for (int g = 0; g < ng; g++) {
            if (map.padded[g] == map.extent[g]) {
                continue;
            }
            boolean empty = false;
            for (int h = 0; h < ng; h++) {
                lo[h] = h == g ? map.extent[g] : 0;
                hi[h] = h < g ? map.extent[h] : map.padded[h];
                empty |= lo[h] >= hi[h];
            }
            if (empty) {
                continue;
            }
            System.arraycopy(lo, 0, l, 0, ng);
            while (true) {
                long dst = map.base;
                for (int h = 0; h < ng; h++) {
                    dst += map.eval(h, l[h]);
                }
                storeZero(dst);
                int h = ng - 1;
                while (h >= 0 && ++l[h] == hi[h]) {
                    l[h] = lo[h];
                    h--;
                }
                if (h < 0) {
                    break;
                }
            }
        }
        Layout.Panels panels = panels();
        if (panels != null && panels.bias()) {
            long panelSize = map.stride[0][0];
            for (long p = 0; p < map.targetShape[0]; p++) {
                for (int j = 0; j < panels.nr(); j++) {
                    storeZero(p * panelSize + j);
                }
            }
        }
    }

    private Layout.Panels panels() {
        return plan.layout() instanceof Layout.Panels ? (Layout.Panels) plan.layout() : null;
    }

    private void storeZero(long element) {
        long at = element * ts;
        if (direct != null) {
            int i = (int) at;
            switch (ts) {
                case 1:
                    direct.put(i, (byte) 0);
                    break;
                case 2:
                    direct.putShort(i, (short) 0);
                    break;
                case 4:
                    direct.putInt(i, 0);
                    break;
                default:
                    direct.putLong(i, 0);
            }
        } else {
            ByteBuffer z = ByteBuffer.allocate(ts);
            target.write(at, z);
        }
    }

    /**
     * Fills the bias slots of {@code panels:...:bias}: {@code values} holds one element per row
     * of the matrix view, in {@code dtype}. Allowed at any time before {@link #finish}.
     */
    @Override
    public void writeBias(ByteBuffer values, DType dtype) {
        Layout.Panels panels = panels();
        if (panels == null || !panels.bias()) {
            throw new LayoutException("layout " + plan.layout().spec() + " has no bias slots");
        }
        ValueConverter bc = ValueConverter.of(dtype, conv.to);
        long rows = map.extent[0];
        ByteBuffer in = values.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (in.remaining() != rows * bc.fromSize) {
            throw new LayoutException("bias holds " + in.remaining() / bc.fromSize + " values, the panels have "
                    + rows + " rows");
        }
        long panelSize = map.stride[0][0];
        ByteBuffer tmp = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        int p = in.position();
        for (long i = 0; i < rows; i++) {
            long dst = ((i / panels.nr()) * panelSize + i % panels.nr()) * ts;
            if (direct != null) {
                bc.copy(in, p, direct, (int) dst);
            } else {
                tmp.clear();
                bc.copy(in, p, tmp, 0);
                tmp.limit(ts);
                target.write(dst, tmp);
            }
            p += bc.fromSize;
        }
    }

    @Override
    public LayoutResult finish() {
        long got = received.get();
        if (got != size()) {
            throw new IllegalStateException("layout " + plan.layout().spec() + " received " + got + " of the tensor's "
                    + size() + " bytes");
        }
        PartSpec spec = plan.part("data");
        LayoutResult.Part part = new LayoutResult.Part("data", spec.dtype(), spec.shape(), targetBytes,
                callerSink ? target : null, array);
        return new LayoutResult(plan.layout(), plan.shape(), Collections.singletonList(part));
    }
}
