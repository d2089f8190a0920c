package io.wpack.loader.layout;

import java.util.Arrays;

/**
 * A {@link PositionMap} whose target index is a linear function of the source coordinates
 * (dense permutations, transposes), reduced to as few axes as possible: axes of size one are
 * dropped, and source axes that stay adjacent and in the same order in the target are merged.
 * An order that moves nothing (OIHW to OIHW, or OIHW to OHWI on a 1x1 kernel) becomes one axis of
 * stride 1, which the writer copies as whole runs; OIHW to OHWI on a 3x3 kernel becomes
 * {@code [O, I, HW]}.
 */
final class StridedMap {
    /** Source dimensions after merging, outermost first; never empty. */
    final long[] dims;
    /** Target element stride of each merged axis. */
    final long[] strides;
    final long base;

    private StridedMap(long[] dims, long[] strides, long base) {
        this.dims = dims;
        this.strides = strides;
        this.base = base;
    }

    /** The reduced map, or null when some group is not linear (blocked formats, panels). */
    static StridedMap of(PositionMap m) {
        for (int g = 0; g < m.groups(); g++) {
            if (!m.linear(g)) {
                return null;
            }
        }
        int r = m.dims.length;
        long[] dims = new long[r];
        long[] strides = new long[r];
        int n = 0;
        for (int a = 0; a < r; a++) {
            long d = m.dims[a];
            if (d == 1) {
                continue;
            }
            long s = m.mul[a] * m.stride[m.groupOf[a]][0];
            if (n > 0 && strides[n - 1] == s * d) {
                // The previous axis steps over this one whole: one axis of the product's length.
                dims[n - 1] *= d;
                strides[n - 1] = s;
            } else {
                dims[n] = d;
                strides[n] = s;
                n++;
            }
        }
        if (n == 0) {
            return new StridedMap(new long[] {1}, new long[] {1}, m.base);
        }
        return new StridedMap(Arrays.copyOf(dims, n), Arrays.copyOf(strides, n), m.base);
    }

    /** Elements in one slice of the outermost merged axis. */
    long sliceElements() {
        long n = 1;
        for (int a = 1; a < dims.length; a++) {
            n *= dims[a];
        }
        return n;
    }

    /** Whether source element e lands at target element {@code base + e}: nothing moves. */
    boolean inOrder() {
        return dims.length == 1 && strides[0] == 1;
    }
}
