package io.wpack.patterns;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PatternMinerTest {

    @Property(tries = 300)
    void countsMatchASlowOracle(@ForAll @Size(min = 1, max = 4) List<@IntRange(min = 1, max = 7) Integer> dims,
            @ForAll @IntRange(min = -1, max = 3) int reduction, @ForAll @IntRange(min = 1, max = 5) int alphabet,
            @ForAll long seed) {
        long[] shape = dims.stream().mapToLong(Integer::longValue).toArray();
        int axis = Math.min(reduction, shape.length - 1);
        CodeTensor t = CodeTensors.random(shape, axis, alphabet, 0.4, seed);
        for (BlockShape s : PatternMiner.shapesFor(t)) {
            Map<String, Integer> expected = oracle(t, s, false);
            assertEquals(expected, asMap(PatternMiner.countValues(t, s), false), s + " values of " + Arrays.toString(shape));
            assertEquals(oracle(t, s, true), asMap(PatternMiner.countMasks(t, s, 0), true), s + " masks");
        }
    }

    @Test
    void kernelsOfBothLayouts() {
        CodeTensor oihw = CodeTensors.random(new long[] {4, 3, 3, 3}, 1, 7, 0.3, 1);
        assertArrayEquals(new int[] {2, 3}, oihw.kernelAxes());
        CodeTensor hwio = CodeTensors.random(new long[] {3, 3, 3, 4}, 2, 7, 0.3, 2);
        assertArrayEquals(new int[] {0, 1}, hwio.kernelAxes());
        assertNull(CodeTensors.random(new long[] {1, 1, 16, 8}, 2, 7, 0.3, 3).kernelAxes());
        assertArrayEquals(new int[] {2, -1}, CodeTensors.random(new long[] {8, 4, 5}, 1, 7, 0.3, 4).kernelAxes());
        // 3x3 kernels are 9 bytes: counted as byte-array keys.
        BlockCounts kernels = PatternMiner.countValues(oihw, BlockShape.kernel(3, 3));
        assertEquals(12, kernels.blocks());
        assertEquals(oracle(oihw, BlockShape.kernel(3, 3), false), asMap(kernels, false));
    }

    @Test
    void mostFrequentFirstAndCoverage() {
        CodeTensor t = CodeTensors.plantedRows(64, 64, 8, 5);
        BlockCounts c = PatternMiner.countValues(t, BlockShape.ROW_4);
        assertEquals(64 * 16, c.blocks());
        assertTrue(c.distinct() <= 8);
        for (int i = 1; i < c.distinct(); i++) {
            assertTrue(c.count(i - 1) >= c.count(i));
        }
        assertEquals(1.0, c.coverage(16), 1e-12);
        assertEquals((double) c.count(0) / c.blocks(), c.coverage(1), 1e-12);
    }

    @Test
    void emptyAndScalarTensors() {
        CodeTensor empty = new CodeTensor("e", new byte[0], new long[] {0, 4}, 1);
        for (BlockShape s : PatternMiner.shapesFor(empty)) {
            assertEquals(0, PatternMiner.countValues(empty, s).blocks());
        }
        CodeTensor scalar = new CodeTensor("s", new byte[] {3}, new long[0], -1);
        assertEquals(0, PatternMiner.countValues(scalar, BlockShape.ROW_2).blocks());
        CodeTensor flat = new CodeTensor("f", new byte[] {1, 2, 1, 2, 1}, new long[] {5}, 0);
        BlockCounts pairs = PatternMiner.countValues(flat, BlockShape.ROW_2);
        assertEquals(2, pairs.blocks());
        assertEquals(1, pairs.distinct());
        assertArrayEquals(new byte[] {1, 2}, pairs.entry(0));
    }

    /** Blocks by explicit coordinates: every aligned origin, elements in the block's row-major order. */
    private static Map<String, Integer> oracle(CodeTensor t, BlockShape s, boolean masks) {
        int rank = t.rank();
        long[] dims = t.shape();
        int[] extent = new int[rank];
        Arrays.fill(extent, 1);
        switch (s.kind()) {
            case ROW -> extent[t.blockAxis()] = s.cols();
            case SQUARE -> {
                int a = t.blockAxis();
                int b = a == rank - 1 ? rank - 2 : rank - 1;
                extent[a] = 2;
                extent[b] = 2;
            }
            default -> {
                int[] k = t.kernelAxes();
                extent[k[0]] = s.rows();
                if (k[1] >= 0) {
                    extent[k[1]] = s.cols();
                }
            }
        }
        Map<String, Integer> counts = new HashMap<>();
        List<int[]> origins = new ArrayList<>();
        collect(new int[rank], 0, dims, extent, origins);
        for (int[] origin : origins) {
            List<Byte> block = new ArrayList<>();
            collectBlock(t, origin, new int[rank], 0, extent, block);
            String key;
            if (masks) {
                long m = 0;
                for (int i = 0; i < block.size(); i++) {
                    m |= (block.get(i) != 0 ? 1L : 0) << i;
                }
                key = Long.toString(m);
            } else {
                key = block.toString();
            }
            counts.merge(key, 1, Integer::sum);
        }
        return counts;
    }

    private static void collect(int[] coord, int axis, long[] dims, int[] extent, List<int[]> out) {
        if (axis == dims.length) {
            out.add(coord.clone());
            return;
        }
        for (int c = 0; c + extent[axis] <= dims[axis]; c += extent[axis]) {
            coord[axis] = c;
            collect(coord, axis + 1, dims, extent, out);
        }
    }

    private static void collectBlock(CodeTensor t, int[] origin, int[] offset, int axis, int[] extent, List<Byte> out) {
        if (axis == origin.length) {
            long index = 0;
            for (int a = 0; a < origin.length; a++) {
                index = index * t.dim(a) + origin[a] + offset[a];
            }
            out.add(t.codes()[(int) index]);
            return;
        }
        for (int o = 0; o < extent[axis]; o++) {
            offset[axis] = o;
            collectBlock(t, origin, offset, axis + 1, extent, out);
        }
    }

    private static Map<String, Integer> asMap(BlockCounts c, boolean masks) {
        Map<String, Integer> map = new HashMap<>();
        for (int i = 0; i < c.distinct(); i++) {
            String key;
            if (masks) {
                key = Long.toString(c.mask(i));
            } else {
                List<Byte> bytes = new ArrayList<>();
                for (byte b : c.entry(i)) {
                    bytes.add(b);
                }
                key = bytes.toString();
            }
            map.put(key, c.count(i));
        }
        return map;
    }
}
