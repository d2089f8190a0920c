package io.wpack.quantizer;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KMeans1DTest {

    /** Values with repeats (small integers, halves) or without (weights). */
    @Provide
    Arbitrary<List<Float>> smallSets() {
        Arbitrary<Float> repeating = Arbitraries.integers().between(-6, 6).map(i -> i / 2f);
        return Arbitraries.oneOf(repeating, TestTensors.weights()).list().ofMinSize(1).ofMaxSize(24);
    }

    @Provide
    Arbitrary<List<Float>> tinySets() {
        return Arbitraries.oneOf(Arbitraries.integers().between(-3, 3).map(i -> (float) i),
                Arbitraries.floats().between(-2f, 2f)).list().ofMinSize(1).ofMaxSize(7);
    }

    private static float[] sorted(List<Float> values) {
        float[] v = TestTensors.toArray(values);
        Arrays.sort(v);
        return v;
    }

    private static double tolerance(float[] v) {
        double ss = 0;
        for (float x : v) {
            ss += (double) x * x;
        }
        return 1e-9 * (1 + ss);
    }

    @Property(tries = 400)
    void dynamicProgramMatchesTheBruteForceOracle(@ForAll("smallSets") List<Float> values,
                                                  @ForAll @IntRange(min = 1, max = 6) int k) {
        float[] v = sorted(values);
        KMeans1D.Clustering c = KMeans1D.optimal(v, k, 100);
        assertTrue(c.exact());
        assertEquals(KMeansOracle.optimalSse(v, k), c.sse(), tolerance(v));
        assertEquals(KMeansOracle.nearestSse(v, c.centroids()), c.sse(), tolerance(v));
        long distinct = values.stream().distinct().count();
        assertEquals(Math.min(k, distinct), c.centroids().length);
    }

    @Provide
    Arbitrary<List<Float>> mediumSets() {
        return TestTensors.weights().list().ofMinSize(30).ofMaxSize(150);
    }

    /** Long enough for the divide-and-conquer recursion to matter. */
    @Property(tries = 25)
    void dynamicProgramMatchesTheOracleOnLongerInputs(@ForAll("mediumSets") List<Float> values,
                                                      @ForAll @IntRange(min = 2, max = 12) int k) {
        float[] v = sorted(values);
        assertEquals(KMeansOracle.optimalSse(v, k), KMeans1D.optimal(v, k, 100).sse(), tolerance(v));
    }

    /** The oracle's premise (optimal 1-D clusters are runs of the sorted values), checked on tiny inputs. */
    @Property(tries = 200)
    void oracleMatchesExhaustiveSearch(@ForAll("tinySets") List<Float> values,
                                       @ForAll @IntRange(min = 1, max = 3) int k) {
        float[] v = sorted(values);
        assertEquals(KMeansOracle.exhaustiveSse(v, k), KMeansOracle.optimalSse(v, k), tolerance(v));
    }

    @Property(tries = 200)
    void optimalErrorNeverIncreasesWithK(@ForAll("smallSets") List<Float> values) {
        float[] v = sorted(values);
        double previous = Double.POSITIVE_INFINITY;
        for (int k = 1; k <= 12; k++) {
            double sse = KMeans1D.optimal(v, k, 100).sse();
            assertTrue(sse <= previous + tolerance(v), "k = " + k);
            previous = sse;
        }
    }

    /**
     * Lloyd from linear init is not monotone in K in general (a local optimum for K+1 can be
     * worse than another for K), so what is checked is what always holds: it never ends
     * worse than it started, never beats the optimum, and ends at a fixed point.
     */
    @Property(tries = 300)
    void lloydImprovesOnItsStartAndIsBoundedByTheOptimum(@ForAll("smallSets") List<Float> values,
                                                         @ForAll @IntRange(min = 1, max = 8) int k,
                                                         @ForAll boolean density) {
        float[] v = sorted(values);
        double[] start = density ? KMeans1D.densityInit(v, k) : KMeans1D.linearInit(v, k);
        KMeans1D.Clustering c = KMeans1D.lloyd(v, start, 1000);
        assertTrue(c.sse() <= KMeansOracle.nearestSse(v, start) + tolerance(v));
        assertTrue(c.sse() >= KMeans1D.optimal(v, k, 100).sse() - tolerance(v));
        assertEquals(KMeansOracle.nearestSse(v, c.centroids()), c.sse(), tolerance(v));
        KMeans1D.Clustering again = KMeans1D.lloyd(v, c.centroids(), 1000);
        assertTrue(again.iterations() <= 1, "a converged clustering is a fixed point");
        for (int j = 1; j < c.centroids().length; j++) {
            assertTrue(c.centroids()[j - 1] <= c.centroids()[j]);
        }
    }

    /** Thousands of values but few distinct ones: still the exact path. */
    @Test
    void manyValuesFewDistinctIsExact() {
        float[] v = new float[60_000];
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextInt(3000) / 1000f;
        }
        Arrays.sort(v);
        KMeans1D.Clustering c = KMeans1D.optimal(v, 16, 100);
        assertTrue(c.exact());
        KMeans1D.Clustering lloyd = KMeans1D.lloyd(v, KMeans1D.linearInit(v, 16), 1000);
        assertTrue(c.sse() <= lloyd.sse() * (1 + 1e-12));
    }

    /** Above the exact limit: binned dynamic program plus Lloyd; at least as good as Lloyd alone on this data. */
    @Test
    void manyDistinctValuesUseBinsAndRefinement() {
        float[] v = TestTensors.gaussian(200_000, 7, 0);
        Arrays.sort(v);
        for (int k : new int[] {4, 16, 64}) {
            KMeans1D.Clustering c = KMeans1D.optimal(v, k, 100);
            assertFalse(c.exact());
            KMeans1D.Clustering linear = KMeans1D.lloyd(v, KMeans1D.linearInit(v, k), 100);
            KMeans1D.Clustering density = KMeans1D.lloyd(v, KMeans1D.densityInit(v, k), 100);
            assertTrue(c.sse() <= linear.sse() * 1.0001, "k " + k + ": " + c.sse() + " vs " + linear.sse());
            assertTrue(c.sse() <= density.sse() * 1.0001, "k " + k + ": " + c.sse() + " vs " + density.sse());
        }
    }
}
