package io.wpack.quantizer;

import io.wpack.formats.FloatBits;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CodebookQuantizerTest {

    record Scheme(int entries, boolean perChannel, CodebookQuantizer.Method method, CodebookQuantizer.Init init,
                  CodebookQuantizer.CentroidFormat format) {
        CodebookQuantizer quantizer() {
            CodebookQuantizer.Builder b = CodebookQuantizer.builder().entries(entries).method(method).init(init)
                    .centroidFormat(format);
            return (perChannel ? b.perChannel() : b.perTensor()).build();
        }
    }

    @Provide
    Arbitrary<Scheme> schemes() {
        return Combinators.combine(Arbitraries.integers().between(2, 20), Arbitraries.of(true, false),
                Arbitraries.of(CodebookQuantizer.Method.class), Arbitraries.of(CodebookQuantizer.Init.class),
                Arbitraries.of(CodebookQuantizer.CentroidFormat.class)).as(Scheme::new);
    }

    @Provide
    Arbitrary<TestTensors.Tensor> tensors() {
        return TestTensors.tensors(5, TestTensors.weights());
    }

    @Property(tries = 200)
    void zerosAndPrunedElementsReconstructToExactlyZero(@ForAll("tensors") TestTensors.Tensor t,
                                                        @ForAll("schemes") Scheme scheme, @ForAll long maskSeed)
            throws Exception {
        boolean[] keep = IntegerQuantizerTest.randomMask(t.values().length, maskSeed);
        float[] back = scheme.quantizer().quantize(t.view(), keep).dequantize();
        for (int i = 0; i < back.length; i++) {
            if (t.values()[i] == 0 || !keep[i]) {
                assertEquals(0, Float.floatToRawIntBits(back[i]), "element " + i + " is +0");
            }
        }
    }

    /** Every kept nonzero element sits on the entry of its codebook nearest to it. */
    @Property(tries = 200)
    void everyElementTakesItsNearestEntry(@ForAll("tensors") TestTensors.Tensor t, @ForAll("schemes") Scheme scheme)
            throws Exception {
        CodebookQuantization q = scheme.quantizer().quantize(t.view());
        float[] back = q.dequantize();
        int k = q.entries();
        for (int i = 0; i < back.length; i++) {
            double x = t.values()[i];
            double error = Math.abs(x - back[i]);
            int b = q.codebookIndex(i);
            for (int j = 0; j < k; j++) {
                assertTrue(error <= Math.abs(x - q.codebooks()[b * k + j]), "element " + i);
            }
        }
    }

    @Property(tries = 200)
    void codebooksAreAscendingAndExactInTheirFormat(@ForAll("tensors") TestTensors.Tensor t,
                                                    @ForAll("schemes") Scheme scheme) throws Exception {
        CodebookQuantization q = scheme.quantizer().quantize(t.view());
        float[] books = q.codebooks();
        for (int b = 0; b < q.codebookCount(); b++) {
            for (int j = 1; j < q.entries(); j++) {
                assertTrue(books[b * q.entries() + j - 1] <= books[b * q.entries() + j]);
            }
        }
        if (scheme.format() == CodebookQuantizer.CentroidFormat.F16) {
            short[] half = q.codebooksAsHalf();
            for (int j = 0; j < books.length; j++) {
                assertEquals(Float.floatToRawIntBits(books[j]), Float.floatToRawIntBits(FloatBits.halfToFloat(half[j])));
            }
        }
    }

    /**
     * With at least as many entries as distinct values, the optimal fp32 codebook reconstructs
     * exactly. (Lloyd need not: from linear init two values can share a cell while another
     * cell stays empty.)
     */
    @Property(tries = 100)
    void enoughEntriesReconstructExactly(@ForAll("tensors") TestTensors.Tensor t,
                                         @ForAll boolean auto) throws Exception {
        CodebookQuantizer.Method method = auto ? CodebookQuantizer.Method.AUTO : CodebookQuantizer.Method.OPTIMAL;
        long distinct = 0;
        float[] sorted = t.values().clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                distinct++;
            }
        }
        int k = (int) Math.min(256, Math.max(2, distinct + 1));
        if (distinct + 1 > 256) {
            return;
        }
        CodebookQuantization q = CodebookQuantizer.builder().entries(k).method(method).perTensor().build()
                .quantize(t.view());
        float[] back = q.dequantize();
        for (int i = 0; i < back.length; i++) {
            assertEquals(t.values()[i] == 0 ? 0f : t.values()[i], back[i]);
        }
    }

    @Property(tries = 150)
    void deterministicAndTheDocumentedFormula(@ForAll("tensors") TestTensors.Tensor t,
                                              @ForAll("schemes") Scheme scheme) throws Exception {
        CodebookQuantization a = scheme.quantizer().quantize(t.view());
        CodebookQuantization b = scheme.quantizer().quantize(t.view());
        assertArrayEquals(a.codes(), b.codes());
        assertArrayEquals(a.codebooks(), b.codebooks());
        float[] first = a.dequantize();
        float[] second = b.dequantize();
        for (int i = 0; i < first.length; i++) {
            int book = scheme.perChannel() && t.axes().channelAxis() >= 0
                    ? FiniteValues.coordinates(t.shape(), i)[t.axes().channelAxis()] : 0;
            float loader = a.codebooks()[book * a.entries() + (a.codes()[i] & 0xFF)];
            assertEquals(Float.floatToRawIntBits(loader), Float.floatToRawIntBits(first[i]));
            assertEquals(Float.floatToRawIntBits(first[i]), Float.floatToRawIntBits(second[i]));
        }
    }

    @Provide
    Arbitrary<TestTensors.Tensor> nonzeroTensors() {
        return TestTensors.tensors(5, Arbitraries.oneOf(Arbitraries.floats().between(0.001f, 4f).ofScale(4),
                Arbitraries.floats().between(-4f, -0.001f).ofScale(4), Arbitraries.of(1f, -2f, 0.5f)));
    }

    /**
     * Without zeros the codebook is the proven optimum, so more entries never cost accuracy (up
     * to fp32 rounding of the centroids). A reserved zero entry adds a Lloyd refinement, which
     * carries no such guarantee.
     */
    @Property(tries = 100)
    void optimalErrorNeverIncreasesWithK(@ForAll("nonzeroTensors") TestTensors.Tensor t) throws Exception {
        double previous = Double.POSITIVE_INFINITY;
        double signal = 0;
        for (float x : t.values()) {
            signal += (double) x * x;
        }
        for (int k = 2; k <= 12; k++) {
            CodebookQuantization q = CodebookQuantizer.builder().entries(k).method(CodebookQuantizer.Method.OPTIMAL)
                    .build().quantize(t.view());
            assertTrue(q.exact());
            double sse = QuantizationError.measure(t.values(), q).meanSquaredError() * t.values().length;
            assertTrue(sse <= previous * (1 + 1e-6) + 1e-12 * signal, "k = " + k);
            previous = sse;
        }
    }

    @Test
    void prunedWeightsGetTheReservedZeroEntry() throws Exception {
        float[] values = {0.9f, -0.8f, 0.1f, 0.7f, 0f, -0.05f};
        boolean[] keep = {true, true, false, true, true, true};
        CodebookQuantization q = CodebookQuantizer.builder().entries(3).build().quantize(WeightView.flat("w", values), keep);
        float[] back = q.dequantize();
        assertEquals(0f, back[2], "pruned");
        assertEquals(0f, back[4], "zero");
        assertEquals(0f, back[5], "nearest to the reserved zero");
        assertEquals(-0.8f, back[1]);
        assertEquals(0.8f, back[0], 1e-6f);
        assertEquals(2 + 3 * 32.0 / 6, q.bitsPerWeight());
    }

    /** 2.5M weights at K = 256: the whole tensor in one codebook, as the packer will do. */
    @Test
    void twoAndAHalfMillionWeightsAtK256() throws Exception {
        float[] values = TestTensors.gaussian(2_500_000, 3, 0.1);
        WeightView view = WeightView.of("big", values, 2500, 1000);
        CodebookQuantizer quantizer = CodebookQuantizer.builder().entries(256).build();
        quantizer.quantize(view); // warm up
        long start = System.nanoTime();
        CodebookQuantization q = quantizer.quantize(view);
        long optimalNanos = System.nanoTime() - start;
        QuantizationError e = QuantizationError.measure(values, q);

        CodebookQuantizer lloyd = CodebookQuantizer.builder().entries(256).method(CodebookQuantizer.Method.LLOYD).build();
        start = System.nanoTime();
        CodebookQuantization l = lloyd.quantize(view);
        long lloydNanos = System.nanoTime() - start;
        QuantizationError le = QuantizationError.measure(values, l);

        CodebookQuantizer perChannel = CodebookQuantizer.builder().entries(16).perChannel().build();
        start = System.nanoTime();
        CodebookQuantization c = perChannel.quantize(view);
        long channelNanos = System.nanoTime() - start;
        QuantizationError ce = QuantizationError.measure(values, c);

        System.out.printf("codebook 2.5M floats: K=256 %s %.0f ms (%.1f M/s, SQNR %.2f dB); K=256 LLOYD %.0f ms "
                        + "(SQNR %.2f dB); K=16 per channel %s %.0f ms (SQNR %.2f dB)%n",
                q.method(), optimalNanos / 1e6, values.length / (optimalNanos / 1e3), e.sqnrDb(), lloydNanos / 1e6,
                le.sqnrDb(), c.method(), channelNanos / 1e6, ce.sqnrDb());
        assertEquals(CodebookQuantizer.Method.OPTIMAL, q.method());
        assertTrue(e.sqnrDb() > 40, "256 levels on a Gaussian give well over 40 dB: " + e.sqnrDb());
        assertTrue(e.sqnrDb() >= le.sqnrDb() - 0.01);
        assertTrue(e.sparsity() >= 0.1 - 0.01);
    }
}
