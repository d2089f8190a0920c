package io.wpack.loader.layout;

import io.wpack.formats.DTypes;
import io.wpack.formats.TensorEntry;
import io.wpack.formats.proto.DType;
import io.wpack.loader.Representation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A layout resolved against one tensor before any data is read: the source axis mapping, the
 * value dtype, and the parts with their sizes, so that a caller can allocate its sinks. Every
 * check that does not need the values (rank, axis names, dtypes, sizes) happens here.
 */
public final class LayoutPlan {
    private final Layout layout;
    private final long[] sourceShape;
    private final DType sourceDtype;
    private final long sourceBytes;
    private final ValueConverter converter;
    private final long[] shape;
    private final List<PartSpec> parts;
    private final PositionMap positions;
    private final long rows;
    private final long cols;

    private LayoutPlan(Layout layout, long[] sourceShape, DType sourceDtype, ValueConverter converter, long[] shape,
                       List<PartSpec> parts, PositionMap positions, long rows, long cols) {
        this.layout = layout;
        this.sourceShape = sourceShape;
        this.sourceDtype = sourceDtype;
        this.sourceBytes = Sizes.multiply(elements(sourceShape), ValueConverter.sizeOf(sourceDtype), "tensor size");
        this.converter = converter;
        this.shape = shape;
        this.parts = Collections.unmodifiableList(parts);
        this.positions = positions;
        this.rows = rows;
        this.cols = cols;
    }

    /** The plan for a package tensor, read in {@code options.representation()}. */
    public static LayoutPlan of(Layout layout, TensorEntry t, LayoutOptions options) {
        DType source = options.representation() == Representation.STORED ? t.storedDtype() : t.dtype();
        return of(layout, t.shape(), source, options);
    }

