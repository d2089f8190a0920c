package io.wpack.quantizer;

import java.util.Arrays;

/**
 * One-dimensional k-means on sorted values: Lloyd's iterations and the exact optimum by
 * dynamic programming.
 *
 * <p>Both rest on one fact: in one dimension every nearest-centroid cell is a run of the
 * sorted values, cut at the midpoints between neighbouring centroids. So the values are
 * sorted once and given prefix sums ({@link SortedSamples}), after which
 * <ul>
 *   <li>a Lloyd iteration finds the K-1 cuts by binary search and each new centroid as a
 *       run mean from the prefix sums: O(K log n) per iteration, independent of n;</li>
 *   <li>the optimal clustering is a choice of K-1 cut positions, found by the dynamic program
 *       {@code D[k][j] = min_i D[k-1][i] + cost(i, j)} with O(1) run costs. The best i is
 *       non-decreasing in j (the cost satisfies the quadrangle inequality), so each layer is
 *       computed by divide and conquer in O(m log m) instead of O(m²): O(K m log m) in all
 *       (Wang and Song, Ckmeans.1d.dp, 2011; Grønlund et al., 2017).</li>
 * </ul>
 * The dynamic program runs over m candidate cut positions. When the values have at most
 * {@link #MAX_EXACT_POINTS} distinct values, every boundary between distinct values is a
 * candidate and the result is the exact optimum. Otherwise the candidates are 2048
 * equal-count (quantile) cuts and 2048 equal-width cuts; the optimum over those is refined by
 * Lloyd on all the values. That is not guaranteed optimal, but it starts Lloyd from a
 * near-optimal point, which linear or density initialization do not.
 */
public final class KMeans1D {
    /** Up to this many distinct values the dynamic program is exact; above it, it runs on this many bins. */
    public static final int MAX_EXACT_POINTS = 4096;

    private KMeans1D() {
    }

    /**
     * A clustering.
     *
     * @param centroids  ascending; at most the K asked for, fewer when there are fewer distinct values
     * @param sse        sum of squared distances from each value to its nearest centroid
     * @param exact      whether this is provably the minimum SSE for that many centroids
     * @param iterations Lloyd iterations run (0 for a pure dynamic-program result)
     */
    public record Clustering(double[] centroids, double sse, boolean exact, int iterations) {
    }

    /** The optimal (or, above {@link #MAX_EXACT_POINTS} distinct values, near-optimal) clustering. */
    public static Clustering optimal(float[] sortedValues, int k, int maxRefineIterations) {
        return optimal(samples(sortedValues), k, maxRefineIterations);
    }

    /** Lloyd from {@code initial} (ascending), until no cut moves or {@code maxIterations}. */
    public static Clustering lloyd(float[] sortedValues, double[] initial, int maxIterations) {
        return lloyd(samples(sortedValues), initial, maxIterations);
    }

    /** K centroids spread evenly from the smallest to the largest value (Deep Compression's linear init). */
    public static double[] linearInit(float[] sortedValues, int k) {
        checkK(k);
        int n = sortedValues.length;
        if (n == 0) {
            return new double[0];
        }
        double lo = sortedValues[0];
        double hi = sortedValues[n - 1];
        double[] c = new double[k];
        if (k == 1) {
            c[0] = (lo + hi) / 2;
            return c;
        }
        for (int j = 0; j < k; j++) {
            c[j] = lo + (hi - lo) * j / (k - 1);
        }
        return c;
    }

    /** K centroids at the (j + 1/2)/K quantiles: density-based init, dense where the values are. */
    public static double[] densityInit(float[] sortedValues, int k) {
        checkK(k);
        int n = sortedValues.length;
        if (n == 0) {
            return new double[0];
        }
        double[] c = new double[k];
        for (int j = 0; j < k; j++) {
            long at = ((2L * j + 1) * n) / (2L * k);
            c[j] = sortedValues[(int) Math.min(n - 1, at)];
        }
        return c;
    }

