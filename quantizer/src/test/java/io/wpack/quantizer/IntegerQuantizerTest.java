package io.wpack.quantizer;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IntegerQuantizerTest {

    /** A scheme, drawn from every option. */
    record Scheme(int bits, boolean symmetric, boolean signed, Granularity granularity, int groupSize, boolean half) {
        IntegerQuantizer quantizer() {
            IntegerQuantizer.Builder b = IntegerQuantizer.builder().bits(bits).signed(signed).halfScales(half);
            b = symmetric ? b.symmetric() : b.affine();
            switch (granularity) {
                case PER_TENSOR:
                    return b.perTensor().build();
                case PER_CHANNEL:
                    return b.perChannel().build();
                default:
                    return b.perGroup(groupSize).build();
            }
        }
    }

    @Provide
    Arbitrary<Scheme> schemes() {
        return Combinators.combine(Arbitraries.integers().between(2, 8), Arbitraries.of(true, false),
                Arbitraries.of(true, false), Arbitraries.of(Granularity.class), Arbitraries.integers().between(1, 5),
                Arbitraries.of(true, false)).as(Scheme::new);
    }

    @Provide
    Arbitrary<TestTensors.Tensor> tensors() {
        return TestTensors.tensors(5, TestTensors.weights());
    }

    @Provide
    Arbitrary<TestTensors.Tensor> extremeTensors() {
        return TestTensors.tensors(4, TestTensors.wideRange());
    }

    @Property(tries = 300)
    void everyElementIsWithinHalfAStep(@ForAll("tensors") TestTensors.Tensor t, @ForAll("schemes") Scheme scheme)
            throws Exception {
        checkWithinHalfAStep(t, scheme);
    }

    /** Subnormals, huge values, ranges spanning both. */
    @Property(tries = 200)
    void extremeValuesAreWithinHalfAStepToo(@ForAll("extremeTensors") TestTensors.Tensor t,
                                            @ForAll("schemes") Scheme scheme) throws Exception {
        checkWithinHalfAStep(t, scheme);
    }

    private static void checkWithinHalfAStep(TestTensors.Tensor t, Scheme scheme) throws Exception {
        IntegerQuantization q = scheme.quantizer().quantize(t.view());
        float[] back = q.dequantize();
        for (int i = 0; i < back.length; i++) {
            float x = t.values()[i];
            float scale = q.scales()[q.parameterIndex(i)];
            assertTrue(scale > 0 && Float.isFinite(scale));
            assertTrue(Float.isFinite(back[i]));
            double error = Math.abs((double) x - back[i]);
            // Half a step, plus float32 rounding of the product and of the scale itself.
            double bound = scale * (0.5 + 1e-4) + Math.ulp(Math.abs(x));
            assertTrue(error <= bound, "element " + i + ": " + x + " -> " + back[i] + ", scale " + scale);
        }
    }

    /** Half scales are binary16 values at most 2^-10 above the binary32 scale, or the tensor keeps binary32. */
    @Property(tries = 200)
    void halfScalesRoundUpOrFallBack(@ForAll("extremeTensors") TestTensors.Tensor t, @ForAll("schemes") Scheme scheme)
            throws Exception {
        Scheme full = new Scheme(scheme.bits(), scheme.symmetric(), scheme.signed(), scheme.granularity(),
                scheme.groupSize(), false);
        Scheme half = new Scheme(scheme.bits(), scheme.symmetric(), scheme.signed(), scheme.granularity(),
                scheme.groupSize(), true);
        float[] f32 = full.quantizer().quantize(t.view()).scales();
        IntegerQuantization q = half.quantizer().quantize(t.view());
        float[] f16 = q.scales();
        for (int p = 0; p < f32.length; p++) {
            if (q.halfScales()) {
                assertEquals(f16[p], io.wpack.formats.FloatBits.halfToFloat(io.wpack.formats.FloatBits.floatToHalf(f16[p])),
                        "scale " + p + " is a binary16 value");
                assertTrue(f16[p] >= f32[p] && f16[p] <= f32[p] * (1 + 1.0 / 1024), f32[p] + " -> " + f16[p]);
            } else {
                assertEquals(f32[p], f16[p]);
            }
        }
    }

    @Property(tries = 200)
    void codesAndZeroPointsStayInRange(@ForAll("tensors") TestTensors.Tensor t, @ForAll("schemes") Scheme scheme)
            throws Exception {
        IntegerQuantization q = scheme.quantizer().quantize(t.view());
        for (int i = 0; i < q.size(); i++) {
            assertTrue(q.code(i) >= q.minCode() && q.code(i) <= q.maxCode());
        }
        for (int z : q.zeroPoints()) {
            assertTrue(z >= q.minCode() && z <= q.maxCode());
            if (scheme.symmetric()) {
                assertEquals(scheme.signed() ? 0 : 1 << (scheme.bits() - 1), z);
            }
        }
        // Symmetric gives up one code so that the range is balanced around the zero point.
        int codes = (1 << scheme.bits()) - (scheme.symmetric() ? 1 : 0);
        assertEquals(codes, q.maxCode() - q.minCode() + 1);
    }

    @Property(tries = 200)
    void zerosAndPrunedElementsReconstructToExactlyZero(@ForAll("tensors") TestTensors.Tensor t,
                                                        @ForAll("schemes") Scheme scheme,
                                                        @ForAll long maskSeed) throws Exception {
        boolean[] keep = randomMask(t.values().length, maskSeed);
        float[] back = scheme.quantizer().quantize(t.view(), keep).dequantize();
        for (int i = 0; i < back.length; i++) {
            if (t.values()[i] == 0 || !keep[i]) {
                assertEquals(0, Float.floatToRawIntBits(back[i]), "element " + i + " is +0");
            }
        }
    }

    /**
     * Same input, same bits, twice; and the reconstruction equals the documented formula,
     * evaluated here with the parameter index worked out from coordinates.
     */
    @Property(tries = 200)
    void reconstructionIsTheDocumentedFormulaAndReproducible(@ForAll("tensors") TestTensors.Tensor t,
                                                            @ForAll("schemes") Scheme scheme) throws Exception {
        IntegerQuantization a = scheme.quantizer().quantize(t.view());
        IntegerQuantization b = scheme.quantizer().quantize(t.view());
        assertArrayEquals(a.codes(), b.codes());
        assertArrayEquals(a.scales(), b.scales());
        assertArrayEquals(a.zeroPoints(), b.zeroPoints());
        float[] first = a.dequantize();
        float[] second = b.dequantize();
        int[] shape = t.shape();
        for (int i = 0; i < first.length; i++) {
            assertEquals(Float.floatToRawIntBits(first[i]), Float.floatToRawIntBits(second[i]));
            int p = parameterFromCoordinates(shape, t.axes(), scheme, i);
            int code = scheme.signed() ? a.codes()[i] : a.codes()[i] & 0xFF;
            float loader = (float) (code - a.zeroPoints()[p]) * a.scales()[p];
            assertEquals(Float.floatToRawIntBits(loader), Float.floatToRawIntBits(first[i]), "element " + i);
        }
    }

    private static int parameterFromCoordinates(int[] shape, LayerAxes axes, Scheme scheme, int i) {
        int[] c = FiniteValues.coordinates(shape, i);
        switch (scheme.granularity()) {
            case PER_TENSOR:
                return 0;
            case PER_CHANNEL:
                return axes.channelAxis() < 0 ? 0 : c[axes.channelAxis()];
            default:
                int r = axes.reductionAxis();
                int[] groupShape = shape.clone();
                groupShape[r] = (shape[r] + scheme.groupSize() - 1) / scheme.groupSize();
                c[r] /= scheme.groupSize();
                int p = 0;
                for (int a = 0; a < shape.length; a++) {
                    p = p * groupShape[a] + c[a];
                }
                return p;
        }
    }

    /** Within a step of the float32 limit the bound is looser, but nothing becomes infinite. */
    @Property(tries = 100)
    void rangesNearTheFloatLimitStayFinite(@ForAll("nearLimit") TestTensors.Tensor t, @ForAll("schemes") Scheme scheme)
            throws Exception {
        IntegerQuantization q = scheme.quantizer().quantize(t.view());
        float[] back = q.dequantize();
        for (int i = 0; i < back.length; i++) {
            float scale = q.scales()[q.parameterIndex(i)];
            assertTrue(Float.isFinite(back[i]));
            assertTrue(Math.abs((double) t.values()[i] - back[i]) <= scale * 1.5 + Math.ulp(t.values()[i]));
        }
    }

    @Provide
    Arbitrary<TestTensors.Tensor> nearLimit() {
        return TestTensors.tensors(3, Arbitraries.of(Float.MAX_VALUE, -Float.MAX_VALUE, Math.nextDown(Float.MAX_VALUE),
                -3e38f, 1f, 0f));
    }

    @Test
    void int8SymmetricExample() throws Exception {
        WeightView v = WeightView.flat("w", new float[] {-1f, 0.5f, 1f, 0f});
        IntegerQuantization q = IntegerQuantizer.builder().bits(8).symmetric().perTensor().build().quantize(v);
        assertEquals(1f / 127, q.scales()[0]);
        assertEquals(-127, q.code(0));
        assertEquals(64, q.code(1)); // 63.5 rounds to even 64
        assertEquals(127, q.code(2));
        assertEquals(0, q.code(3));
        assertEquals(8 + 32.0 / 4, q.bitsPerWeight());
    }

    @Test
    void affineUnsignedRepresentsAnIntegerRangeExactly() throws Exception {
        float[] values = new float[256];
        for (int i = 0; i < values.length; i++) {
            values[i] = i - 100;
        }
        IntegerQuantization q = IntegerQuantizer.builder().bits(8).affine().signed(false).perTensor().build()
                .quantize(WeightView.flat("w", values));
        assertEquals(1f, q.scales()[0]);
        assertEquals(100, q.zeroPoints()[0]);
        assertArrayEquals(values, q.dequantize());
        assertEquals(8 + (32.0 + 8) / 256, q.bitsPerWeight());
    }

    @Test
    void perGroupScalesFollowTheBlockedLayout() throws Exception {
        // [2, 5] with groups of 2 along axis 1: groups per row = 3, scales shaped [2, 3].
        float[] values = {1, 2, 3, 4, 5, 10, 20, 30, 40, 50};
        WeightView v = WeightView.of("w", values, 2, 5);
        IntegerQuantization q = IntegerQuantizer.builder().bits(8).symmetric().perGroup(2).build().quantize(v);
        assertEquals(6, q.scales().length);
        assertEquals(2f / 127, q.scales()[0]);
        assertEquals(4f / 127, q.scales()[1]);
        assertEquals(5f / 127, q.scales()[2]);
        assertEquals(50f / 127, q.scales()[5]);
    }

    @Test
    void twoBitSymmetricIsTernary() throws Exception {
        WeightView v = WeightView.flat("w", new float[] {-0.9f, -0.2f, 0.3f, 0.8f, 0.6f});
        IntegerQuantization q = IntegerQuantizer.builder().bits(2).symmetric().perTensor().build().quantize(v);
        assertEquals(-1, q.minCode());
        assertEquals(1, q.maxCode());
        assertArrayEquals(new float[] {-0.9f, 0f, 0f, 0.9f, 0.9f}, q.dequantize());
    }

    static boolean[] randomMask(int n, long seed) {
        java.util.Random random = new java.util.Random(seed);
        boolean[] keep = new boolean[n];
        for (int i = 0; i < n; i++) {
            keep[i] = random.nextInt(3) != 0;
        }
        return keep;
    }
}