    /** The plan for any row-major source of this shape and dtype. */
    public static LayoutPlan of(Layout layout, long[] shape, DType sourceDtype, LayoutOptions options) {
        long[] dims = shape.clone();
        for (long d : dims) {
            if (d < 0) {
                throw new LayoutException("negative dimension in shape");
            }
        }
        int rank = dims.length;
        // A scalar is handled as a one-element vector; every formula below then needs rank >= 1.
        long[] view = rank == 0 ? new long[] {1} : dims;
        long rowsOfView = rank >= 2 ? dims[0] : 1;
        long colsOfView = 1;
        for (int a = rank >= 2 ? 1 : 0; a < rank; a++) {
            colsOfView = Sizes.multiply(colsOfView, dims[a], "matrix columns");
        }
        String declared = options.sourceLayout();
        if (declared != null) {
            SourceAxes.names(rank, declared); // validates it against the rank
        }
        if (layout instanceof Layout.Q8_0 || layout instanceof Layout.Q4_0) {
            if (!DTypes.isFloat(sourceDtype)) {
                throw new LayoutException(layout.spec() + " quantizes float tensors only, not "
                        + Layout.dtypeName(sourceDtype));
            }
            boolean q8 = layout instanceof Layout.Q8_0;
            int blockBytes = q8 ? GgmlQuants.Q8_0_BYTES : GgmlQuants.Q4_0_BYTES;
            long blocksPerRow = PositionMap.ceilDiv(colsOfView, GgmlQuants.QK);
            long rowBytes = Sizes.multiply(blocksPerRow, blockBytes, "row size");
            List<PartSpec> parts = new ArrayList<>();
            parts.add(new PartSpec("blocks", DType.U8, new long[] {rowsOfView, rowBytes},
                    Sizes.multiply(rowsOfView, rowBytes, "output size")));
            return new LayoutPlan(layout, dims, sourceDtype, ValueConverter.of(sourceDtype, DType.F32),
                    new long[] {rowsOfView, colsOfView}, parts, null, rowsOfView, colsOfView);
        }
        ValueConverter conv = ValueConverter.of(sourceDtype, layout.valueDtype());
        DType vt = conv.to;
        int vsize = conv.toSize;
        List<PartSpec> parts = new ArrayList<>();
        if (layout instanceof Layout.Dense) {
            Layout.Dense d = (Layout.Dense) layout;
            int[] perm = identity(view.length);
            if (!d.axes().isEmpty()) {
                perm = SourceAxes.permutation(SourceAxes.require(rank, declared, layout.spec()), d.axes());
            }
            PositionMap pm = PositionMap.dense(view, perm);
            long[] tshape = rank == 0 ? new long[0] : pm.targetShape;
            parts.add(dataPart(tshape, vt, pm.targetElements, vsize));
            return new LayoutPlan(layout, dims, sourceDtype, conv, tshape, parts, pm, rowsOfView, colsOfView);
        }
        if (layout instanceof Layout.Transposed) {
            PositionMap pm = PositionMap.transposed(view, defaultRowAxes(rank), defaultKAxes(rank, view.length));
            parts.add(dataPart(pm.targetShape, vt, pm.targetElements, vsize));
            return new LayoutPlan(layout, dims, sourceDtype, conv, pm.targetShape, parts, pm, rowsOfView,
                    colsOfView);
        }
        if (layout instanceof Layout.Blocked) {
            Layout.Blocked b = (Layout.Blocked) layout;
            String names = SourceAxes.require(rank, declared, layout.spec());
            String outer = b.outerAxes();
            int[] outerAxis = SourceAxes.permutation(names, outer);
            List<Layout.BlockedDim> inner = new ArrayList<>();
            for (Layout.BlockedDim bd : b.dims()) {
                if (bd.block() > 0) {
                    inner.add(bd);
                }
            }
            int[] innerAxis = new int[inner.size()];
            int[] innerBlock = new int[inner.size()];
            for (int j = 0; j < inner.size(); j++) {
                innerAxis[j] = outerAxis[outer.indexOf(inner.get(j).axis())];
                innerBlock[j] = inner.get(j).block();
            }
            if (rank == 0) {
                throw new LayoutException(layout.spec() + " needs a tensor with axes, not a scalar");
            }
            PositionMap pm = PositionMap.blocked(view, outerAxis, innerAxis, innerBlock);
            parts.add(dataPart(pm.targetShape, vt, pm.targetElements, vsize));
            long[] logical = new long[rank];
            for (int i = 0; i < rank; i++) {
                logical[i] = dims[outerAxis[i]];
            }
            return new LayoutPlan(layout, dims, sourceDtype, conv, logical, parts, pm, rowsOfView, colsOfView);
        }
        if (layout instanceof Layout.Panels) {
            Layout.Panels p = (Layout.Panels) layout;
            int[] rowAxes = defaultRowAxes(rank);
            int[] kAxes = defaultKAxes(rank, view.length);
            long n = rowsOfView;
            long k = colsOfView;
            if (!p.axes().isEmpty()) {
                int[] perm = SourceAxes.permutation(SourceAxes.require(rank, declared, layout.spec()), p.axes());
                if (rank == 0) {
                    throw new LayoutException(layout.spec() + " names axes, but the tensor is a scalar");
                }
                rowAxes = new int[] {perm[0]};
                kAxes = new int[perm.length - 1];
                System.arraycopy(perm, 1, kAxes, 0, kAxes.length);
                n = dims[perm[0]];
                k = product(dims, kAxes);
            }
            PositionMap pm = PositionMap.panels(view, rowAxes, kAxes, p.nr(), p.kr(), p.bias());
            parts.add(dataPart(pm.targetShape, vt, pm.targetElements, vsize));
            return new LayoutPlan(layout, dims, sourceDtype, conv, new long[] {n, k}, parts, pm, n, k);
        }
        long[] matrix = {rowsOfView, colsOfView};
        if (layout instanceof Layout.Csr) {
            checkIndexRange(colsOfView, "columns");
            checkIndexRange(rowsOfView, "rows");
            parts.add(new PartSpec("data", vt, null, -1));
            parts.add(new PartSpec("indices", DType.I32, null, -1));
            parts.add(new PartSpec("indptr", DType.I32, new long[] {rowsOfView + 1}, (rowsOfView + 1) * 4));
            return new LayoutPlan(layout, dims, sourceDtype, conv, matrix, parts, null, rowsOfView, colsOfView);
        }
        if (layout instanceof Layout.Bsr) {
            Layout.Bsr b = (Layout.Bsr) layout;
            long blockRows = PositionMap.ceilDiv(rowsOfView, b.blockRows());
            long blockCols = PositionMap.ceilDiv(colsOfView, b.blockCols());
            checkIndexRange(blockCols, "block columns");
            checkIndexRange(blockRows, "block rows");
            Sizes.arraySize(Sizes.multiply(Sizes.multiply(b.blockRows(), blockCols * b.blockCols(), "block row"),
                    vsize, "block row"), "one block row");
            parts.add(new PartSpec("data", vt, null, -1));
            parts.add(new PartSpec("indices", DType.I32, null, -1));
            parts.add(new PartSpec("indptr", DType.I32, new long[] {blockRows + 1}, (blockRows + 1) * 4));
            return new LayoutPlan(layout, dims, sourceDtype, conv, matrix, parts, null, rowsOfView, colsOfView);
        }
        if (layout instanceof Layout.NM) {
            Layout.NM nm = (Layout.NM) layout;
            long groups = PositionMap.ceilDiv(colsOfView, nm.m());
            long kept = Sizes.multiply(groups, nm.n(), "kept values per row");
            long metaRow = PositionMap.ceilDiv(Sizes.multiply(kept, nm.indexBits(), "metadata bits"), 8);
            parts.add(new PartSpec("values", vt, new long[] {rowsOfView, kept},
                    Sizes.multiply(Sizes.multiply(rowsOfView, kept, "values"), vsize, "values size")));
            parts.add(new PartSpec("metadata", DType.U8, new long[] {rowsOfView, metaRow},
                    Sizes.multiply(rowsOfView, metaRow, "metadata size")));
            return new LayoutPlan(layout, dims, sourceDtype, conv, matrix, parts, null, rowsOfView, colsOfView);
        }
        if (layout instanceof Layout.KernelPattern) {
            if (rank < 2 || dims[rank - 1] != dims[rank - 2] || dims[rank - 1] < 1
                    || dims[rank - 1] > Layout.KernelPattern.MAX_K) {
                throw new LayoutException(layout.spec() + " needs k×k kernels in the last two axes (OIHW with H = W"
                        + " = k, 1 <= k <= " + Layout.KernelPattern.MAX_K + "), not shape " + java.util.Arrays.toString(dims));
            }
            long k = dims[rank - 1];
            long kernels = 1;
            for (int a = 0; a < rank - 2; a++) {
                kernels = Sizes.multiply(kernels, dims[a], "kernels");
            }
            checkIndexRange(kernels, "kernels");
            parts.add(new PartSpec("library", DType.U8, null, -1));
            parts.add(new PartSpec("pattern_ids", DType.I32, new long[] {kernels}, kernels * 4));
            parts.add(new PartSpec("values", vt, null, -1));
            return new LayoutPlan(layout, dims, sourceDtype, conv, new long[] {kernels, k, k}, parts, null, kernels,
                    k * k);
        }
        if (layout instanceof Layout.Bcr) {
            Layout.Bcr b = (Layout.Bcr) layout;
            long gridRows = PositionMap.ceilDiv(rowsOfView, b.blockRows());
            long gridCols = PositionMap.ceilDiv(colsOfView, b.blockCols());
            long blocks = Sizes.multiply(gridRows, gridCols, "blocks");
            checkIndexRange(blocks + 1, "blocks");
            Sizes.arraySize(Sizes.multiply(Sizes.multiply(b.blockRows(), gridCols * b.blockCols(), "block row"),
                    vsize, "block row"), "one block row");
            long[] grid = {gridRows, gridCols};
            parts.add(new PartSpec("row_masks", DType.U16, grid, blocks * 2));
            parts.add(new PartSpec("col_masks", DType.U16, grid, blocks * 2));
            parts.add(new PartSpec("offsets", DType.I32, new long[] {blocks + 1}, (blocks + 1) * 4));
            parts.add(new PartSpec("values", vt, null, -1));
            return new LayoutPlan(layout, dims, sourceDtype, conv, matrix, parts, null, rowsOfView, colsOfView);
        }
        throw new LayoutException("no plan for layout " + layout.spec());
    }

