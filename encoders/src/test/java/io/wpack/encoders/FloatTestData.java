package io.wpack.encoders;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/** Float tensors as little-endian bytes, for the floatplanes tests. */
final class FloatTestData {
    private FloatTestData() {
    }

    static byte[] float32s(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    static byte[] bits32(int... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    static byte[] bits16(int... values) {
        ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putShort((short) v);
        }
        return b.array();
    }

    /** Gaussian weights of the given scale, as fp32 bits, a fraction of them exactly zero. */
    static int[] gaussianBits(int n, double scale, double zeroFraction, long seed) {
        Random random = new Random(seed);
        int[] bits = new int[n];
        for (int i = 0; i < n; i++) {
            bits[i] = random.nextDouble() < zeroFraction ? 0 : Float.floatToRawIntBits((float) (random.nextGaussian() * scale));
        }
        return bits;
    }
}
