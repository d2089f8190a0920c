package io.wpack.loader.layout;

import io.wpack.formats.DTypes;
import io.wpack.formats.proto.DType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The memory layout a kernel consumes a weight in. A value, parsed from the SPEC strings of
 * {@code wpack unpack --layout SPEC} by {@link #parse}; {@link #spec()} gives the canonical
 * string back. The grammar and each layout's exact bytes are documented in {@link LayoutSpec}
 * and on each record.
 *
 * <p>Layouts that hold values ({@link Dense}, {@link Transposed}, {@link Blocked},
 * {@link Panels}, {@link Csr}, {@link Bsr}, {@link NM}, {@link KernelPattern}, {@link Bcr}) may convert a float tensor to
 * {@code f32}, {@code f16} or {@code bf16}; without a dtype they keep the tensor's. The
 * GGUF block quantizations ({@link Q8_0}, {@link Q4_0}) take any float tensor.
 *
 * <p>"Matrix view": {@link Transposed}, {@link Panels}, {@link Csr}, {@link Bsr}, {@link NM}, {@link Bcr},
 * {@link Q8_0} and {@link Q4_0} see the tensor as a row-major matrix {@code [dim0, dim1*...]}
 * (for an OIHW conv weight that is {@code O x IHW}, the im2col GEMM view); a vector is one row
 * {@code [1, n]} and a scalar {@code [1, 1]}, as in scipy.
 */
public sealed interface Layout
        permits Layout.Dense, Layout.Transposed, Layout.Blocked, Layout.Panels, Layout.Csr, Layout.Bsr,
        Layout.NM, Layout.Q8_0, Layout.Q4_0, Layout.KernelPattern, Layout.Bcr {

    /** Largest block, panel or group size a SPEC may name; keeps all size arithmetic in range. */
    int MAX_BLOCK = 1 << 16;

    /** Parses a SPEC string; see {@link LayoutSpec} for the grammar. */
    static Layout parse(String spec) {
        return LayoutSpec.parse(spec);
    }

    /** The canonical SPEC string: {@code Layout.parse(l.spec()).equals(l)}. */
    String spec();

    /** The element type values are converted to, or null to keep the tensor's own. */
    DType valueDtype();

    /**
     * The tensor with its axes permuted, dense and row-major. {@code axes} names the target
     * order with the source's axis letters (see {@link SourceAxes}); empty keeps the source
     * order, so {@code dense:f16} is only a dtype conversion.
     */
    record Dense(String axes, DType dtype) implements Layout {
        public Dense {
            axes = LayoutSpec.checkAxes(axes == null ? "" : axes, "dense");
            LayoutSpec.checkValueDtype(dtype);
        }

        @Override
        public String spec() {
            return LayoutSpec.join("dense", axes.isEmpty() ? null : axes, dtype);
        }

        @Override
        public DType valueDtype() {
            return dtype;
        }
    }

    /**
     * The matrix view transposed: {@code [rows, cols]} becomes {@code [cols, rows]}, dense and
     * row-major (a rank-2 {@code OI} weight as {@code IO}).
     */
    record Transposed(DType dtype) implements Layout {
        public Transposed {
            LayoutSpec.checkValueDtype(dtype);
        }

        @Override
        public String spec() {
            return LayoutSpec.join("transposed", null, dtype);
        }

        @Override
        public DType valueDtype() {
            return dtype;
        }
    }

    /**
     * One dimension of a oneDNN-style blocked format: {@code block == 0} is an outer dimension
     * (the whole axis, or the number of blocks when the axis has inner blocks), {@code block > 0}
     * an inner block of that many elements of the axis. {@code axis} is upper case.
     */
    record BlockedDim(char axis, int block) {
        public BlockedDim {
            if (axis < 'A' || axis > 'Z') {
                throw new LayoutException("blocked: axis '" + axis + "' is not a letter");
            }
            if (block < 0 || block > MAX_BLOCK) {
                throw new LayoutException("blocked: block size " + block + " is out of range 1.." + MAX_BLOCK);
            }
        }
    }

    /**
     * A oneDNN-style blocked format such as {@code OIhw16i16o}: the outer dimensions in order,
     * then the inner blocks from outermost to innermost, all row-major. An axis with inner blocks
     * {@code b1..bk} (product {@code B}) is zero-padded to a multiple of {@code B}; its outer
     * dimension counts {@code ceil(dim / B)} blocks and coordinate {@code c} sits at outer index
     * {@code c / B} and inner index {@code (c / (b_{j+1}...b_k)) % b_j} in block {@code j}.
     * Several blocks of one axis ({@code OIhw4i16o4i}) are allowed, as in oneDNN.
     */
    record Blocked(List<BlockedDim> dims, DType dtype) implements Layout {
        public Blocked {
            dims = Collections.unmodifiableList(new ArrayList<>(dims));
            LayoutSpec.checkBlocked(dims);
            LayoutSpec.checkValueDtype(dtype);
        }

        /** The outer axes in order, upper case: {@code "OIHW"} for {@code OIhw16i16o}. */
        public String outerAxes() {
            StringBuilder sb = new StringBuilder();
            for (BlockedDim d : dims) {
                if (d.block() == 0) {
                    sb.append(d.axis());
                }
            }
            return sb.toString();
        }

        /** Product of the inner blocks of {@code axis}, 1 when it has none. */
        public int blockOf(char axis) {
            int b = 1;
            for (BlockedDim d : dims) {
                if (d.block() > 0 && d.axis() == axis) {
                    b *= d.block();
                }
            }
            return b;
        }

        /** The format in oneDNN notation: blocked outer axes upper case, the rest lower case. */
        public String format() {
            StringBuilder sb = new StringBuilder();
            for (BlockedDim d : dims) {
                if (d.block() == 0) {
                    char c = d.axis();
                    sb.append(hasInner(c) ? c : Character.toLowerCase(c));
                } else {
                    sb.append(d.block()).append(Character.toLowerCase(d.axis()));
                }
            }
            return sb.toString();
        }

        private boolean hasInner(char axis) {
            for (BlockedDim d : dims) {
                if (d.block() > 0 && d.axis() == axis) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String spec() {
            return LayoutSpec.join("blocked", format(), dtype);
        }

        @Override
        public DType valueDtype() {
            return dtype;
        }
    }

    /**
     * XNNPACK-style GEMM weight panels over the matrix view {@code [N, K]} (N output channels):
     * for each panel of {@code nr} consecutive rows, first {@code nr} bias slots when
     * {@code bias}, then for each step of {@code kr} columns the {@code nr} rows' {@code kr}
     * values, row after row. N is zero-padded to a multiple of nr and K to a multiple of kr:
     * element {@code (n, k)} is at
     * {@code (n / nr) * panel + bias + (k / kr) * nr * kr + (n % nr) * kr + k % kr} with
     * {@code panel = bias + roundUp(K, kr) * nr}. For power-of-two kr this is
     * {@code xnn_pack_f32_gemm_goi_w} with {@code sr = 1}. Bias slots hold the bias tensor named
     * in {@link LayoutOptions#biasTensor}, or zeros.
     *
     * <p>{@code axes}, when not empty, names the row axis first and then the K axes in the order
     * K is to run, e.g. {@code OHWI} for an OIHW weight whose kernel walks K as (h, w, i).
     */
    record Panels(String axes, int nr, int kr, boolean bias, DType dtype) implements Layout {
        public Panels {
            axes = LayoutSpec.checkAxes(axes == null ? "" : axes, "panels");
            LayoutSpec.checkRange(nr, 1, MAX_BLOCK, "panels: nr");
            LayoutSpec.checkRange(kr, 1, MAX_BLOCK, "panels: kr");
            LayoutSpec.checkValueDtype(dtype);
        }

        @Override
        public String spec() {
            StringBuilder sb = new StringBuilder("panels");
            if (!axes.isEmpty()) {
                sb.append(':').append(axes);
            }
            sb.append(":nr").append(nr).append(":kr").append(kr);
            if (bias) {
                sb.append(":bias");
            }
            return LayoutSpec.join(sb.toString(), null, dtype);
        }

        @Override
        public DType valueDtype() {
            return dtype;
        }
    }

    /**
     * Compressed sparse rows of the matrix view, as scipy's {@code csr_matrix}: parts
     * {@code data} (the non-zeros, row by row, columns ascending), {@code indices} (i32 column
     * of each) and {@code indptr} (i32, rows + 1 entries, {@code indptr[r]..indptr[r+1]} are
     * row r's). A value is stored when it is non-zero in the target dtype; {@code -0.0} counts
     * as zero.
     */
    record Csr(DType dtype) implements Layout {
        public Csr {
            LayoutSpec.checkValueDtype(dtype);
        }

        @Override
        public String spec() {
            return LayoutSpec.join("csr", null, dtype);
        }

        @Override
        public DType valueDtype() {
            return dtype;
        }
    }

    /**
     * Block sparse rows of the matrix view, as scipy's {@code bsr_matrix} and TVM's sparse
     * dense: {@code data} is {@code [nblocks, R, C]}, {@code indices} (i32) the block column of
     * each block, {@code indptr} (i32) over block rows. The matrix is zero-padded to multiples of
     * R and C (scipy requires that the shape divides); a block is stored when any of its values
     * is non-zero in the target dtype.
     */
    record Bsr(int blockRows, int blockCols, DType dtype) implements Layout {
        public Bsr {
            LayoutSpec.checkRange(blockRows, 1, MAX_BLOCK, "bsr: block rows");
            LayoutSpec.checkRange(blockCols, 1, MAX_BLOCK, "bsr: block columns");
            LayoutSpec.checkValueDtype(dtype);
        }

        @Override
        public String spec() {
            return LayoutSpec.join("bsr:" + blockRows + "x" + blockCols, null, dtype);
        }

        @Override
        public DType valueDtype() {
            return dtype;
        }
    }

    /**
     * N:M structured sparsity along the rows of the matrix view (2:4 is what sparse tensor
     * cores run). Each row is zero-padded to a multiple of M and cut into groups of M; every
     * group keeps exactly N values, so the parts have fixed sizes:
     * <ul>
     *   <li>{@code values} {@code [rows, groups * N]}: each group's kept values, by position;</li>
     *   <li>{@code metadata} u8 {@code [rows, ceil(groups * N * b / 8)]} with
     *       {@code b = ceil(log2 M)} bits per kept value (2 for 2:4): the position (0..M-1) of
     *       the row's j-th kept value is bits {@code [j*b, j*b + b)} of the row's metadata,
     *       bit i being bit {@code i % 8} (LSB first) of byte {@code i / 8}. For 2:4 one byte
     *       holds two groups, {@code idx0 | idx1 << 2 | idx2 << 4 | idx3 << 6}, the first group
     *       in the low nibble; each row starts on a byte boundary. This is row-major order, not
     *       the tensor-core fragment order cuSPARSELt and CUTLASS reorder it into.</li>
     * </ul>
     * Positions within a group ascend. A group with fewer than N non-zeros is filled with its
     * lowest unused positions (whose values are zero). A group with more than N non-zeros
     * (in the target dtype) is a {@link LayoutException}: the loader does not prune.
     */
    record NM(int n, int m, DType dtype) implements Layout {
        public NM {
            LayoutSpec.checkRange(m, 2, 256, "nm: M");
            LayoutSpec.checkRange(n, 1, m, "nm: N");
            LayoutSpec.checkValueDtype(dtype);
        }

        /** Bits per position in the metadata: {@code ceil(log2 M)}. */
        public int indexBits() {
            return 32 - Integer.numberOfLeadingZeros(m - 1);
        }

        @Override
        public String spec() {
            return LayoutSpec.join("nm:" + n + ":" + m, null, dtype);
        }

        @Override
        public DType valueDtype() {
            return dtype;
        }
    }

    /**
     * GGUF/ggml {@code Q8_0} blocks along the rows of the matrix view: each row zero-padded to
     * a multiple of 32, each block of 32 stored as {@code block_q8_0 { ggml_half d; int8_t
     * qs[32]; }} (34 bytes, little-endian), computed exactly as ggml's
     * {@code quantize_row_q8_0_ref}; see {@link GgmlQuants#quantizeQ8_0}. Part {@code blocks} is
     * u8 {@code [rows, blocksPerRow * 34]}: with a row length that is a multiple of 32 these
     * are the bytes of a GGUF Q8_0 tensor with {@code ne0 = cols}.
     */
    record Q8_0() implements Layout {
        @Override
        public String spec() {
            return "q8_0";
        }

        @Override
        public DType valueDtype() {
            return null;
        }
    }

    /**
     * GGUF/ggml {@code Q4_0} blocks along the rows of the matrix view, padded as {@link Q8_0}:
     * {@code block_q4_0 { ggml_half d; uint8_t qs[16]; }} (18 bytes), computed exactly as
     * ggml's {@code quantize_row_q4_0_ref}; see {@link GgmlQuants#quantizeQ4_0}. Part
     * {@code blocks} is u8 {@code [rows, blocksPerRow * 18]}.
     */
    record Q4_0() implements Layout {
        @Override
        public String spec() {
            return "q4_0";
        }

        @Override
        public DType valueDtype() {
            return null;
        }
    }

    /**
     * PatDNN's kernel-pattern form of a conv weight whose last two axes are a k×k kernel
     * (OIHW with H = W = k, 1 &lt;= k &lt;= 8): the kernels are the k·k consecutive elements,
     * {@code kernels} = the product of the other axes. A kernel's pattern is the set of its
     * positions that are non-zero in the target dtype ({@code -0.0} counts as zero). Parts:
     * <ul>
     *   <li>{@code library} u8 {@code [patterns, k·k]}: row p is pattern p as 0/1 per kernel
     *       position, row-major; the distinct non-empty patterns in order of first use;</li>
     *   <li>{@code pattern_ids} i32 {@code [kernels]}: each kernel's pattern, or {@code -1} for a
     *       kernel that is all zero (removed by connectivity pruning);</li>
     *   <li>{@code values} {@code [nnz]}: kernel by kernel, the values at its pattern's positions
     *       in increasing position.</li>
     * </ul>
     * When the tensor is stored with the {@code kpattern} codec of the same k, the parts come
     * from the codec's patterns without a dense copy; otherwise they are built from the dense
     * decode, one kernel at a time. Either way the bytes are the same.
     */
    record KernelPattern(DType dtype) implements Layout {
        /** Largest kernel side: masks of k·k bits fit a long, as in the codec. */
        public static final int MAX_K = 8;

        public KernelPattern {
            LayoutSpec.checkValueDtype(dtype);
        }

        @Override
        public String spec() {
            return LayoutSpec.join("kpattern", null, dtype);
        }

        @Override
        public DType valueDtype() {
            return dtype;
        }
    }

    /**
     * GRIM's block column-row (BCR) form of the matrix view, cut into R×C blocks (R, C 1..16;
     * the grid is {@code ceil(rows / R) x ceil(cols / C)}, blocks at the bottom and right edges
     * are cut short by the matrix). Each block keeps exactly its rows and its columns that hold a
     * value non-zero in the target dtype ({@code -0.0} counts as zero); parts:
     * <ul>
     *   <li>{@code row_masks} u16 {@code [gridRows, gridCols]}: bit i set when row i of the
     *       block is kept (0: the block is empty);</li>
     *   <li>{@code col_masks} u16 {@code [gridRows, gridCols]}: bit j set when column j is kept
     *       (0 for an empty block);</li>
     *   <li>{@code offsets} i32 {@code [gridRows·gridCols + 1]}: block b's values are
     *       {@code values[offsets[b], offsets[b+1])};</li>
     *   <li>{@code values} {@code [nnz]}: per block, the values at kept rows × kept columns,
     *       row-major (they may be zero where a kept row meets a kept column).</li>
     * </ul>
     * No bit is set at or past the matrix edge, so there is no padding. From a tensor stored
     * with the {@code bcr} codec of the same view and block, the parts come from the codec's
     * blocks without a dense copy; otherwise from the dense decode, one block row at a time.
     */
    record Bcr(int blockRows, int blockCols, DType dtype) implements Layout {
        /** Largest block side: masks are u16, as in the codec. */
        public static final int MAX_BLOCK = 16;

        public Bcr {
            LayoutSpec.checkRange(blockRows, 1, MAX_BLOCK, "bcr: block rows");
            LayoutSpec.checkRange(blockCols, 1, MAX_BLOCK, "bcr: block columns");
            LayoutSpec.checkValueDtype(dtype);
        }

        @Override
        public String spec() {
            return LayoutSpec.join("bcr:" + blockRows + "x" + blockCols, null, dtype);
        }

        @Override
        public DType valueDtype() {
            return dtype;
        }
    }

    /** Lower-case dtype name as used in SPEC strings. */
    static String dtypeName(DType d) {
        return DTypes.displayName(d).toLowerCase(Locale.ROOT);
    }
}
