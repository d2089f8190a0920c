package io.wpack.encoders.pattern;

import io.wpack.encoders.huffman.Sections;
import io.wpack.encoders.huffman.BitWriter;
import io.wpack.encoders.huffman.CanonicalHuffmanEncoder;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Writes {@code maskvalues} streams (grammar in {@link MaskValuesCodec}). Choosing is kept apart
 * from emitting: {@link #analyse} gathers the blocks and picks the zero byte, the value mode and
 * the segment classes; {@link #write} only emits.
 *
 * <p><b>Classes</b> are Brotli's context clustering applied to segments: segments (output
 * channels, when the layout makes each channel one segment) whose masks and values follow
 * similar statistics share a pair of Huffman codes. The search bisects: 2 classes split by
 * density, then each class split in two (4, 8, 16), each time refined by a few Lloyd rounds in
 * which a segment moves to the half whose code is cheaper for its masks and magnitudes; the
 * best count is refined once over all classes. Candidates are ranked by entropy estimates
 * (plus 5 bits of table per symbol), which cost a fraction of exact Huffman sizes. On
 * magnitude-pruned weights the sparsity and spread of output channels differ widely, which one
 * code for the whole tensor cannot follow; on weights requantized from an 8-bit source, each
 * channel uses its own subset of codes, which only full magnitudes (not buckets) tell apart.
 *
 * <p>Cost is linear in the chunk: the analysis passes once over the bytes, and each round of
 * the search once over each segment's distinct symbols.
 */
final class MaskValuesEncoder {
    static final int MAX_CLASSES = 16;
    /** Values as whole bytes. */
    static final int WHOLE = 0;
    /** Values as magnitude - 1 (0..127) and a sign bit. */
    static final int SPLIT = 1;
    /** Values as the bucket of magnitude - 1 ({@link #bucket}), its extra bits and a sign bit. */
    static final int BUCKETED = 3;
    static final int BUCKETS = 14;
    /** Each count doubles the last, so that its clustering can start from the last one's. */
    private static final int[] CLASS_COUNTS = {2, 4, 8, 16};
    private static final int LLOYD_ROUNDS = 3;

    private MaskValuesEncoder() {
    }

    /** Everything the writer needs, in logical order. */
    static final class Analysis {
        int n;
        int block;
        int columns;
        int segment;
        int zero;
        /** {@link #WHOLE}, {@link #SPLIT} or {@link #BUCKETED}. */
        int mode;
        int segCount;
        /** Mask symbol per block, in logical order. */
        int[] masks;
        /** The masks renumbered densely (see {@link #denseMaskIds}), and how many there are. */
        int[] maskIds;
        int maskIdCount;
        int[] segBlockStart;
        /** Value symbol per non-zero element, in logical order, in the chosen mode. */
        int[] values;
        int[] segValueStart;
        /** Per non-zero element, whether its difference from the zero byte is negative. */
        boolean[] negative;
        int nonZero;
        /** Raw bits after the sections: extra bits and signs. */
        long rawBits;
        /** Magnitude - 1 per non-zero element, for the raw bits. */
        int[] magnitudes;
        int classes;
        int[] classOf;
        long estimatedBytes;
    }

    static byte[] encode(byte[] src, int off, int n, int block, int columns, int segment, int maxClasses) {
        return write(analyse(src, off, n, block, columns, segment, maxClasses, false));
    }

    /**
     * @param segment segment length, or 0 for one segment of the whole chunk
     * @param exactEstimate whether {@link Analysis#estimatedBytes} must be exact to within the
     *     sections' padding, rather than the entropy estimate the choices were made by
     */
    static Analysis analyse(byte[] src, int off, int n, int block, int columns, int segment, int maxClasses,
            boolean exactEstimate) {
        return analyse(src, off, n, new int[] {block}, columns, segment, maxClasses, exactEstimate);
    }

    /**
     * The analysis for whichever of {@code blocks} comes out smallest. Everything but the masks
     * is shared: the segment classes are searched once, with the first block length, and the
     * others' mask sections are sized exactly under the classes found (values, raw bits and the
     * class map do not depend on the block length). On the corpus at 80% sparsity this comes
     * within 0.15% of analysing each length on its own, at the cost of one analysis.
     */
    static Analysis analyse(byte[] src, int off, int n, int[] blocks, int columns, int segment, int maxClasses,
            boolean exactEstimate) {
        Analysis a = new Analysis();
        a.n = n;
        a.columns = columns > 1 && columns <= n ? columns : 1;
        byte[] data = src;
        int base = off;
        if (a.columns > 1) {
            data = PatternStreams.toLogical(src, off, n, a.columns);
            base = 0;
        }
        a.segment = n == 0 ? 1 : segment <= 0 || segment > n ? n : segment;

        int[] byteCounts = new int[256];
        for (int i = base; i < base + n; i++) {
            byteCounts[data[i] & 0xFF]++;
        }
        int zero = 0;
        for (int b = 1; b < 256; b++) {
            if (byteCounts[b] > byteCounts[zero]) {
                zero = b;
            }
        }
        a.zero = zero;

        a.segCount = n == 0 ? 0 : (n - 1) / a.segment + 1;
        int nonZero = n - byteCounts[zero];
        a.segValueStart = new int[a.segCount + 1];
        // One slot of slack: the loop below stores every byte and only advances past non-zero ones.
        a.values = new int[nonZero + 1];
        a.nonZero = nonZero;
        a.negative = new boolean[nonZero];
        int v = 0;
        for (int k = 0; k < a.segCount; k++) {
            a.segValueStart[k] = v;
            int end = base + Math.min(n, (k + 1) * a.segment);
            for (int i = base + k * a.segment; i < end; i++) {
                // Branch-free: at 50% sparsity a branch on each byte is a coin toss.
                int x = data[i] & 0xFF;
                a.values[v] = x;
                v += (x ^ zero | -(x ^ zero)) >>> 31;
            }
        }
        a.segValueStart[a.segCount] = v;
        Masks[] masksOf = new Masks[blocks.length];
        for (int i = 0; i < blocks.length; i++) {
            masksOf[i] = Masks.of(a, data, base, blocks[i]);
        }

        // Magnitudes and signs apart halve the value alphabet (smaller tables) and cost nothing
        // when signs are balanced, as for symmetric int8 weights; skewed signs keep whole bytes.
        // Buckets of magnitudes shrink the tables to 14 symbols at the price of coding the low
        // bits of large magnitudes as they are: a win for small chunks, where tables dominate.
        int[] bytes = a.values;
        int[] magnitudes = new int[nonZero];
        int[] buckets = new int[nonZero];
        long extraBits = 0;
        for (int i = 0; i < nonZero; i++) {
            int d = (byte) (bytes[i] - zero);
            a.negative[i] = d < 0;
            int m = Math.abs(d) - 1;
            magnitudes[i] = m;
            buckets[i] = bucket(m);
            extraBits += extraBits(m);
        }
        a.magnitudes = magnitudes;
        int[][] symbols = {bytes, magnitudes, null, buckets};
        // bytes has the slack slot; the value histograms only read the first nonZero entries.
        long[] rawBits = {0, nonZero, 0, nonZero + extraBits};
        int[] modes = {WHOLE, SPLIT, BUCKETED};

        int[] single = new int[a.segCount];
        Masks masks = masksOf[0];
        masks.apply(a);
        long singleMasks = maskBytes(a, single, 1, false);
        long best = Long.MAX_VALUE;
        int bestMode = WHOLE;
        int bestClasses = 1;
        int[] bestClassOf = single;
        for (int mode : modes) {
            a.mode = mode;
            a.values = symbols[mode];
            a.rawBits = rawBits[mode];
            long size = fixedBytes(a, single, 1, false) + singleMasks + valueBytes(a, single, 1, false);
            if (size < best) {
                best = size;
                bestMode = mode;
            }
        }
        int limit = Math.min(maxClasses, MAX_CLASSES);
        if (limit > 1 && a.segCount >= 4 && bestMode != WHOLE) {
            // Classes are searched in the mode that won alone; the modes are compared again at
            // the end, on the classes found.
            a.mode = bestMode;
            a.values = symbols[bestMode];
            a.rawBits = rawBits[bestMode];
            SegmentFeatures features = new SegmentFeatures(a, magnitudes);
            int failures = 0;
            int[] previous = null;
            int[] bestRaw = null;
            int bestG = 1;
            for (int g : CLASS_COUNTS) {
                if (g > limit || 2 * g > a.segCount) {
                    break;
                }
                int[] classOf = cluster(a, features, g, previous);
                previous = classOf.clone();
                int used = compact(classOf, g);
                long size = fixedBytes(a, classOf, used, false) + maskBytes(a, classOf, used, false)
                        + featureValueBytes(a, features, classOf, used);
                if (size < best) {
                    best = size;
                    bestClasses = used;
                    bestClassOf = classOf;
                    bestRaw = previous;
                    bestG = g;
                    failures = 0;
                } else if (++failures == 2) {
                    break;
                }
            }
            if (bestRaw != null) {
                // Bisection only ever split classes; one round over all of them lets segments
                // move to any class.
                int[] refined = bestRaw.clone();
                if (refine(a, features, refined, bestG) > 0) {
                    int used = compact(refined, bestG);
                    long size = fixedBytes(a, refined, used, false) + maskBytes(a, refined, used, false)
                            + featureValueBytes(a, features, refined, used);
                    if (size < best) {
                        best = size;
                        bestClasses = used;
                        bestClassOf = refined;
                    }
                }
                long maskSize = maskBytes(a, bestClassOf, bestClasses, false);
                best = Long.MAX_VALUE;
                for (int mode : modes) {
                    a.mode = mode;
                    a.values = symbols[mode];
                    a.rawBits = rawBits[mode];
                    long size = fixedBytes(a, bestClassOf, bestClasses, false) + maskSize
                            + valueBytes(a, bestClassOf, bestClasses, false);
                    if (size < best) {
                        best = size;
                        bestMode = mode;
                    }
                }
            }
        }
        if (masksOf.length > 1) {
            long chosen = exactMaskBytes(a, bestClassOf, bestClasses);
            for (Masks m : masksOf) {
                if (m != masks) {
                    m.apply(a);
                    long size = exactMaskBytes(a, bestClassOf, bestClasses);
                    if (size < chosen) {
                        best += size - chosen;
                        chosen = size;
                        masks = m;
                    }
                }
            }
            masks.apply(a);
        }
        a.mode = bestMode;
        a.values = symbols[bestMode];
        a.rawBits = rawBits[bestMode];
        a.classes = bestClasses;
        a.classOf = bestClassOf;
        // Exact section sizes cost a package-merge and a table each: only when asked for.
        a.estimatedBytes = exactEstimate ? estimate(a, bestClassOf, bestClasses, true) : best;
        return a;
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /** Bit j set when byte j (little-endian) of {@code word} is not zero: SWAR, no branch per byte. */
    static int nonZeroBits(long word) {
        long high = ((word & 0x7F7F7F7F7F7F7F7FL) + 0x7F7F7F7F7F7F7F7FL | word) & 0x8080808080808080L;
        // Gathers the eight high bits into the low byte of the top: bit 8j + 7 lands on bit 56 + j,
        // and no two partial products meet below it.
        return (int) ((high * 0x0002040810204081L) >>> 56) & 0xFF;
    }

    /** The mask symbols of one block length, in logical order, segment by segment. */
    private static final class Masks {
        final int block;
        final int[] masks;
        final int[] segBlockStart;
        final int[] maskIds;
        final int maskIdCount;

        private Masks(Analysis a) {
            block = a.block;
            masks = a.masks;
            segBlockStart = a.segBlockStart;
            maskIds = a.maskIds;
            maskIdCount = a.maskIdCount;
        }

        static Masks of(Analysis a, byte[] data, int base, int block) {
            int n = a.n;
            int zero = a.zero;
            int perFullSegment = (a.segment + block - 1) / block;
            int lastLength = n - (a.segCount - 1) * a.segment;
            int blocks = a.segCount == 0 ? 0 : (a.segCount - 1) * perFullSegment + (lastLength + block - 1) / block;
            a.block = block;
            a.masks = new int[blocks];
            a.segBlockStart = new int[a.segCount + 1];
            int b = 0;
            long zeros = (zero & 0xFFL) * 0x0101010101010101L;
            boolean words = block == 4 || block == 8 || block == 16;
            for (int k = 0; k < a.segCount; k++) {
                a.segBlockStart[k] = b;
                int end = base + Math.min(n, (k + 1) * a.segment);
                int i = base + k * a.segment;
                if (words) {
                    // Whole blocks a word at a time; the last partial block below.
                    for (; i + block <= end; i += block) {
                        int m;
                        if (block == 8) {
                            m = nonZeroBits((long) LONGS.get(data, i) ^ zeros);
                        } else if (block == 4) {
                            m = nonZeroBits(((int) INTS.get(data, i) ^ zeros) & 0xFFFFFFFFL);
                        } else {
                            m = nonZeroBits((long) LONGS.get(data, i) ^ zeros)
                                    | nonZeroBits((long) LONGS.get(data, i + 8) ^ zeros) << 8;
                        }
                        a.masks[b++] = m;
                    }
                }
                for (; i < end; i += block) {
                    int len = Math.min(block, end - i);
                    int m = 0;
                    for (int j = 0; j < len; j++) {
                        int x = data[i + j] & 0xFF;
                        m |= ((x ^ zero | -(x ^ zero)) >>> 31) << j;
                    }
                    a.masks[b++] = m;
                }
            }
            a.segBlockStart[a.segCount] = b;
            denseMaskIds(a);
            return new Masks(a);
        }

        void apply(Analysis a) {
            a.block = block;
            a.masks = masks;
            a.segBlockStart = segBlockStart;
            a.maskIds = maskIds;
            a.maskIdCount = maskIdCount;
        }
    }

    /**
     * The bucket of a magnitude - 1 value v (0..127): v itself below 4, else 4 + 2(e - 2) + the
     * bit below the leading one, e = floor(log2 v); the e - 1 bits under those two are extra.
     */
    static int bucket(int v) {
        if (v < 4) {
            return v;
        }
        int e = 31 - Integer.numberOfLeadingZeros(v);
        return 4 + 2 * (e - 2) + (v >>> (e - 1) & 1);
    }

    static int extraBits(int v) {
        return v < 4 ? 0 : 30 - Integer.numberOfLeadingZeros(v);
    }

    /** The alphabet of {@link Analysis#maskIds}: what the searches histogram masks over. */
    private static int maskAlphabet(Analysis a) {
        return a.maskIdCount;
    }

    /**
     * Masks renumbered densely, in order of first occurrence, for blocks over 8: the searches
     * then keep per-class histograms of the masks that occur rather than of all 2^B. Huffman code
     * lengths do not depend on the numbering; only the exact table size does, which uses the
     * masks themselves.
     */
    private static void denseMaskIds(Analysis a) {
        if (a.block <= 8) {
            a.maskIds = a.masks;
            a.maskIdCount = 1 << a.block;
            return;
        }
        int[] id = new int[1 << a.block];
        java.util.Arrays.fill(id, -1);
        int next = 0;
        a.maskIds = new int[a.masks.length];
        for (int i = 0; i < a.masks.length; i++) {
            int m = a.masks[i];
            if (id[m] < 0) {
                id[m] = next++;
            }
            a.maskIds[i] = id[m];
        }
        a.maskIdCount = Math.max(1, next);
    }

    private static int valueAlphabet(Analysis a) {
        return a.mode == WHOLE ? 256 : a.mode == SPLIT ? 128 : BUCKETS;
    }

    /**
     * What clustering looks at per segment: its mask symbols and its value magnitudes (|d| - 1)
     * as sparse histograms. Full magnitudes rather than buckets: codes requantized from an
     * already quantized source occupy a different subset of values in each channel, which only
     * full symbols tell apart.
     */
    private static final class SegmentFeatures {
        final int[] maskStart;
        final int[] maskSymbol;
        final int[] maskCount;
        final int[] valueStart;
        final int[] valueSymbol;
        final int[] valueCount;
        final long[] density;

        SegmentFeatures(Analysis a, int[] magnitudes) {
            int segs = a.segCount;
            maskStart = new int[segs + 1];
            valueStart = new int[segs + 1];
            int[][] mask = sparse(a.maskIds, a.segBlockStart, segs, a.maskIdCount, maskStart);
            maskSymbol = mask[0];
            maskCount = mask[1];
            int[][] value = sparse(magnitudes, a.segValueStart, segs, 128, valueStart);
            valueSymbol = value[0];
            valueCount = value[1];
            density = new long[segs];
            for (int s = 0; s < segs; s++) {
                long values = a.segValueStart[s + 1] - a.segValueStart[s];
                long length = Math.min(a.n, (long) (s + 1) * a.segment) - (long) s * a.segment;
                // Density in the high bits, the index below: sorting these orders by density, then position.
                density[s] = ((values << 20) / length) << 32 | s;
            }
        }

        /** Per segment, the distinct symbols of {@code symbols[start[s], start[s + 1])} and their counts. */
        private static int[][] sparse(int[] symbols, int[] start, int segs, int alphabet, int[] outStart) {
            int[] scratch = new int[alphabet];
            int[] touched = new int[alphabet];
            int[] sym = new int[symbols.length];
            int[] cnt = new int[symbols.length];
            int k = 0;
            for (int s = 0; s < segs; s++) {
                outStart[s] = k;
                int t = 0;
                for (int i = start[s]; i < start[s + 1]; i++) {
                    int x = symbols[i];
                    if (scratch[x]++ == 0) {
                        touched[t++] = x;
                    }
                }
                for (int j = 0; j < t; j++) {
                    sym[k] = touched[j];
                    cnt[k++] = scratch[touched[j]];
                    scratch[touched[j]] = 0;
                }
            }
            outStart[segs] = k;
            return new int[][] {java.util.Arrays.copyOf(sym, k), java.util.Arrays.copyOf(cnt, k)};
        }
    }

    /**
     * Bisecting Lloyd rounds, returning the class of each segment. For 2 classes, the segments
     * start split by density; for 2g, each class c of {@code previous} splits into 2c and 2c + 1,
     * starting by density, and a segment only ever chooses between the two halves of its class.
     * So each doubling costs two class evaluations per segment and round, whatever the count.
     */
    private static int[] cluster(Analysis a, SegmentFeatures f, int g, int[] previous) {
        int segs = a.segCount;
        long[] order = f.density.clone();
        java.util.Arrays.sort(order);
        int[] classOf = new int[segs];
        if (previous == null) {
            for (int i = 0; i < segs; i++) {
                classOf[(int) order[i]] = (int) ((long) i * g / segs);
            }
        } else {
            int[] size = new int[g / 2];
            for (int c : previous) {
                size[c]++;
            }
            int[] seen = new int[g / 2];
            for (int i = 0; i < segs; i++) {
                int s = (int) order[i];
                int c = previous[s];
                classOf[s] = 2 * c + (2 * seen[c]++ >= size[c] ? 1 : 0);
            }
        }
        int maskA = maskAlphabet(a);
        float[][] maskCost = new float[g][maskA];
        float[][] valueCost = new float[g][128];
        long[][] maskHist = new long[g][maskA];
        long[][] valueHist = new long[g][128];
        for (int round = 0; round < LLOYD_ROUNDS; round++) {
            for (int c = 0; c < g; c++) {
                Arrays.fill(maskHist[c], 0);
                Arrays.fill(valueHist[c], 0);
            }
            for (int s = 0; s < segs; s++) {
                long[] mh = maskHist[classOf[s]];
                for (int j = f.maskStart[s]; j < f.maskStart[s + 1]; j++) {
                    mh[f.maskSymbol[j]] += f.maskCount[j];
                }
                long[] vh = valueHist[classOf[s]];
                for (int j = f.valueStart[s]; j < f.valueStart[s + 1]; j++) {
                    vh[f.valueSymbol[j]] += f.valueCount[j];
                }
            }
            for (int c = 0; c < g; c++) {
                costs(maskHist[c], maskCost[c]);
                costs(valueHist[c], valueCost[c]);
            }
            int moved = 0;
            for (int s = 0; s < segs; s++) {
                int best = classOf[s];
                float bestCost = Float.MAX_VALUE;
                int first = previous == null ? 0 : 2 * previous[s];
                int last = previous == null ? g : first + 2;
                for (int c = first; c < last; c++) {
                    float[] mc = maskCost[c];
                    float[] vc = valueCost[c];
                    float cost = 0;
                    for (int j = f.maskStart[s]; j < f.maskStart[s + 1]; j++) {
                        cost += f.maskCount[j] * mc[f.maskSymbol[j]];
                    }
                    for (int j = f.valueStart[s]; j < f.valueStart[s + 1]; j++) {
                        cost += f.valueCount[j] * vc[f.valueSymbol[j]];
                    }
                    if (cost < bestCost) {
                        bestCost = cost;
                        best = c;
                    }
                }
                if (best != classOf[s]) {
                    classOf[s] = best;
                    moved++;
                }
            }
            // Stop when under 1% of the segments move: the last moves change little.
            if (moved * 100 <= segs) {
                break;
            }
        }
        return classOf;
    }

    /** {@link #valueBytes} for modes 1 and 3, from the segments' magnitude histograms rather than every value. */
    private static long featureValueBytes(Analysis a, SegmentFeatures f, int[] classOf, int g) {
        int alphabet = valueAlphabet(a);
        long[][] hist = new long[g][alphabet];
        boolean buckets = a.mode == BUCKETED;
        for (int s = 0; s < a.segCount; s++) {
            long[] h = hist[classOf[s]];
            for (int j = f.valueStart[s]; j < f.valueStart[s + 1]; j++) {
                int v = f.valueSymbol[j];
                h[buckets ? bucket(v) : v] += f.valueCount[j];
            }
        }
        long size = 0;
        for (int c = 0; c < g; c++) {
            size += section(hist[c], alphabet, Sections.BYTE_CODE_LIMIT, false);
        }
        return size;
    }

    /** One Lloyd round over all {@code g} classes; returns how many segments moved. */
    private static int refine(Analysis a, SegmentFeatures f, int[] classOf, int g) {
        int maskA = maskAlphabet(a);
        long[][] maskHist = new long[g][maskA];
        long[][] valueHist = new long[g][128];
        for (int s = 0; s < a.segCount; s++) {
            long[] mh = maskHist[classOf[s]];
            for (int j = f.maskStart[s]; j < f.maskStart[s + 1]; j++) {
                mh[f.maskSymbol[j]] += f.maskCount[j];
            }
            long[] vh = valueHist[classOf[s]];
            for (int j = f.valueStart[s]; j < f.valueStart[s + 1]; j++) {
                vh[f.valueSymbol[j]] += f.valueCount[j];
            }
        }
        float[][] maskCost = new float[g][maskA];
        float[][] valueCost = new float[g][128];
        for (int c = 0; c < g; c++) {
            costs(maskHist[c], maskCost[c]);
            costs(valueHist[c], valueCost[c]);
        }
        int moved = 0;
        for (int s = 0; s < a.segCount; s++) {
            int best = classOf[s];
            float bestCost = Float.MAX_VALUE;
            for (int c = 0; c < g; c++) {
                float cost = 0;
                for (int j = f.maskStart[s]; j < f.maskStart[s + 1]; j++) {
                    cost += f.maskCount[j] * maskCost[c][f.maskSymbol[j]];
                }
                for (int j = f.valueStart[s]; j < f.valueStart[s + 1]; j++) {
                    cost += f.valueCount[j] * valueCost[c][f.valueSymbol[j]];
                }
                if (cost < bestCost) {
                    bestCost = cost;
                    best = c;
                }
            }
            if (best != classOf[s]) {
                classOf[s] = best;
                moved++;
            }
        }
        return moved;
    }

    /** Bits per symbol under the class's own statistics, with a small prior so that unseen symbols cost much but not infinitely. */
    private static void costs(long[] hist, float[] cost) {
        long total = 0;
        int used = 0;
        for (long h : hist) {
            total += h;
            used += h > 0 ? 1 : 0;
        }
        double prior = 0.5;
        float denominator = PatternStreams.log2(total + prior * Math.max(1, used));
        float unseen = denominator + 1;
        for (int s = 0; s < hist.length; s++) {
            long h = hist[s];
            cost[s] = h == 0 ? unseen : denominator - PatternStreams.log2(h + prior);
        }
    }

    /** Renumbers the classes that occur as 0..used-1, in order of first occurrence; returns used. */
    private static int compact(int[] classOf, int g) {
        int[] map = new int[g];
        Arrays.fill(map, -1);
        int used = 0;
        for (int k = 0; k < classOf.length; k++) {
            int c = classOf[k];
            if (map[c] < 0) {
                map[c] = used++;
            }
            classOf[k] = map[c];
        }
        return used;
    }

    /** Stream bytes for this assignment, tables included: to within padding when exact, else from entropies. */
    private static long estimate(Analysis a, int[] classOf, int g, boolean exact) {
        return fixedBytes(a, classOf, g, exact) + maskBytes(a, classOf, g, exact) + valueBytes(a, classOf, g, exact);
    }

    /**
     * A sized section's bytes: exact (the optimal code's lengths, by package-merge) or estimated
     * as the histogram's entropy plus 5 bits of table per occurring symbol, which ranks
     * candidates as well at a fraction of the cost.
     */
    private static long section(long[] hist, int alphabet, int limit, boolean exact) {
        if (exact) {
            return PatternStreams.sectionBytes(hist, alphabet, limit);
        }
        long total = 0;
        int used = 0;
        double sum = 0;
        for (int s = 0; s < alphabet; s++) {
            long c = hist[s];
            if (c > 0) {
                total += c;
                used++;
                sum += c * PatternStreams.log2(c);
            }
        }
        if (used <= 1) {
            return 4;
        }
        double bits = total * PatternStreams.log2(total) - sum;
        return (long) (bits / 8) + 3 + (5L * used + 7) / 8;
    }

    /** The header, the class map and the raw bits. */
    private static long fixedBytes(Analysis a, int[] classOf, int g, boolean exact) {
        long size = PatternStreams.varintSize(a.n) + 2 + PatternStreams.varintSize(a.columns)
                + PatternStreams.varintSize(a.segment) + 1;
        if (g > 1) {
            long[] classHist = new long[256];
            for (int c : classOf) {
                classHist[c]++;
            }
            size += section(classHist, 256, Sections.BYTE_CODE_LIMIT, exact);
        }
        return size + (a.rawBits + 7) / 8;
    }

    private static long maskBytes(Analysis a, int[] classOf, int g, boolean exact) {
        int alphabet = exact ? 1 << a.block : maskAlphabet(a);
        int[] symbols = exact ? a.masks : a.maskIds;
        long[][] hist = new long[g][alphabet];
        for (int k = 0; k < a.segCount; k++) {
            long[] h = hist[classOf[k]];
            for (int i = a.segBlockStart[k]; i < a.segBlockStart[k + 1]; i++) {
                h[symbols[i]]++;
            }
        }
        int limit = a.block <= 8 ? Sections.BYTE_CODE_LIMIT : Sections.WIDE_CODE_LIMIT;
        long size = 0;
        for (int c = 0; c < g; c++) {
            size += section(hist[c], alphabet, limit, exact);
        }
        return size;
    }

    /**
     * {@link #maskBytes} with exact sizes, in time in the masks that occur rather than in 2^B.
     * Block lengths are compared by this: the entropy estimate undervalues the tables of the
     * wide (B &gt; 8) alphabets.
     */
    private static long exactMaskBytes(Analysis a, int[] classOf, int g) {
        int ids = a.maskIdCount;
        int[] maskOfId = new int[ids];
        for (int i = 0; i < a.masks.length; i++) {
            maskOfId[a.maskIds[i]] = a.masks[i];
        }
        // Tables list symbols in ascending order: the ids sorted by the masks they stand for.
        long[] byMask = new long[ids];
        for (int id = 0; id < ids; id++) {
            byMask[id] = (long) maskOfId[id] << 32 | id;
        }
        if (a.block > 8) {
            Arrays.sort(byMask);
        }
        long[][] hist = new long[g][ids];
        for (int k = 0; k < a.segCount; k++) {
            long[] h = hist[classOf[k]];
            for (int i = a.segBlockStart[k]; i < a.segBlockStart[k + 1]; i++) {
                h[a.maskIds[i]]++;
            }
        }
        int limit = a.block <= 8 ? Sections.BYTE_CODE_LIMIT : Sections.WIDE_CODE_LIMIT;
        int[] symbols = new int[ids];
        long[] counts = new long[ids];
        long size = 0;
        for (int c = 0; c < g; c++) {
            int used = 0;
            long total = 0;
            for (long key : byMask) {
                long count = hist[c][(int) key];
                if (count > 0) {
                    symbols[used] = (int) (key >>> 32);
                    counts[used++] = count;
                    total += count;
                }
            }
            long section = CanonicalHuffmanEncoder.sectionSizeEstimate(symbols, counts, used, limit, total);
            size += section + PatternStreams.varintSize(section);
        }
        return size;
    }

    private static long valueBytes(Analysis a, int[] classOf, int g, boolean exact) {
        long[][] hist = new long[g][valueAlphabet(a)];
        for (int k = 0; k < a.segCount; k++) {
            long[] h = hist[classOf[k]];
            for (int i = a.segValueStart[k]; i < a.segValueStart[k + 1]; i++) {
                h[a.values[i]]++;
            }
        }
        long size = 0;
        for (int c = 0; c < g; c++) {
            size += section(hist[c], valueAlphabet(a), Sections.BYTE_CODE_LIMIT, exact);
        }
        return size;
    }

    static byte[] write(Analysis a) {
        BitWriter out = new BitWriter((int) Math.min(Integer.MAX_VALUE - 64, a.estimatedBytes + 64));
        out.writeVarint(a.n);
        out.writeByte(a.zero);
        out.writeByte(a.mode);
        out.writeVarint(a.columns);
        out.writeVarint(a.segment);
        out.writeByte(a.classes);
        int g = a.classes;
        int[] blocksOf = new int[g];
        int[] valuesOf = new int[g];
        for (int k = 0; k < a.segCount; k++) {
            blocksOf[a.classOf[k]] += a.segBlockStart[k + 1] - a.segBlockStart[k];
            valuesOf[a.classOf[k]] += a.segValueStart[k + 1] - a.segValueStart[k];
        }
        if (g > 1) {
            byte[] map = new byte[a.segCount];
            for (int k = 0; k < a.segCount; k++) {
                map[k] = (byte) a.classOf[k];
            }
            Sections.writeSizedBytes(map, map.length, out);
        }
        for (int c = 0; c < g; c++) {
            int count = 0;
            if (a.block <= 8) {
                byte[] symbols = new byte[blocksOf[c]];
                for (int k = 0; k < a.segCount; k++) {
                    if (a.classOf[k] == c) {
                        for (int i = a.segBlockStart[k]; i < a.segBlockStart[k + 1]; i++) {
                            symbols[count++] = (byte) a.masks[i];
                        }
                    }
                }
                Sections.writeSizedBytes(symbols, count, out);
            } else {
                char[] symbols = new char[blocksOf[c]];
                for (int k = 0; k < a.segCount; k++) {
                    if (a.classOf[k] == c) {
                        for (int i = a.segBlockStart[k]; i < a.segBlockStart[k + 1]; i++) {
                            symbols[count++] = (char) a.masks[i];
                        }
                    }
                }
                PatternStreams.writeSizedWide(symbols, count, 1 << a.block, out);
            }
        }
        for (int c = 0; c < g; c++) {
            byte[] symbols = new byte[valuesOf[c]];
            int count = 0;
            for (int k = 0; k < a.segCount; k++) {
                if (a.classOf[k] == c) {
                    for (int i = a.segValueStart[k]; i < a.segValueStart[k + 1]; i++) {
                        symbols[count++] = (byte) a.values[i];
                    }
                }
            }
            Sections.writeSizedBytes(symbols, count, out);
        }
        if (a.mode != WHOLE) {
            for (int i = 0; i < a.nonZero; i++) {
                if (a.mode == BUCKETED) {
                    int v = a.magnitudes[i];
                    int extra = extraBits(v);
                    out.writeBits(v & ((1 << extra) - 1), extra);
                }
                out.writeBits(a.negative[i] ? 1 : 0, 1);
            }
            out.alignToByte();
        }
        return out.toByteArray();
    }
}
