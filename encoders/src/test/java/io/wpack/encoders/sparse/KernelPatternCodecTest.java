package io.wpack.encoders.sparse;

import io.wpack.formats.WpkFormatException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelPatternCodecTest extends AbstractSparseCodecTest {
    private static final int[] SIDES = {3, 1, 5, 8};

    /** About rows·cols elements, as kernels of k×k; the view is kernels × k·k. */
    @Override
    protected Case newCase(int rows, int cols, int variant) {
        int k = SIDES[variant];
        int kernels = Math.max(1, rows * cols / (k * k));
        return new Case(new KernelPatternCodec(kernels, k), kernels, k * k);
    }

    @Override
    protected KernelPatternCodec fromParams(Map<String, String> params) throws WpkFormatException {
        return KernelPatternCodec.fromParams(params);
    }

    /** Kernels removed with probability sparsity, the others one of 8 random masks of about half the kernel. */
    @Override
    protected byte[] structured(Case c, double sparsity, Random random) {
        return patternPruned(c.rows, ((KernelPatternCodec) c.codec).k(), 8, sparsity, random);
    }

    static byte[] patternPruned(int kernels, int k, int patterns, double sparsity, Random random) {
        int area = k * k;
        long[] library = new long[patterns];
        for (int p = 0; p < patterns; p++) {
            for (int j = 0; j < area; j++) {
                library[p] |= (random.nextInt(9) < 4 ? 1L : 0L) << j;
            }
        }
        byte[] data = new byte[kernels * area];
        for (int kernel = 0; kernel < kernels; kernel++) {
            if (random.nextDouble() < sparsity) {
                continue;
            }
            long mask = library[random.nextInt(patterns)];
            for (int j = 0; j < area; j++) {
                if ((mask >>> j & 1) != 0) {
                    data[kernel * area + j] = nonZero(random);
                }
            }
        }
        return data;
    }

    @Override
    protected byte[] decodeStructure(Case c, byte[] encoded) throws WpkFormatException {
        KernelPatternCodec codec = (KernelPatternCodec) c.codec;
        int area = codec.k() * codec.k();
        byte[] dense = new byte[c.size()];
        long[][] library = {null};
        int[] next = {0};
        codec.decodeTo(ByteBuffer.wrap(encoded), new KernelPatternVisitor() {
            @Override
            public void library(long[] masks, int count) {
                library[0] = java.util.Arrays.copyOf(masks, count);
            }

            @Override
            public void kernel(int kernel, int pattern, byte[] values, int offset) {
                assertEquals(next[0]++, kernel, "kernels in order");
                int k = offset;
                for (int j = 0; j < area; j++) {
                    if ((library[0][pattern] >>> j & 1) != 0) {
                        dense[kernel * area + j] = values[k++];
                    }
                }
            }
        });
        assertEquals(codec.kernels(), next[0], "every kernel visited");
        return dense;
    }

    @Test
    void moreDistinctMasksThanTheLibraryHolds() throws Exception {
        Random random = new Random(11);
        KernelPatternCodec codec = new KernelPatternCodec(70_000, 5);
        byte[] data = sparse(70_000 * 25, 0.5, random);
        byte[] encoded = codec.encode(data, 0, data.length);
        assertArrayEquals(data, decode(codec, encoded, data.length, false, false));
        int[] patterns = {0};
        boolean[] sawFull = {false};
        codec.decodeTo(ByteBuffer.wrap(encoded), new KernelPatternVisitor() {
            @Override
            public void library(long[] masks, int count) {
                patterns[0] = count;
            }

            @Override
            public void kernel(int kernel, int pattern, byte[] values, int offset) {
                sawFull[0] |= pattern == patterns[0] - 1;
            }
        });
        assertEquals(KernelPatternCodec.MAX_PATTERNS, patterns[0]);
        assertTrue(sawFull[0], "kernels outside the library use the full mask, the last pattern");
    }

    @Test
    void eightByEightKernelsUseAllSixtyFourBits() throws Exception {
        KernelPatternCodec codec = new KernelPatternCodec(50, 8);
        byte[] data = new byte[50 * 64];
        new Random(12).nextBytes(data);
        data[63] = 5;
        assertRoundTrip(new Case(codec, 50, 64), data);
    }
}
