package io.wpack.encoders.sparse;

import io.wpack.formats.WpkFormatException;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

class BcrCodecTest extends AbstractSparseCodecTest {
    private static final int[][] BLOCKS = {{4, 4}, {2, 3}, {16, 16}, {9, 1}};

    @Override
    protected Case newCase(int rows, int cols, int variant) {
        return new Case(new BcrCodec(rows, cols, BLOCKS[variant][0], BLOCKS[variant][1]), rows, cols);
    }

    @Override
    protected BcrCodec fromParams(Map<String, String> params) throws WpkFormatException {
        return BcrCodec.fromParams(params);
    }

    /** In each block, rows and columns each pruned with probability sparsity; their intersections non-zero. */
    @Override
    protected byte[] structured(Case c, double sparsity, Random random) {
        BcrCodec codec = (BcrCodec) c.codec;
        return rowColumnPruned(c.rows, c.cols, codec.blockRows(), codec.blockCols(), sparsity, random);
    }

    static byte[] rowColumnPruned(int rows, int cols, int r, int c, double sparsity, Random random) {
        byte[] data = new byte[rows * cols];
        for (int br = 0; br < rows; br += r) {
            for (int bc = 0; bc < cols; bc += c) {
                int rowMask = 0;
                int colMask = 0;
                for (int i = 0; i < r; i++) {
                    rowMask |= (random.nextDouble() < sparsity ? 0 : 1) << i;
                }
                for (int j = 0; j < c; j++) {
                    colMask |= (random.nextDouble() < sparsity ? 0 : 1) << j;
                }
                for (int i = br; i < Math.min(rows, br + r); i++) {
                    for (int j = bc; j < Math.min(cols, bc + c); j++) {
                        if ((rowMask >>> (i - br) & colMask >>> (j - bc) & 1) != 0) {
                            data[i * cols + j] = nonZero(random);
                        }
                    }
                }
            }
        }
        return data;
    }

    @Override
    protected byte[] decodeStructure(Case c, byte[] encoded) throws WpkFormatException {
        BcrCodec codec = (BcrCodec) c.codec;
        byte[] dense = new byte[c.size()];
        long[] previous = {-1};
        codec.decodeTo(ByteBuffer.wrap(encoded), (blockRow, blockCol, rowMask, colMask, values, offset) -> {
            long order = (long) blockRow * c.cols + blockCol;
            assertTrue(order > previous[0], "blocks in row-major order");
            previous[0] = order;
            assertTrue(rowMask != 0 && colMask != 0, "only blocks that keep something");
            int k = offset;
            for (int i = 0; i < codec.blockRows(); i++) {
                for (int j = 0; j < codec.blockCols(); j++) {
                    if ((rowMask >>> i & colMask >>> j & 1) != 0) {
                        dense[(blockRow * codec.blockRows() + i) * c.cols + blockCol * codec.blockCols() + j] = values[k++];
                    }
                }
            }
        });
        return dense;
    }
}
