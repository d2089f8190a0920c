package io.wpack.encoders.sparse;

import io.wpack.encoders.ByteCodec;
import io.wpack.encoders.RowHuffmanCodec;
import io.wpack.formats.WpkFormatException;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Random;

/**
 * The shape codecs' suite (random shapes, edge shapes, wrong sizes, parameters, corruption) run
 * on huffman-rows, which has a shape but no structural decode: the dense decode stands in for it.
 */
class RowHuffmanShapesTest extends AbstractSparseCodecTest {
    @Override
    protected Case newCase(int rows, int cols, int variant) {
        return new Case(new RowHuffmanCodec(rows, cols), rows, cols);
    }

    @Override
    protected ByteCodec fromParams(Map<String, String> params) throws WpkFormatException {
        return RowHuffmanCodec.fromParams(params);
    }

    /** Whole rows zero with probability sparsity; the others Laplace-distributed with a width per group of 8 rows. */
    @Override
    protected byte[] structured(Case c, double sparsity, Random random) {
        byte[] data = new byte[c.size()];
        double width = 1;
        for (int r = 0; r < c.rows; r++) {
            if (r % 8 == 0) {
                width = 0.5 + 40 * random.nextDouble();
            }
            if (random.nextDouble() < sparsity) {
                continue;
            }
            for (int j = 0; j < c.cols; j++) {
                data[r * c.cols + j] = laplace(random, width);
            }
        }
        return data;
    }

    static byte laplace(Random random, double width) {
        double u = random.nextDouble() - 0.5;
        double v = -width * Math.signum(u) * Math.log(1 - 2 * Math.abs(u));
        return (byte) Math.max(-127, Math.min(127, Math.round(v)));
    }

    @Override
    protected byte[] decodeStructure(Case c, byte[] encoded) throws WpkFormatException {
        byte[] out = new byte[c.size()];
        c.codec.decode(ByteBuffer.wrap(encoded), ByteBuffer.wrap(out));
        return out;
    }
}
