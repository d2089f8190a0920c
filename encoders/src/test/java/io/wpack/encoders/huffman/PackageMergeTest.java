package io.wpack.encoders.huffman;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PackageMergeTest {

    @Property(tries = 300)
    void matchesTheExhaustiveOptimum(@ForAll @Size(min = 2, max = 7) List<@IntRange(min = 0, max = 60) Integer> counts,
            @ForAll @IntRange(min = 1, max = 6) int maxLength) {
        long[] c = counts.stream().mapToLong(Integer::longValue).toArray();
        long used = Arrays.stream(c).filter(x -> x > 0).count();
        if (used > 1L << maxLength) {
            assertThrows(IllegalArgumentException.class, () -> PackageMerge.codeLengths(c, maxLength));
            return;
        }
        int[] lengths = PackageMerge.codeLengths(c, maxLength);
        assertValid(c, lengths, maxLength);
        assertEquals(SlowOptimalLengths.cost(c, maxLength), cost(c, lengths), Arrays.toString(c) + " limit " + maxLength);
    }

    @Property(tries = 200)
    void withoutABindingLimitItIsHuffman(@ForAll @Size(min = 2, max = 300) List<@IntRange(min = 1, max = 1000) Integer> counts) {
        long[] c = counts.stream().mapToLong(Integer::longValue).toArray();
        int[] lengths = PackageMerge.codeLengths(c, 30);
        assertValid(c, lengths, 30);
        assertEquals(huffmanCost(c), cost(c, lengths));
    }

    @Test
    void fibonacciCountsAreCutToTheLimit() {
        long[] c = new long[30];
        c[0] = 1;
        c[1] = 1;
        for (int i = 2; i < c.length; i++) {
            c[i] = c[i - 1] + c[i - 2];
        }
        int[] unlimited = PackageMerge.codeLengths(c, 30);
        assertEquals(29, Arrays.stream(unlimited).max().getAsInt());
        for (int limit = 5; limit <= 16; limit++) {
            int[] lengths = PackageMerge.codeLengths(c, limit);
            assertValid(c, lengths, limit);
            assertEquals(limit, Arrays.stream(lengths).max().getAsInt());
            assertTrue(cost(c, lengths) >= cost(c, unlimited));
        }
    }

    @Test
    void degenerateInputs() {
        assertArrayEquals(new int[4], PackageMerge.codeLengths(new long[4], 11));
        assertArrayEquals(new int[] {0, 0, 1, 0}, PackageMerge.codeLengths(new long[] {0, 0, 9, 0}, 11));
        assertArrayEquals(new int[] {1, 1}, PackageMerge.codeLengths(new long[] {5, 1_000_000}, 1));
        assertThrows(IllegalArgumentException.class, () -> PackageMerge.codeLengths(new long[] {1, 1, 1}, 1));
        assertThrows(IllegalArgumentException.class, () -> PackageMerge.codeLengths(new long[] {1, -1}, 4));
        assertThrows(IllegalArgumentException.class, () -> PackageMerge.codeLengths(new long[] {1, 1}, 0));
    }

    @Test
    void theFullSixteenBitAlphabet() {
        long[] equal = new long[1 << 16];
        Arrays.fill(equal, 3);
        int[] lengths = PackageMerge.codeLengths(equal, 16);
        assertTrue(Arrays.stream(lengths).allMatch(l -> l == 16));

        long[] skewed = new long[1 << 16];
        java.util.Random random = new java.util.Random(1);
        for (int s = 0; s < skewed.length; s++) {
            skewed[s] = 1 + (long) (1e6 * Math.exp(-s / 300.0)) + random.nextInt(3);
        }
        int[] limited = PackageMerge.codeLengths(skewed, 16);
        assertValid(skewed, limited, 16);
        assertThrows(IllegalArgumentException.class, () -> PackageMerge.codeLengths(skewed, 15));
    }

    @Test
    void hugeCountsDoNotOverflow() {
        long[] c = {Long.MAX_VALUE / 64, Long.MAX_VALUE / 64, 1, 1, Long.MAX_VALUE / 128};
        assertValid(c, PackageMerge.codeLengths(c, 3), 3);
    }

    /** Complete (Kraft sum 1), within the limit, lengths exactly for the symbols that occur. */
    static void assertValid(long[] counts, int[] lengths, int maxLength) {
        long used = Arrays.stream(counts).filter(x -> x > 0).count();
        double kraft = 0;
        for (int s = 0; s < counts.length; s++) {
            assertEquals(counts[s] > 0, lengths[s] > 0, "symbol " + s);
            assertTrue(lengths[s] <= maxLength);
            if (lengths[s] > 0) {
                kraft += Math.pow(2, -lengths[s]);
            }
        }
        // No symbol: no code at all; one symbol: a single 1-bit code.
        assertEquals(used == 0 ? 0.0 : used == 1 ? 0.5 : 1.0, kraft, 1e-12);
    }

    static long cost(long[] counts, int[] lengths) {
        long cost = 0;
        for (int s = 0; s < counts.length; s++) {
            cost += counts[s] * lengths[s];
        }
        return cost;
    }

    /** The textbook Huffman cost: the sum of all merged weights. */
    static long huffmanCost(long[] counts) {
        PriorityQueue<Long> queue = new PriorityQueue<>();
        for (long c : counts) {
            if (c > 0) {
                queue.add(c);
            }
        }
        long cost = 0;
        while (queue.size() > 1) {
            long merged = queue.poll() + queue.poll();
            cost += merged;
            queue.add(merged);
        }
        return cost;
    }
}
