package io.wpack.encoders.sparse;

import io.wpack.encoders.ByteCodec;
import io.wpack.formats.WpkFormatException;

import java.util.Map;

/**
 * What the block formats ({@link BsrCodec}, {@link BcrCodec}) share: a rows×cols matrix of
 * one-byte elements cut into R×C blocks, the last ones clipped at the edges, and the stage
 * parameters {@code rows}, {@code cols}, {@code blockRows}, {@code blockCols}, {@code width} = 1.
 */
abstract class BlockGridCodec implements ByteCodec {
    final String name;
    final int rows;
    final int cols;
    final int blockRows;
    final int blockCols;
    final int gridRows;
    final int gridCols;
    final int size;
    private final Map<String, String> params;

    /** @throws IllegalArgumentException for a dimension out of range or rows·cols over 2^31 - 1 */
    BlockGridCodec(String name, int maxBlock, int rows, int cols, int blockRows, int blockCols) {
        SparseParams.checkRange(name, SparseParams.ROWS, rows, 1, Integer.MAX_VALUE);
        SparseParams.checkRange(name, SparseParams.COLS, cols, 1, Integer.MAX_VALUE);
        SparseParams.checkRange(name, SparseParams.BLOCK_ROWS, blockRows, 1, maxBlock);
        SparseParams.checkRange(name, SparseParams.BLOCK_COLS, blockCols, 1, maxBlock);
        this.name = name;
        this.rows = rows;
        this.cols = cols;
        this.blockRows = blockRows;
        this.blockCols = blockCols;
        this.gridRows = (rows - 1) / blockRows + 1;
        this.gridCols = (cols - 1) / blockCols + 1;
        this.size = SparseParams.product(rows, cols);
        this.params = SparseParams.ordered(SparseParams.ROWS, rows, SparseParams.COLS, cols,
                SparseParams.BLOCK_ROWS, blockRows, SparseParams.BLOCK_COLS, blockCols, SparseParams.WIDTH, 1);
    }

    /** {rows, cols, blockRows, blockCols} from a manifest stage: exactly those keys and width = 1. */
    static int[] readParams(String name, int maxBlock, Map<String, String> params) throws WpkFormatException {
        int[] shape = SparseParams.matrix(name, params, SparseParams.BLOCK_ROWS, SparseParams.BLOCK_COLS);
        int r = SparseParams.intParam(name, params, SparseParams.BLOCK_ROWS, 1, maxBlock);
        int c = SparseParams.intParam(name, params, SparseParams.BLOCK_COLS, 1, maxBlock);
        return new int[] {shape[0], shape[1], r, c};
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public int blockRows() {
        return blockRows;
    }

    public int blockCols() {
        return blockCols;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Map<String, String> params() {
        return params;
    }

    int blockHeight(int br) {
        return Math.min(blockRows, rows - br * blockRows);
    }

    int blockWidth(int bc) {
        return Math.min(blockCols, cols - bc * blockCols);
    }
}
