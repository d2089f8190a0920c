package io.wpack.encoders.sparse;

import io.wpack.formats.WpkFormatException;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BsrCodecTest extends AbstractSparseCodecTest {
    private static final int[][] BLOCKS = {{4, 4}, {2, 3}, {1, 8}, {5, 1}};

    @Override
    protected Case newCase(int rows, int cols, int variant) {
        return new Case(new BsrCodec(rows, cols, BLOCKS[variant][0], BLOCKS[variant][1]), rows, cols);
    }

    @Override
    protected BsrCodec fromParams(Map<String, String> params) throws WpkFormatException {
        return BsrCodec.fromParams(params);
    }

    /** Whole R×C blocks pruned with probability sparsity, the others dense. */
    @Override
    protected byte[] structured(Case c, double sparsity, Random random) {
        return blockPruned(c.rows, c.cols, ((BsrCodec) c.codec).blockRows(), ((BsrCodec) c.codec).blockCols(),
                sparsity, random);
    }

    static byte[] blockPruned(int rows, int cols, int r, int c, double sparsity, Random random) {
        byte[] data = new byte[rows * cols];
        for (int br = 0; br < rows; br += r) {
            for (int bc = 0; bc < cols; bc += c) {
                if (random.nextDouble() < sparsity) {
                    continue;
                }
                for (int i = br; i < Math.min(rows, br + r); i++) {
                    for (int j = bc; j < Math.min(cols, bc + c); j++) {
                        data[i * cols + j] = nonZero(random);
                    }
                }
            }
        }
        return data;
    }

    @Override
    protected byte[] decodeStructure(Case c, byte[] encoded) throws WpkFormatException {
        BsrCodec codec = (BsrCodec) c.codec;
        int r = codec.blockRows();
        int bcols = codec.blockCols();
        byte[] dense = new byte[c.size()];
        int[] next = {0};
        codec.decodeTo(ByteBuffer.wrap(encoded), (blockRow, blockCols, count, blocks) -> {
            assertEquals(next[0]++, blockRow, "block rows in order");
            for (int j = 0; j < count; j++) {
                assertTrue(j == 0 || blockCols[j] > blockCols[j - 1], "block columns increase");
                for (int i = 0; i < r; i++) {
                    for (int x = 0; x < bcols; x++) {
                        int row = blockRow * r + i;
                        int col = blockCols[j] * bcols + x;
                        byte v = blocks[j * r * bcols + i * bcols + x];
                        if (row >= c.rows || col >= c.cols) {
                            assertEquals(0, v, "padding is zero");
                        } else {
                            dense[row * c.cols + col] = v;
                        }
                    }
                }
            }
        });
        assertEquals((c.rows - 1) / r + 1, next[0], "every block row visited");
        return dense;
    }
}
