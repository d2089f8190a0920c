package io.wpack.quantizer;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class QuantizationErrorTest {

    @Test
    void measuresSqnrMaxErrorAndSparsity() {
        float[] x = {1f, -1f, 2f, 0f};
        float[] y = {1f, -0.5f, 2f, 0f};
        QuantizationError e = QuantizationError.measure(x, y, 4.5);
        assertEquals(10 * Math.log10(6 / 0.25), e.sqnrDb(), 1e-12);
        assertEquals(0.5, e.maxAbsError());
        assertEquals(0.25, e.sparsity());
        assertEquals(0.25 / 4, e.meanSquaredError());
        assertEquals(4.5, e.bitsPerWeight());
    }

    @Test
    void exactIsInfiniteAndEmptyIsHarmless() {
        assertEquals(Double.POSITIVE_INFINITY, QuantizationError.measure(new float[] {3f, -0f}, new float[] {3f, 0f}, 8).sqnrDb());
        assertEquals(0.5, QuantizationError.measure(new float[] {3f, -0f}, new float[] {3f, 0f}, 8).sparsity());
        assertEquals(Double.NEGATIVE_INFINITY, QuantizationError.measure(new float[] {0f}, new float[] {1f}, 8).sqnrDb());
        QuantizationError empty = QuantizationError.measure(new float[0], new float[0], 0);
        assertEquals(0, empty.sparsity());
        assertEquals(Double.POSITIVE_INFINITY, empty.sqnrDb());
    }
}
