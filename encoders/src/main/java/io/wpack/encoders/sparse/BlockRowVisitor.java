package io.wpack.encoders.sparse;

/**
 * Receives a BSR-decoded matrix one block row at a time, from {@link BsrCodec#decodeTo}: every
 * block row in order, empty ones included, as a runtime builds {@code indptr}, {@code indices}
 * and the block array.
 */
public interface BlockRowVisitor {
    /**
     * Block row {@code blockRow} (matrix rows {@code [R·blockRow, R·blockRow + R)}) has
     * {@code count} stored blocks, at block columns {@code blockCols[0, count)}, strictly
     * increasing; block j's R×C values, row-major, are {@code blocks[j·R·C, (j + 1)·R·C)}. Edge
     * blocks are padded with zeros where the matrix ends. The arrays belong to the decoder and
     * change after the call returns.
     */
    void blockRow(int blockRow, int[] blockCols, int count, byte[] blocks);
}
