package io.wpack.patterns;

import it.unimi.dsi.fastutil.ints.IntArrays;
import it.unimi.dsi.fastutil.longs.Long2IntMap;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.objects.Object2IntMap;
import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Counts the repeated value blocks and the sparsity masks of int8/uint8 code tensors, after Wen
 * and Gregg (2020) for values and PatDNN (Niu et al., 2020) for masks. One pass per block shape,
 * each value block packed into a {@code long} and counted by a radix sort of the keys, each mask
 * in a FastUtil {@link Long2IntOpenHashMap} (few distinct masks occur);
 * blocks of more than 8 bytes (kernels of 3×3 and up) are counted as byte-array keys in an
 * {@link Object2IntOpenHashMap}. Cost is linear in the tensor: a radix pass per key byte, or one
 * hash update per block.
 */
public final class PatternMiner {
    private PatternMiner() {
    }

    /**
     * The shapes worth counting for a tensor: 1×2, 1×4, 1×8 along the reduction axis, 2×2 for
     * rank 2 and up, and the whole kernel for convolution filters.
     */
    public static List<BlockShape> shapesFor(CodeTensor tensor) {
        List<BlockShape> shapes = new ArrayList<>(List.of(BlockShape.ROW_2, BlockShape.ROW_4, BlockShape.ROW_8));
        if (tensor.rank() >= 2) {
            shapes.add(BlockShape.SQUARE_2X2);
        }
        int[] k = tensor.kernelAxes();
        if (k != null) {
            shapes.add(BlockShape.kernel(tensor.dim(k[0]), k[1] < 0 ? 1 : tensor.dim(k[1])));
        }
        return shapes;
    }

    /** The most frequent byte: the code pruned weights get (0 for int8, the zero point for uint8). */
    public static int zeroByte(CodeTensor tensor) {
        return zeroByte(tensor.histogram());
    }

    /** {@link #zeroByte(CodeTensor)} from the tensor's {@link CodeTensor#histogram()}. */
    public static int zeroByte(long[] h) {
        int zero = 0;
        for (int b = 1; b < 256; b++) {
            if (h[b] > h[zero]) {
                zero = b;
            }
        }
        return zero;
    }

    /** Distinct value blocks of {@code shape} and their counts. */
    public static BlockCounts countValues(CodeTensor tensor, BlockShape shape) {
        BlockGeometry g = BlockGeometry.of(tensor, shape);
        if (g == null || g.origins.length == 0) {
            return BlockCounts.empty(shape);
        }
        byte[] codes = tensor.codes();
        int[] offsets = g.offsets;
        int[] origins = g.origins;
        int n = offsets.length;
        if (n <= 8) {
            long[] keys = new long[origins.length];
            for (int b = 0; b < origins.length; b++) {
                int origin = origins[b];
                long key = 0;
                for (int t = 0; t < n; t++) {
                    key |= (codes[origin + offsets[t]] & 0xFFL) << (8 * t);
                }
                keys[b] = key;
            }
            return counted(shape, keys, n);
        }
        Object2IntOpenHashMap<BlockKey> map = new Object2IntOpenHashMap<>(Math.min(origins.length, 4096));
        for (int origin : origins) {
            byte[] b = new byte[n];
            for (int t = 0; t < n; t++) {
                b[t] = codes[origin + offsets[t]];
            }
            map.addTo(new BlockKey(b), 1);
        }
        return sortedWide(shape, origins.length, map);
    }

    /** Distinct masks (bit t: element t is not {@code zero}) of {@code shape} and their counts. */
    public static BlockCounts countMasks(CodeTensor tensor, BlockShape shape, int zero) {
        BlockGeometry g = BlockGeometry.of(tensor, shape);
        if (g == null || g.origins.length == 0) {
            return BlockCounts.empty(shape);
        }
        byte[] codes = tensor.codes();
        int[] offsets = g.offsets;
        int n = offsets.length;
        byte z = (byte) zero;
        Long2IntOpenHashMap map = new Long2IntOpenHashMap(Math.min(1 << Math.min(n, 12), g.origins.length));
        for (int origin : g.origins) {
            long mask = 0;
            for (int t = 0; t < n; t++) {
                mask |= (codes[origin + offsets[t]] != z ? 1L : 0L) << t;
            }
            map.addTo(mask, 1);
        }
        return sorted(shape, g.origins.length, map, true);
    }

