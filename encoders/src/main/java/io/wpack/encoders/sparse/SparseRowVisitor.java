package io.wpack.encoders.sparse;

/**
 * Receives a CSR-decoded matrix row by row, from {@link CsrCodec#decodeTo}: every row in order,
 * empty ones included, so a runtime can build {@code indptr}, {@code indices} and {@code values}
 * as it goes.
 */
public interface SparseRowVisitor {
    /**
     * Row {@code row}'s non-zero elements: columns {@code cols[0, count)}, strictly increasing,
     * and their values {@code values[valuesOffset, valuesOffset + count)}, never 0. The arrays
     * belong to the decoder and change after the call returns; copy what you keep.
     */
    void row(int row, int[] cols, byte[] values, int valuesOffset, int count);
}
