package io.wpack.encoders;

import io.wpack.formats.WpkFormatException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HuffmanNonZeroCodecTest extends AbstractByteCodecTest {
    private final HuffmanNonZeroCodec codec = new HuffmanNonZeroCodec();

    @Override
    protected ByteCodec codec() {
        return codec;
    }

    /** int8 weights, Gaussian with the given spread, a fraction of them pruned to zero at random. */
    static byte[] sparseInt8(int n, double sparsity, double sigma, long seed) {
        Random random = new Random(seed);
        byte[] data = new byte[n];
        for (int i = 0; i < n; i++) {
            if (random.nextDouble() >= sparsity) {
                int v;
                do {
                    v = (int) Math.round(random.nextGaussian() * sigma);
                } while (v == 0 || v < -127 || v > 127);
                data[i] = (byte) v;
            }
        }
        return data;
    }

    @Test
    void beatsPlainHuffmanOnSparseInt8() throws IOException {
        for (double sparsity : new double[] {0.5, 0.8, 0.95}) {
            byte[] data = sparseInt8(1 << 20, sparsity, 20, 1);
            int plain = Codecs.HUFFMAN.encode(data, 0, data.length).length;
            int nz = encode(data).length;
            // Measured: 50% sparse: nz 1.3% larger; 80%: 12% smaller; 95%: 46% smaller.
            if (sparsity >= 0.8) {
                assertTrue(nz < plain, sparsity + ": huffman-nz " + nz + ", huffman " + plain);
            }
            assertRoundTrip(data);
        }
    }

    @Test
    void blockSparsityIsNearlyFree() throws IOException {
        // Whole rows of 64 pruned: the mask is mostly 00 and FF bytes.
        Random random = new Random(2);
        byte[] data = new byte[1 << 18];
        for (int row = 0; row < data.length / 64; row++) {
            if (random.nextInt(4) != 0) {
                continue;
            }
            for (int i = 0; i < 64; i++) {
                int v;
                do {
                    v = (int) Math.round(random.nextGaussian() * 20);
                } while (v == 0 || v < -127 || v > 127);
                data[row * 64 + i] = (byte) v;
            }
        }
        byte[] encoded = encode(data);
        assertTrue(encoded.length < Codecs.HUFFMAN.encode(data, 0, data.length).length * 0.7);
        assertRoundTrip(data);
    }

    @Test
    void exactBytesForTinyInputs() throws IOException {
        // One zero byte: the mask is the single byte 0b10 (element 0 zero, the end mark at bit
        // 1), a single-symbol section: w = 2, count = 3 (symbol 2), clCount = 0 -> 0x62 0x00,
        // then n = 1. The values: the empty table 00.
        assertArrayEquals(new byte[] {0x03, 0x62, 0x00, 0x01, 0x00}, encode(new byte[] {0}));
        // One byte 5: mask 0b11 (w = 3, count = 4 -> 0x83 0x00, n = 1); values: symbol 5 alone
        // (w = 3, count = 6 -> 0xC3 0x00), n = 1.
        assertArrayEquals(new byte[] {0x03, (byte) 0x83, 0x00, 0x01, (byte) 0xC3, 0x00, 0x01}, encode(new byte[] {5}));
        // No bytes: the mask is 0b1, symbol 1 alone (w = 2, count = 2 -> 0x42 0x00).
        assertArrayEquals(new byte[] {0x03, 0x42, 0x00, 0x01, 0x00}, encode(new byte[0]));
    }

    @Test
    void aZeroAmongTheValuesIsRejected() throws IOException {
        // A values section that holds a 0: build it from a mask for one non-zero element and the
        // values section of the byte {0}.
        byte[] one = encode(new byte[] {5});
        byte[] zeroValue = Codecs.HUFFMAN.encode(new byte[] {0}, 0, 1);
        byte[] stream = new byte[4 + zeroValue.length];
        System.arraycopy(one, 0, stream, 0, 4);
        System.arraycopy(zeroValue, 0, stream, 4, zeroValue.length);
        assertThrows(WpkFormatException.class, () -> codec.decode(ByteBuffer.wrap(stream), ByteBuffer.allocate(1)));
    }

    /** Prints sizes for the report: plain huffman vs huffman-nz on random-sparse int8. */
    public static void main(String[] args) throws IOException {
        for (double sparsity : new double[] {0.0, 0.5, 0.8, 0.9, 0.95}) {
            byte[] data = sparseInt8(1 << 22, sparsity, 20, 1);
            int plain = Codecs.HUFFMAN.encode(data, 0, data.length).length;
            int nz = Codecs.HUFFMAN_NZ.encode(data, 0, data.length).length;
            int xz = Codecs.XZ.encode(data, 0, data.length).length;
            System.out.printf("sparsity %.2f: huffman %.4f  huffman-nz %.4f  xz %.4f  (nz/plain %+.1f%%)%n", sparsity,
                    (double) plain / data.length, (double) nz / data.length, (double) xz / data.length,
                    100.0 * (nz - plain) / plain);
        }
    }
}