    /** Work, in run-cost evaluations, that {@link #optimal} needs for n values (an upper bound). */
    public static long optimalWork(int n, int k) {
        long m = Math.min(n, MAX_EXACT_POINTS);
        long layers = Math.min(k, m);
        return layers * m * (64 - Long.numberOfLeadingZeros(m + 1));
    }

    static SortedSamples samples(float[] sortedValues) {
        for (int i = 1; i < sortedValues.length; i++) {
            if (!(sortedValues[i - 1] <= sortedValues[i])) {
                throw new IllegalArgumentException("values are not sorted and finite at index " + i);
            }
        }
        return new SortedSamples(sortedValues);
    }

    static Clustering optimal(SortedSamples s, int k, int maxRefineIterations) {
        checkK(k);
        int n = s.size();
        if (n == 0) {
            return new Clustering(new double[0], 0, true, 0);
        }
        int[] runStarts = runStarts(s.sorted);
        boolean exact = runStarts.length <= MAX_EXACT_POINTS;
        int[] cuts = exact ? withEnd(runStarts, n) : binCuts(s, runStarts.length);
        double[] centroids = dynamicProgram(s, cuts, k);
        if (exact) {
            return new Clustering(centroids, nearestSse(s, centroids), true, 0);
        }
        Clustering refined = lloyd(s, centroids, maxRefineIterations);
        return new Clustering(refined.centroids(), refined.sse(), false, refined.iterations());
    }

    static Clustering lloyd(SortedSamples s, double[] initial, int maxIterations) {
        return lloyd(s, initial, -1, maxIterations);
    }

    /**
     * Lloyd with {@code initial[fixed]} held in place (-1: none): the codebook's reserved zero
     * still attracts the values nearest to it, so the free centroids are fitted to the rest.
     */
    static Clustering lloyd(SortedSamples s, double[] initial, int fixed, int maxIterations) {
        int n = s.size();
        int k = initial.length;
        if (n == 0 || k == 0) {
            return new Clustering(initial.clone(), 0, n == 0, 0);
        }
        double[] c = initial.clone();
        for (int j = 1; j < k; j++) {
            if (!(c[j - 1] <= c[j])) {
                throw new IllegalArgumentException("initial centroids are not ascending at " + j);
            }
        }
        int[] cuts = new int[k + 1];
        int[] previous = new int[k + 1];
        cuts[k] = n;
        previous[k] = n;
        int iterations = 0;
        while (iterations < maxIterations) {
            assignCuts(s, c, cuts);
            if (iterations > 0 && Arrays.equals(cuts, previous)) {
                break;
            }
            iterations++;
            for (int j = 0; j < k; j++) {
                // An empty cell keeps its centroid: it lies between its neighbours' cells, so
                // their new means cannot pass it and the centroids stay ordered.
                if (cuts[j + 1] > cuts[j] && j != fixed) {
                    c[j] = s.mean(cuts[j], cuts[j + 1]);
                }
            }
            System.arraycopy(cuts, 0, previous, 0, k + 1);
        }
        return new Clustering(c, nearestSse(s, c), false, iterations);
    }

