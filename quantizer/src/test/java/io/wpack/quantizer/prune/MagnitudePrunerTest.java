package io.wpack.quantizer.prune;

import io.wpack.quantizer.TestTensors;
import io.wpack.quantizer.WeightView;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MagnitudePrunerTest {

    /** Values that repeat often, so that ties at the threshold are common. */
    @Provide
    Arbitrary<List<Float>> values() {
        return Arbitraries.oneOf(Arbitraries.integers().between(-4, 4).map(i -> (float) i), TestTensors.weights())
                .list().ofMinSize(0).ofMaxSize(200);
    }

    @Property(tries = 300)
    void keepsExactlyCeilOfOneMinusSTimesNOfTheLargest(@ForAll("values") List<Float> values,
                                                       @ForAll @DoubleRange(min = 0, max = 1) double sparsity)
            throws Exception {
        float[] v = TestTensors.toArray(values);
        PruningMask mask = MagnitudePruner.prune(WeightView.flat("w", v), sparsity);
        assertEquals(Sparsity.keepCount(v.length, sparsity), mask.keptCount());
        assertEquals((long) Math.ceil((1 - sparsity) * v.length - 1e-9 * v.length), mask.keptCount());
        checkLargestKeptEarliestOnTies(v, mask.keep());
    }

    @Property(tries = 200)
    void globalPruningIsPruningTheConcatenation(@ForAll("values") List<Float> a, @ForAll("values") List<Float> b,
                                                @ForAll @DoubleRange(min = 0, max = 1) double sparsity)
            throws Exception {
        float[] x = TestTensors.toArray(a);
        float[] y = TestTensors.toArray(b);
        List<PruningMask> masks = MagnitudePruner.pruneGlobally(
                List.of(WeightView.flat("a", x), WeightView.flat("b", y)), sparsity);
        List<Float> joined = new ArrayList<>(a);
        joined.addAll(b);
        boolean[] whole = MagnitudePruner.prune(WeightView.flat("ab", TestTensors.toArray(joined)), sparsity).keep();
        boolean[] pieces = new boolean[whole.length];
        System.arraycopy(masks.get(0).keep(), 0, pieces, 0, x.length);
        System.arraycopy(masks.get(1).keep(), 0, pieces, x.length, y.length);
        assertArrayEquals(whole, pieces);
    }

    @Test
    void keepCountAbsorbsBinaryFractions() {
        assertEquals(7, Sparsity.keepCount(10, 0.3));
        assertEquals(8, Sparsity.keepCount(10, 0.25));
        assertEquals(3, Sparsity.keepCount(10, 0.7));
        assertEquals(0, Sparsity.keepCount(10, 1));
        assertEquals(10, Sparsity.keepCount(10, 0));
        assertEquals(1, Sparsity.keepCount(1, 0.5));
        assertEquals(0, Sparsity.keepCount(0, 0.5));
    }

    @Test
    void tiesKeepEarlierElements() throws Exception {
        float[] v = {1f, -2f, 2f, 0.5f, -2f, 2f};
        PruningMask mask = MagnitudePruner.prune(WeightView.flat("w", v), 0.5);
        assertArrayEquals(new boolean[] {false, true, true, false, true, false}, mask.keep());
        assertArrayEquals(new float[] {0f, -2f, 2f, 0f, -2f, 0f}, mask.apply(v));
    }

    /** Every kept magnitude is at least every pruned one; at equal magnitude, kept ones come first. */
    static void checkLargestKeptEarliestOnTies(float[] v, boolean[] keep) {
        float minKept = Float.POSITIVE_INFINITY;
        float maxPruned = -1;
        for (int i = 0; i < v.length; i++) {
            if (keep[i]) {
                minKept = Math.min(minKept, Math.abs(v[i]));
            } else {
                maxPruned = Math.max(maxPruned, Math.abs(v[i]));
            }
        }
        assertTrue(maxPruned <= minKept);
        boolean prunedSeen = false;
        for (int i = 0; i < v.length; i++) {
            if (Math.abs(v[i]) == minKept && minKept == maxPruned) {
                if (!keep[i]) {
                    prunedSeen = true;
                } else {
                    assertTrue(!prunedSeen, "tie at " + i + " kept after a pruned one");
                }
            }
        }
    }
}
