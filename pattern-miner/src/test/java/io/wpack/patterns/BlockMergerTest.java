package io.wpack.patterns;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlockMergerTest {

    /** Codes clustered around a few blocks, so that near-identical blocks exist to merge. */
    private static CodeTensor nearRepeats(int rows, int cols, int spread, double zeros, boolean uint8, long seed) {
        Random random = new Random(seed);
        byte[][] centres = new byte[12][4];
        for (byte[] c : centres) {
            for (int j = 0; j < 4; j++) {
                c[j] = (byte) (random.nextInt(121) - 60);
            }
        }
        byte[] codes = new byte[rows * cols];
        for (int i = 0; i < codes.length; i += 4) {
            byte[] c = centres[random.nextInt(centres.length)];
            for (int j = 0; j < 4 && i + j < codes.length; j++) {
                int v = random.nextDouble() < zeros ? 0 : c[j] + random.nextInt(2 * spread + 1) - spread;
                codes[i + j] = (byte) (uint8 ? v + 128 : v);
            }
        }
        // Flat order along the last axis: blocks of 1×4 are consecutive codes.
        return new CodeTensor("near", codes, new long[] {rows, cols}, 1);
    }

    @Property(tries = 200)
    void noCodeMovesFurtherThanTheBoundAndZerosStayPut(@ForAll @IntRange(min = 1, max = 40) int rows,
            @ForAll @IntRange(min = 1, max = 24) int cols, @ForAll @IntRange(min = 0, max = 6) int spread,
            @ForAll @IntRange(min = 0, max = 9) int bound, @ForAll @IntRange(min = 0, max = 80) int zeroPercent,
            @ForAll boolean uint8, @ForAll long seed) {
        CodeTensor t = nearRepeats(rows, cols, spread, zeroPercent / 100.0, uint8, seed);
        PatternPlan plan = DictionaryPlanner.plan(t, PatternMiner.countValues(t, BlockShape.ROW_4));
        BlockMerger.Merged m = BlockMerger.merge(t, plan, bound);
        byte[] before = t.codes();
        byte[] after = m.tensor().codes();
        int zero = PatternMiner.zeroByte(t);
        long changedCodes = 0;
        for (int i = 0; i < before.length; i++) {
            int x = uint8 ? before[i] & 0xFF : before[i];
            int y = uint8 ? after[i] & 0xFF : after[i];
            assertTrue(Math.abs(x - y) <= bound, "code " + i + ": " + x + " -> " + y + ", bound " + bound);
            assertEquals(before[i] == (byte) zero, after[i] == (byte) zero, "zero at " + i);
            changedCodes += x != y ? 1 : 0;
        }
        assertTrue(changedCodes <= 4 * m.blocksChanged());
        assertTrue(m.blocksChanged() == 0 || changedCodes > 0);
        if (bound == 0) {
            assertArrayEquals(before, after);
        }
    }

    @Test
    void mergingNearRepeatsTurnsEscapesIntoDictionaryHits() {
        CodeTensor t = nearRepeats(256, 64, 1, 0.3, false, 5);
        PatternPlan plan = DictionaryPlanner.plan(t, PatternMiner.countValues(t, BlockShape.ROW_4));
        BlockMerger.Merged m = BlockMerger.merge(t, plan, 2);
        assertTrue(m.blocksChanged() > 0);
        PatternPlan after = DictionaryPlanner.plan(m.tensor(), PatternMiner.countValues(m.tensor(), BlockShape.ROW_4));
        assertTrue(after.estimatedBits() < 0.9 * plan.estimatedBits(),
                after.estimatedBits() + " bits after, " + plan.estimatedBits() + " before");
        assertThrows(IllegalArgumentException.class, () -> BlockMerger.merge(t, plan, -1));
    }

    @Test
    void aBlockExactlyAtTheBoundMergesAndOneStepFurtherDoesNot() {
        for (int bound = 1; bound <= 5; bound++) {
            byte[] codes = new byte[4 * 40];
            byte[] entry = {10, -20, 30, 0};
            for (int k = 0; k < 38; k++) {
                System.arraycopy(entry, 0, codes, 4 * k, 4);
            }
            byte[] within = {(byte) (10 + bound), -20, 30, 0};
            byte[] beyond = {10, (byte) (-20 - bound - 1), 30, 0};
            System.arraycopy(within, 0, codes, 4 * 38, 4);
            System.arraycopy(beyond, 0, codes, 4 * 39, 4);
            CodeTensor t = new CodeTensor("edge", codes, new long[] {40, 4}, 1);
            PatternPlan plan = new PatternPlan(BlockShape.ROW_4, 1, 1, entry, 0);
            BlockMerger.Merged m = BlockMerger.merge(t, plan, bound);
            byte[] after = m.tensor().codes();
            assertArrayEquals(entry, java.util.Arrays.copyOfRange(after, 4 * 38, 4 * 39), "within the bound");
            assertArrayEquals(beyond, java.util.Arrays.copyOfRange(after, 4 * 39, 4 * 40), "beyond the bound");
            assertEquals(1, m.blocksChanged());
        }
    }
}
