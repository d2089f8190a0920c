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
    private final AtomicLong received = new AtomicLong();

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
        zeroPadding();
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
        scatter(offset / ss, len / ss, in, in.position());
        received.addAndGet(len);
        src.position(src.limit());
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
