package io.wpack.encoders.sparse;

import io.wpack.formats.WpkFormatException;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NmCodecTest extends AbstractSparseCodecTest {
    private static final int[][] PATTERNS = {{2, 4}, {1, 3}, {4, 16}, {5, 8}};

    @Override
    protected Case newCase(int rows, int cols, int variant) {
        return new Case(new NmCodec(rows, cols, PATTERNS[variant][0], PATTERNS[variant][1]), rows, cols);
    }

    @Override
    protected NmCodec fromParams(Map<String, String> params) throws WpkFormatException {
        return NmCodec.fromParams(params);
    }

    /** Each group keeps N random positions, each non-zero with probability 1 - sparsity. */
    @Override
    protected byte[] structured(Case c, double sparsity, Random random) {
        NmCodec codec = (NmCodec) c.codec;
        return nmPruned(c.rows, c.cols, codec.n(), codec.m(), sparsity, random);
    }

    static byte[] nmPruned(int rows, int cols, int n, int m, double sparsity, Random random) {
        byte[] data = new byte[rows * cols];
        int[] positions = new int[m];
        for (int r = 0; r < rows; r++) {
            for (int start = 0; start < cols; start += m) {
                int length = Math.min(m, cols - start);
                for (int j = 0; j < length; j++) {
                    positions[j] = j;
                }
                for (int j = 0; j < Math.min(n, length); j++) {
                    int pick = j + random.nextInt(length - j);
                    int p = positions[pick];
                    positions[pick] = positions[j];
                    positions[j] = p;
                    if (random.nextDouble() >= sparsity) {
                        data[r * cols + start + p] = nonZero(random);
                    }
                }
            }
        }
        return data;
    }

    @Override
    protected byte[] decodeStructure(Case c, byte[] encoded) throws WpkFormatException {
        NmCodec codec = (NmCodec) c.codec;
        byte[] dense = new byte[c.size()];
        int[] next = {0};
        codec.decodeTo(ByteBuffer.wrap(encoded), (row, masks, groups, values, offset) -> {
            assertEquals(next[0]++, row, "rows in order");
            assertEquals((c.cols - 1) / codec.m() + 1, groups);
            int k = offset;
            for (int g = 0; g < groups; g++) {
                int length = Math.min(codec.m(), c.cols - g * codec.m());
                assertTrue(masks[g] >>> length == 0, "mask inside the group");
                for (int j = 0; j < length; j++) {
                    if ((masks[g] >>> j & 1) != 0) {
                        dense[row * c.cols + g * codec.m() + j] = values[k++];
                    }
                }
            }
        });
        assertEquals(c.rows, next[0], "every row visited");
        return dense;
    }
}
