package io.wpack.benchmarks;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ByteEntropyTest {
    @Test
    void uniformBytesNeedEightBitsEach() {
        long[] h = new long[256];
        java.util.Arrays.fill(h, 10);
        assertEquals(2560 * 8.0, ByteEntropy.bits(h), 1e-6);
    }

    @Test
    void oneValueNeedsNothingAndTwoEqualValuesOneBitEach() {
        long[] one = new long[256];
        one[7] = 1000;
        assertEquals(0, ByteEntropy.bits(one), 1e-9);
        long[] two = new long[256];
        two[0] = 500;
        two[255] = 500;
        assertEquals(1000, ByteEntropy.bits(two), 1e-6);
        assertEquals(0, ByteEntropy.bits(new long[256]), 0);
    }
}
