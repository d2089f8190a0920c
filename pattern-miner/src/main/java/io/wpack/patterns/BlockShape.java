package io.wpack.patterns;

/**
 * A block of consecutive quantized weights: {@code 1×B} along the reduction axis, {@code 2×2}
 * over the reduction axis and the innermost other axis, or a whole {@code kh×kw} convolution
 * kernel. Blocks tile the tensor aligned to their extents; elements that do not fill a whole
 * block are left out of the counts.
 */
public record BlockShape(Kind kind, int rows, int cols) {
    public enum Kind {
        ROW,
        SQUARE,
        KERNEL
    }

    public static final BlockShape ROW_2 = row(2);
    public static final BlockShape ROW_4 = row(4);
    public static final BlockShape ROW_8 = row(8);
    public static final BlockShape SQUARE_2X2 = new BlockShape(Kind.SQUARE, 2, 2);

    public BlockShape {
        if (kind == null || rows < 1 || cols < 1 || (long) rows * cols > 64) {
            throw new IllegalArgumentException("block " + kind + " " + rows + "x" + cols);
        }
    }

    public static BlockShape row(int length) {
        return new BlockShape(Kind.ROW, 1, length);
    }

    public static BlockShape kernel(int kh, int kw) {
        return new BlockShape(Kind.KERNEL, kh, kw);
    }

    public int elements() {
        return rows * cols;
    }

    /** {@code 1x4}, {@code 2x2}, {@code k3x3}. */
    public String label() {
        return (kind == Kind.KERNEL ? "k" : "") + rows + "x" + cols;
    }

    @Override
    public String toString() {
        return label();
    }
}