    private static PartSpec dataPart(long[] shape, DType dtype, long elements, int size) {
        return new PartSpec("data", dtype, shape, Sizes.multiply(elements, size, "output size"));
    }

    private static void checkIndexRange(long n, String what) {
        if (n > Integer.MAX_VALUE) {
            throw new LayoutException("the matrix has " + n + " " + what + "; i32 indices hold at most "
                    + Integer.MAX_VALUE);
        }
    }

    private static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }

    private static int[] defaultRowAxes(int rank) {
        return rank >= 2 ? new int[] {0} : new int[0];
    }

    private static int[] defaultKAxes(int rank, int viewRank) {
        int from = rank >= 2 ? 1 : 0;
        int[] k = new int[viewRank - from];
        for (int i = 0; i < k.length; i++) {
            k[i] = from + i;
        }
        return k;
    }

    private static long product(long[] dims, int[] axes) {
        long p = 1;
        for (int a : axes) {
            p = Sizes.multiply(p, dims[a], "matrix columns");
        }
        return p;
    }

    private static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Sizes.multiply(n, d, "element count");
        }
        return n;
    }

    public Layout layout() {
        return layout;
    }

    public long[] sourceShape() {
        return sourceShape.clone();
    }

    public DType sourceDtype() {
        return sourceDtype;
    }

    /** Bytes of the source tensor the writer consumes: its elements, row-major. */
    public long sourceBytes() {
        return sourceBytes;
    }

    /**
     * The shape the result describes, without padding: the permuted shape for dense, the
     * outer axes' sizes in target order for blocked, {@code [cols, rows]} for transposed, and
     * the matrix view {@code [rows, cols]} for the others (for panels with axes, rows is the
     * named row axis and cols the product of the rest; {@code [kernels, k, k]} for kpattern).
     */
    public long[] shape() {
        return shape.clone();
    }

    /** Element type of the values: the target dtype, or the source's; f32 for Q8_0/Q4_0 input. */
    public DType valueDtype() {
        return converter.to;
    }

    public List<PartSpec> parts() {
        return parts;
    }

    public PartSpec part(String name) {
        for (PartSpec p : parts) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("layout " + layout.spec() + " has no part '" + name + "'");
    }

    ValueConverter converter() {
        return converter;
    }

    PositionMap positions() {
        return positions;
    }

    long rows() {
        return rows;
    }

    long cols() {
        return cols;
    }
}
