package io.wpack.encoders.sparse;

import io.wpack.formats.WpkFormatException;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsrCodecTest extends AbstractSparseCodecTest {
    @Override
    protected Case newCase(int rows, int cols, int variant) {
        return new Case(new CsrCodec(rows, cols), rows, cols);
    }

    @Override
    protected CsrCodec fromParams(Map<String, String> params) throws WpkFormatException {
        return CsrCodec.fromParams(params);
    }

    /** Rows of different density (whole rows pruned with probability sparsity), as row-pruned layers are. */
    @Override
    protected byte[] structured(Case c, double sparsity, Random random) {
        byte[] data = new byte[c.size()];
        for (int r = 0; r < c.rows; r++) {
            if (random.nextDouble() < sparsity) {
                continue;
            }
            double keep = random.nextDouble();
            for (int j = 0; j < c.cols; j++) {
                if (random.nextDouble() < keep) {
                    data[r * c.cols + j] = nonZero(random);
                }
            }
        }
        return data;
    }

    @Override
    protected byte[] decodeStructure(Case c, byte[] encoded) throws WpkFormatException {
        byte[] dense = new byte[c.size()];
        int[] nextRow = {0};
        ((CsrCodec) c.codec).decodeTo(ByteBuffer.wrap(encoded), (row, cols, values, offset, count) -> {
            assertEquals(nextRow[0]++, row, "rows in order");
            for (int j = 0; j < count; j++) {
                assertTrue(j == 0 || cols[j] > cols[j - 1], "columns increase");
                assertTrue(values[offset + j] != 0, "values are non-zero");
                dense[row * c.cols + cols[j]] = values[offset + j];
            }
        });
        assertEquals(c.rows, nextRow[0], "every row visited");
        return dense;
    }
}