    /**
     * Counts of {@code keys} (blocks of {@code bytes} bytes each) by sorting rather than hashing:
     * an LSD radix sort, one pass per byte that varies, then runs. Most blocks of a large tensor
     * are distinct, and a hash map of them misses the cache on nearly every update.
     */
    private static BlockCounts counted(BlockShape shape, long[] keys, int bytes) {
        int blocks = keys.length;
        long[] a = keys;
        long[] b = new long[blocks];
        int[] count = new int[257];
        for (int d = 0; d < bytes; d++) {
            int shift = 8 * d;
            Arrays.fill(count, 0);
            for (long k : a) {
                count[(int) (k >>> shift & 0xFF) + 1]++;
            }
            if (count[(int) (a[0] >>> shift & 0xFF) + 1] == blocks) {
                continue; // every key has the same byte here
            }
            for (int i = 0; i < 256; i++) {
                count[i + 1] += count[i];
            }
            for (long k : a) {
                b[count[(int) (k >>> shift & 0xFF)]++] = k;
            }
            long[] t = a;
            a = b;
            b = t;
        }
        // a is in unsigned key order: runs of equal keys, repeated ones apart from singles.
        int distinct = 0;
        int repeated = 0;
        for (int i = 0; i < blocks; ) {
            int j = i + 1;
            while (j < blocks && a[j] == a[i]) {
                j++;
            }
            distinct++;
            repeated += j - i > 1 ? 1 : 0;
            i = j;
        }
        long[] repeatedKeys = new long[repeated];
        int[] repeatedCounts = new int[repeated];
        long[] sortedKeys = new long[distinct];
        int[] sortedCounts = new int[distinct];
        int singles = repeated;
        for (int i = 0, r = 0; i < blocks; ) {
            int j = i + 1;
            while (j < blocks && a[j] == a[i]) {
                j++;
            }
            if (j - i > 1) {
                repeatedKeys[r] = a[i];
                repeatedCounts[r++] = j - i;
            } else {
                sortedKeys[singles] = a[i];
                sortedCounts[singles++] = 1;
            }
            i = j;
        }
        // Repeated keys by count, most first; a stable sort keeps equal counts in key order.
        int[] order = new int[repeated];
        Arrays.setAll(order, k -> k);
        IntArrays.stableSort(order, (x, y) -> Integer.compare(repeatedCounts[y], repeatedCounts[x]));
        for (int k = 0; k < repeated; k++) {
            sortedKeys[k] = repeatedKeys[order[k]];
            sortedCounts[k] = repeatedCounts[order[k]];
        }
        return new BlockCounts(shape, blocks, sortedCounts, sortedKeys, null);
    }

    private static BlockCounts sorted(BlockShape shape, long blocks, Long2IntOpenHashMap map, boolean masks) {
        int size = map.size();
        long[] keys = new long[size];
        int[] counts = new int[size];
        int i = 0;
        for (Long2IntMap.Entry e : map.long2IntEntrySet()) {
            keys[i] = e.getLongKey();
            counts[i++] = e.getIntValue();
        }
        // Blocks seen once, usually most of them, go last in key order: a primitive sort of their
        // keys (sign bit flipped, so that signed order is unsigned order) instead of comparisons.
        int repeated = 0;
        for (int c : counts) {
            repeated += c > 1 ? 1 : 0;
        }
        int[] order = new int[repeated];
        long[] singles = new long[size - repeated];
        for (int k = 0, r = 0, u = 0; k < size; k++) {
            if (counts[k] > 1) {
                order[r++] = k;
            } else {
                singles[u++] = keys[k] ^ Long.MIN_VALUE;
            }
        }
        IntArrays.quickSort(order, (x, y) -> counts[x] != counts[y] ? Integer.compare(counts[y], counts[x])
                : Long.compareUnsigned(keys[x], keys[y]));
        Arrays.sort(singles);
        long[] sortedKeys = new long[size];
        int[] sortedCounts = new int[size];
        for (int k = 0; k < repeated; k++) {
            sortedKeys[k] = keys[order[k]];
            sortedCounts[k] = counts[order[k]];
        }
        for (int k = repeated; k < size; k++) {
            sortedKeys[k] = singles[k - repeated] ^ Long.MIN_VALUE;
            sortedCounts[k] = 1;
        }
        return new BlockCounts(shape, blocks, sortedCounts, sortedKeys, null);
    }

    private static BlockCounts sortedWide(BlockShape shape, long blocks, Object2IntOpenHashMap<BlockKey> map) {
        int size = map.size();
        byte[][] keys = new byte[size][];
        int[] counts = new int[size];
        int i = 0;
        for (Object2IntMap.Entry<BlockKey> e : map.object2IntEntrySet()) {
            keys[i] = e.getKey().bytes;
            counts[i++] = e.getIntValue();
        }
        int[] order = new int[size];
        Arrays.setAll(order, k -> k);
        IntArrays.quickSort(order, (x, y) -> counts[x] != counts[y] ? Integer.compare(counts[y], counts[x])
                : Arrays.compareUnsigned(keys[x], keys[y]));
        byte[][] sortedKeys = new byte[size][];
        int[] sortedCounts = new int[size];
        for (int k = 0; k < size; k++) {
            sortedKeys[k] = keys[order[k]];
            sortedCounts[k] = counts[order[k]];
        }
        return new BlockCounts(shape, blocks, sortedCounts, null, sortedKeys);
    }

    /** A block of more than 8 bytes as a hash key. */
    private static final class BlockKey {
        final byte[] bytes;
        final int hash;

        BlockKey(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof BlockKey && Arrays.equals(bytes, ((BlockKey) o).bytes);
        }
    }
}
