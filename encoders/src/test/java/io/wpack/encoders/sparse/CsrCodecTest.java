package io.wpack.encoders.sparse;

import io.wpack.formats.WpkFormatException;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

    /**
     * Exact bytes of two tiny streams, each section a single-symbol Huffman section: table
     * (w:5, count:w, clCount:5 = 0, LSB-first) then the symbol count. An empty section is 00.
     */
    @Test
    void tinyStreamsAreExact() throws Exception {
        // 2x3 zeros: counts [0, 0] = 03 | 21 00 02; gaps: empty = 01 | 00; values: empty = 00.
        assertArrayEquals(new byte[] {0x03, 0x21, 0x00, 0x02, 0x01, 0x00, 0x00},
                new CsrCodec(2, 3).encode(new byte[6], 0, 6));
        // [0 0 9]: counts [1] = 03 | 42 00 01; gaps [2] = 03 | 62 00 01; values [9] = 44 01 01.
        byte[] encoded = {0x03, 0x42, 0x00, 0x01, 0x03, 0x62, 0x00, 0x01, 0x44, 0x01, 0x01};
        assertArrayEquals(encoded, new CsrCodec(1, 3).encode(new byte[] {0, 0, 9}, 0, 3));
        assertArrayEquals(new byte[] {0, 0, 9}, decode(new CsrCodec(1, 3), encoded, 3, false, false));
        // A gap of 3 puts the value past the row.
        encoded[5] = 0x72;
        assertThrows(WpkFormatException.class, () -> new CsrCodec(1, 3).decode(ByteBuffer.wrap(encoded),
                ByteBuffer.allocate(3)));
    }
}
