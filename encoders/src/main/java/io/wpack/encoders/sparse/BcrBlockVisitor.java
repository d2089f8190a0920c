package io.wpack.encoders.sparse;

/**
 * Receives a BCR-decoded matrix block by block, from {@link BcrCodec#decodeTo}: every block that
 * keeps anything, in row-major block order, with its kept rows and columns, as GRIM's sparse
 * kernels consume it.
 */
public interface BcrBlockVisitor {
    /**
     * Block ({@code blockRow}, {@code blockCol}), covering matrix rows from R·blockRow and
     * columns from C·blockCol, keeps the rows at the set bits of {@code rowMask} and the columns
     * at the set bits of {@code colMask} (both non-zero); the values at their intersections,
     * row-major, are {@code values[valuesOffset, valuesOffset + bitCount(rowMask)·bitCount(colMask))}
     * and may be zero. Every other element of the block is zero. The array belongs to the
     * decoder and stays valid until the decode returns.
     */
    void block(int blockRow, int blockCol, int rowMask, int colMask, byte[] values, int valuesOffset);
}
