package io.wpack.quantizer;

import io.wpack.formats.FloatBits;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FloatQuantizerTest {

    @Provide
    Arbitrary<TestTensors.Tensor> tensors() {
        return TestTensors.tensors(5, TestTensors.weights());
    }

    @Property(tries = 200)
    void reconstructionIsTheWideningOfTheNarrowedValue(@ForAll("tensors") TestTensors.Tensor t,
                                                       @ForAll FloatFormat format, @ForAll long maskSeed)
            throws Exception {
        boolean[] keep = IntegerQuantizerTest.randomMask(t.values().length, maskSeed);
        FloatQuantization q = FloatQuantizer.of(format).quantize(t.view(), keep);
        float[] back = q.dequantize();
        float[] again = FloatQuantizer.of(format).quantize(t.view(), keep).dequantize();
        for (int i = 0; i < back.length; i++) {
            float x = t.values()[i];
            if (!keep[i]) {
                assertEquals(0, Float.floatToRawIntBits(back[i]), "pruned is +0");
            } else {
                assertEquals(Float.floatToRawIntBits(format.widen(format.narrow(x))), Float.floatToRawIntBits(back[i]));
                if (x == 0) {
                    assertEquals(Float.floatToRawIntBits(x), Float.floatToRawIntBits(back[i]), "zero keeps its sign");
                }
            }
            assertTrue(Float.isFinite(back[i]));
            assertEquals(Float.floatToRawIntBits(back[i]), Float.floatToRawIntBits(again[i]));
        }
        assertEquals(format.bits(), q.bitsPerWeight());
    }

    @Test
    void codesAreTheStoredBitPatterns() throws Exception {
        WeightView v = WeightView.flat("w", new float[] {1f, -2f, 448f, 1e6f});
        FloatQuantization e4m3 = FloatQuantizer.of(FloatFormat.F8_E4M3).quantize(v);
        assertEquals(0x38, e4m3.code(0));
        assertEquals(0xC0, e4m3.code(1));
        assertEquals(0x7E, e4m3.code(2));
        assertEquals(0x7E, e4m3.code(3), "saturated");
        FloatQuantization half = FloatQuantizer.of(FloatFormat.F16).quantize(v);
        assertEquals(0x3C00, half.code(0));
        assertEquals(65504f, FloatBits.halfToFloat(half.code(3)));
        assertEquals(io.wpack.formats.proto.DType.F8_E4M3, FloatFormat.F8_E4M3.dtype());
    }
}
