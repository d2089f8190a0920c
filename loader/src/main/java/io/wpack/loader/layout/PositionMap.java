package io.wpack.loader.layout;

/**
 * Where each source element goes in a layout whose positions do not depend on the values
 * (dense permutations, transposes, oneDNN blocked formats, GEMM panels), so that chunks can be
 * scattered into the target as they arrive, in any order, without a second pass.
 *
 * <p>The source axes are split into groups. Group g has a linear index
 * {@code L_g = sum(coord[a] * mul[a])} over its axes and contributes
 * {@code G_g(L_g) = sum_t ((L_g / div[t]) % mod[t]) * stride[t]} (no modulo where
 * {@code mod[t] == 0}); the target element index is {@code base + sum_g G_g(L_g)}. A dense
 * permutation has one group per axis with one term; a blocked axis adds a term per inner block;
 * panels have two groups, the row index and the K index. Group g is zero-padded from
 * {@code extent[g]} to {@code padded[g]}: those positions are never fed and are zeroed up
 * front.
 */
final class PositionMap {
    final long[] dims;
    final int[] groupOf;
    final long[] mul;
    final long[] extent;
    final long[] padded;
    final long[][] div;
    final long[][] mod;
    final long[][] stride;
    final long base;
    final long[] targetShape;
    final long targetElements;

    private PositionMap(long[] dims, int[] groupOf, long[] mul, long[] extent, long[] padded, long[][] div,
                        long[][] mod, long[][] stride, long base, long[] targetShape) {
        this.dims = dims;
        this.groupOf = groupOf;
        this.mul = mul;
        this.extent = extent;
        this.padded = padded;
        this.div = div;
        this.mod = mod;
        this.stride = stride;
        this.base = base;
        this.targetShape = targetShape;
        this.targetElements = product(targetShape, "target");
    }

    int groups() {
        return extent.length;
    }

    /** {@code G_g(L)}. */
    long eval(int g, long l) {
        long[] d = div[g];
        long[] m = mod[g];
        long[] s = stride[g];
        long sum = 0;
        for (int t = 0; t < d.length; t++) {
            long q = d[t] == 1 ? l : l / d[t];
            if (m[t] != 0) {
                q %= m[t];
            }
            sum += q * s[t];
        }
        return sum;
    }

    /** Whether {@code G_g(L) = L * stride}, so a run along g advances by a constant. */
    boolean linear(int g) {
        return div[g].length == 1 && div[g][0] == 1 && mod[g][0] == 0;
    }

    /** Axis {@code perm[i]} of the source becomes axis i of the target, dense row-major. */
    static PositionMap dense(long[] dims, int[] perm) {
        int r = dims.length;
        long[] tshape = new long[r];
        for (int i = 0; i < r; i++) {
            tshape[i] = dims[perm[i]];
        }
        long[] tstride = rowMajorStrides(tshape);
        int[] groupOf = new int[r];
        long[] mul = new long[r];
        long[][] div = new long[r][];
        long[][] mod = new long[r][];
        long[][] stride = new long[r][];
        for (int i = 0; i < r; i++) {
            int a = perm[i];
            groupOf[a] = a;
            mul[a] = 1;
            div[a] = new long[] {1};
            mod[a] = new long[] {0};
            stride[a] = new long[] {tstride[i]};
        }
        return new PositionMap(dims.clone(), groupOf, mul, dims.clone(), dims.clone(), div, mod, stride, 0, tshape);
    }

