package io.wpack.quantizer.prune;

import io.wpack.quantizer.ChannelAxes;
import io.wpack.quantizer.LayerAxes;
import io.wpack.quantizer.TestTensors;
import io.wpack.quantizer.WeightView;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StructuredPrunerTest {

    @Provide
    Arbitrary<TestTensors.Tensor> tensors() {
        return TestTensors.tensors(6, TestTensors.weights());
    }

    @Property(tries = 300)
    void nmKeepsExactlyNInEveryRunOfM(@ForAll("tensors") TestTensors.Tensor t,
                                      @ForAll @IntRange(min = 1, max = 8) int m,
                                      @ForAll @IntRange(min = 1, max = 8) int nRaw) throws Exception {
        int n = Math.min(nRaw, m);
        WeightView v = t.view();
        boolean[] keep = NmPruner.prune(v, n, m).keep();
        for (int line = 0; line < v.lineCount(); line++) {
            int start = v.lineStart(line);
            for (int from = 0; from < v.reductionLength(); from += m) {
                int len = Math.min(m, v.reductionLength() - from);
                float[] run = new float[len];
                boolean[] runKeep = new boolean[len];
                int kept = 0;
                for (int j = 0; j < len; j++) {
                    int i = start + (from + j) * v.reductionStride();
                    run[j] = t.values()[i];
                    runKeep[j] = keep[i];
                    kept += keep[i] ? 1 : 0;
                }
                assertEquals(len == m ? n : (n * len + m - 1) / m, kept, "line " + line + " from " + from);
                MagnitudePrunerTest.checkLargestKeptEarliestOnTies(run, runKeep);
            }
        }
    }

    @Test
    void twoFourAlongTheInputAxisOfAGemmWeight() throws Exception {
        // [out=2, in=8], transB=1: runs of 4 along each row.
        float[] w = {1, -5, 3, 0, 2, 2, -2, 9, 4, 3, 2, 1, 0, 0, 0, 7};
        WeightView v = WeightView.of("fc", w, new long[] {2, 8}, ChannelAxes.forLayer("Gemm", "onnx", 2, true));
        PruningMask mask = NmPruner.prune(v, 2, 4);
        assertArrayEquals(new float[] {0, -5, 3, 0, 2, 0, 0, 9, 4, 3, 0, 0, 0, 0, 0, 7}, mask.apply(w));
    }

    @Provide
    Arbitrary<TestTensors.Tensor> matrices() {
        return TestTensors.matrices(12, 12);
    }

    @Property(tries = 300)
    void blockPruningRemovesWholeBlocksSmallestFirst(@ForAll("matrices") TestTensors.Tensor t,
                                                     @ForAll @IntRange(min = 1, max = 4) int br,
                                                     @ForAll @IntRange(min = 1, max = 4) int bc,
                                                     @ForAll @DoubleRange(min = 0, max = 1) double s) throws Exception {
        WeightView v = t.view();
        boolean[] keep = BlockPruner.prune(v, br, bc, s).keep();
        int rows = v.rows();
        int cols = v.cols();
        double maxPrunedNorm = -1;
        double minKeptNorm = Double.POSITIVE_INFINITY;
        int pruned = 0;
        int largestBlock = br * bc;
        for (int r0 = 0; r0 < rows; r0 += br) {
            for (int c0 = 0; c0 < cols; c0 += bc) {
                boolean first = keep[v.index2d(r0, c0)];
                double norm = 0;
                for (int r = r0; r < Math.min(rows, r0 + br); r++) {
                    for (int c = c0; c < Math.min(cols, c0 + bc); c++) {
                        assertEquals(first, keep[v.index2d(r, c)], "a block is all kept or all pruned");
                        norm += (double) t.values()[v.index2d(r, c)] * t.values()[v.index2d(r, c)];
                        pruned += first ? 0 : 1;
                    }
                }
                if (first) {
                    minKeptNorm = Math.min(minKeptNorm, norm);
                } else {
                    maxPrunedNorm = Math.max(maxPrunedNorm, norm);
                }
            }
        }
        long budget = v.size() - Sparsity.keepCount(v.size(), s);
        assertTrue(pruned <= budget);
        assertTrue(maxPrunedNorm <= minKeptNorm);
        if (minKeptNorm < Double.POSITIVE_INFINITY) {
            assertTrue(pruned > budget - largestBlock, "stops within one block of the target");
        }
    }

    @Property(tries = 300)
    void bcrKeepsADenseSubmatrixInEveryBlock(@ForAll("matrices") TestTensors.Tensor t,
                                             @ForAll @IntRange(min = 1, max = 6) int br,
                                             @ForAll @IntRange(min = 1, max = 6) int bc,
                                             @ForAll @DoubleRange(min = 0, max = 1) double s) throws Exception {
        WeightView v = t.view();
        boolean[] keep = BcrPruner.prune(v, br, bc, s).keep();
        for (int r0 = 0; r0 < v.rows(); r0 += br) {
            for (int c0 = 0; c0 < v.cols(); c0 += bc) {
                int r1 = Math.min(v.rows(), r0 + br);
                int c1 = Math.min(v.cols(), c0 + bc);
                boolean[] rowAny = new boolean[r1 - r0];
                boolean[] colAny = new boolean[c1 - c0];
                int kept = 0;
                for (int r = r0; r < r1; r++) {
                    for (int c = c0; c < c1; c++) {
                        if (keep[v.index2d(r, c)]) {
                            rowAny[r - r0] = true;
                            colAny[c - c0] = true;
                            kept++;
                        }
                    }
                }
                // Survivors are exactly (surviving rows) x (surviving columns).
                for (int r = r0; r < r1; r++) {
                    for (int c = c0; c < c1; c++) {
                        assertEquals(rowAny[r - r0] && colAny[c - c0], keep[v.index2d(r, c)]);
                    }
                }
                int size = (r1 - r0) * (c1 - c0);
                assertTrue(kept >= Sparsity.keepCount(size, s), "never past the block's target");
            }
        }
    }

    @Test
    void bcrRemovesTheWeakRowsAndColumns() throws Exception {
        float[] w = {
            5, 0.1f, 5, 5,
            0.1f, 0.1f, 0.2f, 0.1f,
            5, 0.1f, 5, 5,
            5, 0.2f, 5, 5};
        PruningMask mask = BcrPruner.prune(WeightView.of("w", w, 4, 4), 4, 4, 0.4375);
        assertArrayEquals(new float[] {5, 0, 5, 5, 0, 0, 0, 0, 5, 0, 5, 5, 5, 0, 5, 5}, mask.apply(w));
    }

    @Property(tries = 100)
    void filterPruningRemovesZeroAndWeakestFilters(@ForAll("tensors") TestTensors.Tensor t,
                                                   @ForAll @DoubleRange(min = 0, max = 1) double fraction)
            throws Exception {
        WeightView v = t.view();
        FilterPruning result = FilterPruner.prune(v, fraction);
        int filters = v.channelCount();
        double[] norm = new double[filters];
        boolean[] nonzero = new boolean[filters];
        for (int i = 0; i < v.size(); i++) {
            norm[v.channelOf(i)] += (double) t.values()[i] * t.values()[i];
            nonzero[v.channelOf(i)] |= t.values()[i] != 0;
        }
        boolean[] pruned = new boolean[filters];
        for (int f : result.prunedFilters()) {
            pruned[f] = true;
        }
        int zeros = 0;
        for (int f = 0; f < filters; f++) {
            if (!nonzero[f]) {
                zeros++;
                assertTrue(pruned[f], "all-zero filter " + f);
            }
        }
        assertEquals(zeros, result.zeroFilters());
        assertEquals(Math.max(zeros, filters - Sparsity.keepCount(filters, fraction)), result.prunedFilters().length);
        for (int i = 0; i < v.size(); i++) {
            assertEquals(!pruned[v.channelOf(i)], result.mask().keep()[i]);
        }
        for (int a = 0; a < filters; a++) {
            for (int b = 0; b < filters; b++) {
                if (pruned[a] && nonzero[a] && !pruned[b]) {
                    assertTrue(norm[a] <= norm[b]);
                }
            }
        }
    }

    @Provide
    Arbitrary<TestTensors.Tensor> convWeights() {
        return net.jqwik.api.Combinators.combine(net.jqwik.api.Arbitraries.integers().between(1, 6),
                        net.jqwik.api.Arbitraries.integers().between(1, 6), net.jqwik.api.Arbitraries.of(2, 3, 5))
                .flatAs((o, i, k) -> TestTensors.weights().list().ofSize(o * i * k * k)
                        .map(vs -> new TestTensors.Tensor(new int[] {o, i, k, k}, TestTensors.toArray(vs),
                                new LayerAxes(0, 1))));
    }

    @Property(tries = 200)
    void patternPruningKeepsFourPositionsFromTheLibraryPerKernel(@ForAll("convWeights") TestTensors.Tensor t,
                                                                 @ForAll @IntRange(min = 4, max = 16) int patterns,
                                                                 @ForAll @DoubleRange(min = 0, max = 1) double s)
            throws Exception {
        WeightView v = t.view();
        PatternPruning result = PatternPruner.prune(v, patterns, s);
        int k = v.dim(2);
        assertTrue(result.patterns().length >= 1 && result.patterns().length <= patterns);
        int kernels = v.dim(0) * v.dim(1);
        int keptKernels = 0;
        for (int kernel = 0; kernel < kernels; kernel++) {
            int p = result.kernelPatterns()[kernel];
            long shape = 0;
            for (int pos = 0; pos < k * k; pos++) {
                if (result.mask().keep()[kernel * k * k + pos]) {
                    shape |= 1L << pos;
                }
            }
            if (p < 0) {
                assertEquals(0, shape, "removed kernel " + kernel);
                continue;
            }
            keptKernels++;
            assertEquals(result.patterns()[p], shape);
            assertEquals(PatternPruner.ENTRIES_PER_KERNEL, Long.bitCount(shape));
            if (k % 2 == 1) {
                assertTrue((shape & (1L << (k / 2 * k + k / 2))) != 0, "centre kept");
            }
        }
        long target = Sparsity.keepCount(v.size(), s);
        int kept = result.mask().keptCount();
        assertEquals(4 * keptKernels, kept);
        assertTrue(kept >= Math.min(target, 4L * kernels), "never past the target");
        assertTrue(kept < target + 4 || keptKernels == kernels, "within one kernel of it");
    }

    @Test
    void patternLibraryIsMinedFromTheTensorAndKernelsTakeTheirBest() throws Exception {
        // Four 3x3 kernels: three share a cross shape, one leans to the top-left.
        float[] w = new float[4 * 9];
        int[] cross = {1, 3, 4, 5};
        int[] corner = {0, 1, 3, 4};
        for (int kernel = 0; kernel < 3; kernel++) {
            for (int pos : cross) {
                w[kernel * 9 + pos] = 1 + kernel;
            }
            w[kernel * 9 + 8] = 0.01f;
        }
        for (int pos : corner) {
            w[27 + pos] = 0.5f;
        }
        WeightView v = WeightView.of("conv", w, new long[] {2, 2, 3, 3}, ChannelAxes.forLayer("Conv", "onnx", 4));
        PatternPruning result = PatternPruner.prune(v, 1, 0);
        long crossBits = (1 << 1) | (1 << 3) | (1 << 4) | (1 << 5);
        assertArrayEquals(new long[] {crossBits}, result.patterns());
        assertArrayEquals(new int[] {0, 0, 0, 0}, result.kernelPatterns());
        PatternPruning two = PatternPruner.prune(v, 2, 0);
        assertEquals(2, two.patterns().length);
        assertEquals(1, two.kernelPatterns()[3], "the corner kernel takes the corner pattern");
        // Connectivity: sparsity 0.8 of 36 keeps ceil(7.2) = 8, i.e. two kernels; the weakest go.
        PatternPruning sparse = PatternPruner.prune(v, 2, 0.8);
        assertArrayEquals(new int[] {-1, -1, 0, 0}, new int[] {sparse.kernelPatterns()[3] < 0 ? -1 : 0,
                sparse.kernelPatterns()[0] < 0 ? -1 : 0, sparse.kernelPatterns()[1] < 0 ? -1 : 0,
                sparse.kernelPatterns()[2] < 0 ? -1 : 0});
        assertEquals(2, sparse.removedKernels());
    }

    @Test
    void patternPruningFindsTheSpatialAxesOfTfjsKernels() throws Exception {
        float[] w = TestTensors.gaussian(3 * 3 * 4 * 5, 11, 0);
        WeightView v = WeightView.of("tfjs", w, new long[] {3, 3, 4, 5}, ChannelAxes.forLayer("Conv2D", "tfjs", 4));
        PatternPruning result = PatternPruner.prune(v, 8, 0);
        assertEquals(20, result.kernelPatterns().length);
        assertEquals(80, result.mask().keptCount());
        assertEquals(3, result.kernelHeight());
    }
}
