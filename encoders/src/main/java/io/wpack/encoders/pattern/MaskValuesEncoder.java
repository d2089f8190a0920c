package io.wpack.encoders.pattern;

import io.wpack.encoders.huffman.BitWriter;

import java.util.Arrays;

/**
 * Writes {@code maskvalues} streams (grammar in {@link MaskValuesCodec}). Choosing is kept apart
 * from emitting: {@link #analyse} gathers the blocks and picks the zero byte, the value mode and
 * the segment classes; {@link #write} only emits.
 *
 * <p><b>Classes</b> are Brotli's context clustering applied to segments: segments (output
 * channels, when the layout makes each channel one segment) whose masks and values follow
 * similar statistics share a pair of Huffman codes. Starting from segments ordered by density,
 * a few Lloyd rounds move each segment to the class whose current code is cheapest for it; each
 * class count is then costed exactly (tables included) and the smallest stream wins. On
 * magnitude-pruned weights the sparsity of output channels differs widely, which one code for
 * the whole tensor cannot follow.
 */
final class MaskValuesEncoder {
    static final int MAX_CLASSES = 16;
    private static final int[] CLASS_COUNTS = {2, 3, 4, 6, 8, 12, 16};
    private static final int LLOYD_ROUNDS = 5;

    private MaskValuesEncoder() {
    }

    /** Everything the writer needs, in logical order. */
    static final class Analysis {
        int n;
        int block;
        int columns;
        int segment;
        int zero;
        boolean split;
        int segCount;
        /** Mask symbol per block, in logical order. */
        int[] masks;
        int[] segBlockStart;
        /** Value symbol per non-zero element, in logical order (a byte, or magnitude - 1). */
        int[] values;
        int[] segValueStart;
        /** Per non-zero element, whether its difference from the zero byte is negative. */
        boolean[] negative;
        int classes;
        int[] classOf;
        long estimatedBytes;
    }

    static byte[] encode(byte[] src, int off, int n, int block, int columns, int segment, int maxClasses) {
        return write(analyse(src, off, n, block, columns, segment, maxClasses));
    }

    /**
     * @param segment segment length, or 0 for one segment of the whole chunk
     */
    static Analysis analyse(byte[] src, int off, int n, int block, int columns, int segment, int maxClasses) {
        Analysis a = new Analysis();
        a.n = n;
        a.block = block;
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
        int perFullSegment = (a.segment + block - 1) / block;
        int lastLength = n - (a.segCount - 1) * a.segment;
        int blocks = a.segCount == 0 ? 0 : (a.segCount - 1) * perFullSegment + (lastLength + block - 1) / block;
        int nonZero = n - byteCounts[zero];
        a.masks = new int[blocks];
        a.segBlockStart = new int[a.segCount + 1];
        a.values = new int[nonZero];
        a.segValueStart = new int[a.segCount + 1];
        a.negative = new boolean[nonZero];
        long[] byteHist = new long[256];
        long[] magHist = new long[128];
        byte z = (byte) zero;
        int b = 0;
        int v = 0;
        for (int k = 0; k < a.segCount; k++) {
            a.segBlockStart[k] = b;
            a.segValueStart[k] = v;
            int end = base + Math.min(n, (k + 1) * a.segment);
            for (int i = base + k * a.segment; i < end; i += block) {
                int len = Math.min(block, end - i);
                int m = 0;
                for (int j = 0; j < len; j++) {
                    byte x = data[i + j];
                    if (x != z) {
                        m |= 1 << j;
                        int d = (byte) (x - z);
                        int mag = Math.abs(d);
                        a.values[v] = x & 0xFF;
                        a.negative[v] = d < 0;
                        byteHist[x & 0xFF]++;
                        magHist[mag - 1]++;
                        v++;
                    }
                }
                a.masks[b++] = m;
            }
        }
        a.segBlockStart[a.segCount] = b;
        a.segValueStart[a.segCount] = v;

        // Magnitudes and signs apart halve the value alphabet (smaller tables) and cost nothing
        // when signs are balanced, as for symmetric int8 weights; skewed signs keep whole bytes.
        long whole = PatternStreams.sectionBytes(byteHist, 256, PatternStreams.BYTE_CODE_LIMIT);
        long split = PatternStreams.sectionBytes(magHist, 128, PatternStreams.BYTE_CODE_LIMIT) + (nonZero + 7) / 8;
        a.split = split < whole;
        if (a.split) {
            for (int i = 0; i < nonZero; i++) {
                int d = (byte) (a.values[i] - zero);
                a.values[i] = Math.abs(d) - 1;
            }
        }

        a.classes = 1;
        a.classOf = new int[a.segCount];
        a.estimatedBytes = estimate(a, a.classOf, 1);
        int failures = 0;
        for (int g : CLASS_COUNTS) {
            if (g > Math.min(maxClasses, MAX_CLASSES) || 2 * g > a.segCount) {
                break;
            }
            int[] classOf = cluster(a, g);
            int used = compact(classOf, g);
            long size = estimate(a, classOf, used);
            if (size < a.estimatedBytes) {
                a.estimatedBytes = size;
                a.classOf = classOf;
                a.classes = used;
                failures = 0;
            } else if (++failures == 2) {
                break;
            }
        }
        return a;
    }

    private static int maskAlphabet(Analysis a) {
        return 1 << a.block;
    }