    /**
     * A oneDNN blocked format. {@code outerAxis[i]} is the source axis of outer dimension i;
     * {@code innerAxis[j]} and {@code innerBlock[j]} describe the inner blocks in order.
     */
    static PositionMap blocked(long[] dims, int[] outerAxis, int[] innerAxis, int[] innerBlock) {
        int r = dims.length;
        long[] blockOf = new long[r];
        java.util.Arrays.fill(blockOf, 1);
        for (int j = 0; j < innerAxis.length; j++) {
            blockOf[innerAxis[j]] *= innerBlock[j];
        }
        int nt = outerAxis.length + innerAxis.length;
        long[] tshape = new long[nt];
        long[] paddedDims = new long[r];
        for (int i = 0; i < outerAxis.length; i++) {
            int a = outerAxis[i];
            tshape[i] = ceilDiv(dims[a], blockOf[a]);
            paddedDims[a] = Sizes.multiply(tshape[i], blockOf[a], "padded dimension");
        }
        for (int j = 0; j < innerAxis.length; j++) {
            tshape[outerAxis.length + j] = innerBlock[j];
        }
        long[] tstride = rowMajorStrides(tshape);
        int[] groupOf = new int[r];
        long[] mul = new long[r];
        long[][] div = new long[r][];
        long[][] mod = new long[r][];
        long[][] stride = new long[r][];
        for (int i = 0; i < outerAxis.length; i++) {
            int a = outerAxis[i];
            int terms = 1;
            for (int ax : innerAxis) {
                if (ax == a) {
                    terms++;
                }
            }
            groupOf[a] = a;
            mul[a] = 1;
            div[a] = new long[terms];
            mod[a] = new long[terms];
            stride[a] = new long[terms];
            div[a][0] = blockOf[a];
            stride[a][0] = tstride[i];
            long below = blockOf[a];
            int t = 1;
            for (int j = 0; j < innerAxis.length; j++) {
                if (innerAxis[j] == a) {
                    below /= innerBlock[j];
                    div[a][t] = below;
                    mod[a][t] = innerBlock[j];
                    stride[a][t] = tstride[outerAxis.length + j];
                    t++;
                }
            }
        }
        return new PositionMap(dims.clone(), groupOf, mul, dims.clone(), paddedDims, div, mod, stride, 0, tshape);
    }

    /**
     * The matrix view {@code [N, K]} with N indexed by {@code rowAxes} and K by {@code kAxes}
     * (row-major over them in that order), transposed to {@code [K, N]}.
     */
    static PositionMap transposed(long[] dims, int[] rowAxes, int[] kAxes) {
        MatrixGroups m = new MatrixGroups(dims, rowAxes, kAxes);
        long[][] div = {{1}, {1}};
        long[][] mod = {{0}, {0}};
        long[][] stride = {{1}, {m.n}};
        return new PositionMap(dims.clone(), m.groupOf, m.mul, new long[] {m.n, m.k}, new long[] {m.n, m.k}, div,
                mod, stride, 0, new long[] {m.k, m.n});
    }

    /** GEMM panels over the matrix view, as {@link Layout.Panels} documents. */
    static PositionMap panels(long[] dims, int[] rowAxes, int[] kAxes, int nr, int kr, boolean bias) {
        MatrixGroups m = new MatrixGroups(dims, rowAxes, kAxes);
        long np = Sizes.multiply(ceilDiv(m.n, nr), nr, "padded rows");
        long kp = Sizes.multiply(ceilDiv(m.k, kr), kr, "padded columns");
        long biasSlots = bias ? nr : 0;
        long panel = Sizes.add(biasSlots, Sizes.multiply(kp, nr, "panel size"), "panel size");
        long[][] div = {{nr, 1}, {kr, 1}};
        long[][] mod = {{0, nr}, {0, kr}};
        long[][] stride = {{panel, kr}, {(long) nr * kr, 1}};
        return new PositionMap(dims.clone(), m.groupOf, m.mul, new long[] {m.n, m.k}, new long[] {np, kp}, div, mod,
                stride, biasSlots, new long[] {np / nr, panel});
    }

    /** Groups 0 (rows) and 1 (K) of a matrix view. */
    private static final class MatrixGroups {
        final int[] groupOf;
        final long[] mul;
        final long n;
        final long k;

        MatrixGroups(long[] dims, int[] rowAxes, int[] kAxes) {
            groupOf = new int[dims.length];
            mul = new long[dims.length];
            n = assign(dims, rowAxes, 0);
            k = assign(dims, kAxes, 1);
        }

        private long assign(long[] dims, int[] axes, int group) {
            long m = 1;
            for (int i = axes.length - 1; i >= 0; i--) {
                groupOf[axes[i]] = group;
                mul[axes[i]] = m;
                m = Sizes.multiply(m, dims[axes[i]], "matrix dimension");
            }
            return m;
        }
    }

    static long[] rowMajorStrides(long[] shape) {
        long[] s = new long[shape.length];
        long m = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = m;
            m = Sizes.multiply(m, shape[i], "target size");
        }
        return s;
    }

    static long ceilDiv(long a, long b) {
        return a == 0 ? 0 : (a - 1) / b + 1;
    }

    private static long product(long[] shape, String what) {
        long p = 1;
        for (long d : shape) {
            p = Sizes.multiply(p, d, what);
        }
        return p;
    }
}