    /** SSE of assigning every value to its nearest centroid; {@code centroids} ascending. */
    static double nearestSse(SortedSamples s, double[] centroids) {
        int k = centroids.length;
        if (k == 0) {
            return s.size() == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        int[] cuts = new int[k + 1];
        cuts[k] = s.size();
        assignCuts(s, centroids, cuts);
        double total = 0;
        for (int j = 0; j < k; j++) {
            total += s.sseAround(cuts[j], cuts[j + 1], centroids[j]);
        }
        return total;
    }

    /** cuts[j + 1] = first value past the midpoint of centroids j and j + 1 (ties go to the lower centroid). */
    private static void assignCuts(SortedSamples s, double[] c, int[] cuts) {
        cuts[0] = 0;
        for (int j = 0; j + 1 < c.length; j++) {
            cuts[j + 1] = Math.max(cuts[j], s.upperBound((c[j] + c[j + 1]) / 2));
        }
    }

    /**
     * Optimal split of the units {@code [cuts[t], cuts[t+1])} into at most k runs, returning the
     * run means. Units are never split, so with every distinct-value boundary as a cut this is
     * the exact optimum.
     */
    private static double[] dynamicProgram(SortedSamples s, int[] cuts, int k) {
        int m = cuts.length - 1;
        int layers = Math.min(k, m);
        double[] prev = new double[m + 1];
        double[] cur = new double[m + 1];
        int[][] from = new int[layers + 1][];
        for (int j = 0; j <= m; j++) {
            prev[j] = s.sse(cuts[0], cuts[j]);
        }
        for (int layer = 2; layer <= layers; layer++) {
            Arrays.fill(cur, Double.POSITIVE_INFINITY);
            int[] arg = new int[m + 1];
            fillRange(s, cuts, prev, cur, arg, layer, layer, m, layer - 1, m - 1);
            from[layer] = arg;
            double[] t = prev;
            prev = cur;
            cur = t;
        }
        double[] centroids = new double[layers];
        int j = m;
        for (int layer = layers; layer >= 1; layer--) {
            int i = layer == 1 ? 0 : from[layer][j];
            centroids[layer - 1] = s.mean(cuts[i], cuts[j]);
            j = i;
        }
        return centroids;
    }

    /**
     * Fills {@code cur[j]} for j in [jLo, jHi], knowing the best split point for each lies in
     * [iLo, iHi] and moves right as j does. Recursion depth is log m.
     */
    private static void fillRange(SortedSamples s, int[] cuts, double[] prev, double[] cur, int[] arg, int layer,
                                  int jLo, int jHi, int iLo, int iHi) {
        if (jLo > jHi) {
            return;
        }
        int mid = (jLo + jHi) >>> 1;
        int bestI = -1;
        double best = Double.POSITIVE_INFINITY;
        int end = Math.min(iHi, mid - 1);
        int cutMid = cuts[mid];
        for (int i = Math.max(iLo, layer - 1); i <= end; i++) {
            double v = prev[i] + s.sse(cuts[i], cutMid);
            if (v < best) {
                best = v;
                bestI = i;
            }
        }
        if (bestI < 0) {
            bestI = Math.max(iLo, layer - 1);
        }
        cur[mid] = best;
        arg[mid] = bestI;
        fillRange(s, cuts, prev, cur, arg, layer, jLo, mid - 1, iLo, bestI);
        fillRange(s, cuts, prev, cur, arg, layer, mid + 1, jHi, bestI, iHi);
    }

    private static int[] runStarts(float[] sorted) {
        int count = sorted.length == 0 ? 0 : 1;
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] != sorted[i - 1]) {
                count++;
            }
        }
        int[] starts = new int[count];
        int t = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                starts[t++] = i;
            }
        }
        return starts;
    }

    private static int[] withEnd(int[] starts, int n) {
        int[] cuts = Arrays.copyOf(starts, starts.length + 1);
        cuts[starts.length] = n;
        return cuts;
    }

    /** Half quantile cuts (resolution where the mass is), half equal-width cuts (resolution in the tails). */
    private static int[] binCuts(SortedSamples s, int distinct) {
        int n = s.size();
        int half = MAX_EXACT_POINTS / 2;
        int[] cuts = new int[2 * half + 1];
        int t = 0;
        cuts[t++] = 0;
        double lo = s.sorted[0];
        double hi = s.sorted[n - 1];
        for (int b = 1; b < half; b++) {
            int at = (int) ((long) b * n / half);
            cuts[t++] = s.lowerBound(s.sorted[at]); // snapped to the start of its run of equal values
            cuts[t++] = s.upperBound(lo + (hi - lo) * b / half);
        }
        cuts[t++] = n;
        int[] sorted = Arrays.copyOf(cuts, t);
        Arrays.sort(sorted);
        int u = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i] != sorted[u - 1]) {
                sorted[u++] = sorted[i];
            }
        }
        return Arrays.copyOf(sorted, u);
    }

    private static void checkK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be positive: " + k);
        }
    }
}