    private static int valueAlphabet(Analysis a) {
        return a.split ? 128 : 256;
    }

    /** Lloyd rounds from a split by density; returns the class of each segment. */
    private static int[] cluster(Analysis a, int g) {
        int segs = a.segCount;
        Integer[] order = new Integer[segs];
        long[] key = new long[segs];
        for (int k = 0; k < segs; k++) {
            order[k] = k;
            long values = a.segValueStart[k + 1] - a.segValueStart[k];
            long length = Math.min(a.n, (long) (k + 1) * a.segment) - (long) k * a.segment;
            key[k] = (values << 32) / length;
        }
        Arrays.sort(order, (x, y) -> key[x] != key[y] ? Long.compare(key[x], key[y]) : Integer.compare(x, y));
        int[] classOf = new int[segs];
        for (int i = 0; i < segs; i++) {
            classOf[order[i]] = (int) ((long) i * g / segs);
        }
        int maskA = maskAlphabet(a);
        int valueA = valueAlphabet(a);
        float[][] maskCost = new float[g][maskA];
        float[][] valueCost = new float[g][valueA];
        long[][] maskHist = new long[g][maskA];
        long[][] valueHist = new long[g][valueA];
        for (int round = 0; round < LLOYD_ROUNDS; round++) {
            histograms(a, classOf, g, maskHist, valueHist);
            for (int c = 0; c < g; c++) {
                costs(maskHist[c], maskCost[c]);
                costs(valueHist[c], valueCost[c]);
            }
            boolean moved = false;
            for (int k = 0; k < segs; k++) {
                int best = classOf[k];
                double bestCost = Double.MAX_VALUE;
                for (int c = 0; c < g; c++) {
                    float[] mc = maskCost[c];
                    float[] vc = valueCost[c];
                    double cost = 0;
                    for (int i = a.segBlockStart[k]; i < a.segBlockStart[k + 1]; i++) {
                        cost += mc[a.masks[i]];
                    }
                    for (int i = a.segValueStart[k]; i < a.segValueStart[k + 1]; i++) {
                        cost += vc[a.values[i]];
                    }
                    if (cost < bestCost) {
                        bestCost = cost;
                        best = c;
                    }
                }
                if (best != classOf[k]) {
                    classOf[k] = best;
                    moved = true;
                }
            }
            if (!moved) {
                break;
            }
        }
        return classOf;
    }

    private static void histograms(Analysis a, int[] classOf, int g, long[][] maskHist, long[][] valueHist) {
        for (int c = 0; c < g; c++) {
            Arrays.fill(maskHist[c], 0);
            Arrays.fill(valueHist[c], 0);
        }
        for (int k = 0; k < a.segCount; k++) {
            long[] mh = maskHist[classOf[k]];
            long[] vh = valueHist[classOf[k]];
            for (int i = a.segBlockStart[k]; i < a.segBlockStart[k + 1]; i++) {
                mh[a.masks[i]]++;
            }
            for (int i = a.segValueStart[k]; i < a.segValueStart[k + 1]; i++) {
                vh[a.values[i]]++;
            }
        }
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
        double denominator = Math.log(total + prior * Math.max(1, used)) / Math.log(2);
        for (int s = 0; s < hist.length; s++) {
            cost[s] = (float) (denominator - Math.log(hist[s] + prior) / Math.log(2));
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

    /** Estimated stream bytes for this assignment, tables included. */
    private static long estimate(Analysis a, int[] classOf, int g) {
        long[][] maskHist = new long[g][maskAlphabet(a)];
        long[][] valueHist = new long[g][valueAlphabet(a)];
        histograms(a, classOf, g, maskHist, valueHist);
        int maskLimit = a.block <= 8 ? PatternStreams.BYTE_CODE_LIMIT : PatternStreams.WIDE_CODE_LIMIT;
        long size = PatternStreams.varintSize(a.n) + 2 + PatternStreams.varintSize(a.columns) + PatternStreams.varintSize(a.segment) + 1;
        if (g > 1) {
            long[] classHist = new long[256];
            for (int c : classOf) {
                classHist[c]++;
            }
            size += PatternStreams.sectionBytes(classHist, 256, PatternStreams.BYTE_CODE_LIMIT);
        }
        for (int c = 0; c < g; c++) {
            size += PatternStreams.sectionBytes(maskHist[c], maskAlphabet(a), maskLimit);
            size += PatternStreams.sectionBytes(valueHist[c], valueAlphabet(a), PatternStreams.BYTE_CODE_LIMIT);
        }
        if (a.split) {
            size += (a.values.length + 7) / 8;
        }
        return size;
    }

    static byte[] write(Analysis a) {
        BitWriter out = new BitWriter((int) Math.min(Integer.MAX_VALUE - 64, a.estimatedBytes + 64));
        out.writeVarint(a.n);
        out.writeByte(a.zero);
        out.writeByte(a.split ? 1 : 0);
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
            PatternStreams.writeSizedBytes(map, map.length, out);
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
                PatternStreams.writeSizedBytes(symbols, count, out);
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
            PatternStreams.writeSizedBytes(symbols, count, out);
        }
        if (a.split) {
            for (boolean negative : a.negative) {
                out.writeBits(negative ? 1 : 0, 1);
            }
            out.alignToByte();
        }
        return out.toByteArray();
    }
}
