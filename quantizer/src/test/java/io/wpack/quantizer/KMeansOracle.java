package io.wpack.quantizer;

import java.util.Arrays;

/**
 * Slow references for one-dimensional k-means: a plain O(K n²) dynamic program over every
 * split of the sorted values, with each cluster's cost summed directly (no prefix sums, no
 * monotonicity), and an exhaustive search over all K^n assignments for tiny inputs.
 */
final class KMeansOracle {
    private KMeansOracle() {
    }

    /** Minimum SSE with at most k clusters. */
    static double optimalSse(float[] values, int k) {
        double[] x = new double[values.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = values[i];
        }
        Arrays.sort(x);
        int n = x.length;
        double[][] cost = new double[n + 1][n + 1];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j <= n; j++) {
                double mean = 0;
                for (int t = i; t < j; t++) {
                    mean += x[t];
                }
                mean /= j - i;
                double c = 0;
                for (int t = i; t < j; t++) {
                    c += (x[t] - mean) * (x[t] - mean);
                }
                cost[i][j] = c;
            }
        }
        double[] best = new double[n + 1];
        for (int j = 0; j <= n; j++) {
            best[j] = cost[0][j];
        }
        for (int layer = 2; layer <= k; layer++) {
            double[] next = best.clone();
            for (int j = 1; j <= n; j++) {
                for (int i = 1; i < j; i++) {
                    next[j] = Math.min(next[j], best[i] + cost[i][j]);
                }
            }
            best = next;
        }
        return best[n];
    }

    /** Minimum SSE over every assignment of the values to k labels, each cluster at its mean. */
    static double exhaustiveSse(float[] values, int k) {
        int n = values.length;
        int[] label = new int[n];
        double best = Double.POSITIVE_INFINITY;
        while (true) {
            double[] sum = new double[k];
            int[] count = new int[k];
            for (int i = 0; i < n; i++) {
                sum[label[i]] += values[i];
                count[label[i]]++;
            }
            double sse = 0;
            for (int i = 0; i < n; i++) {
                double mean = sum[label[i]] / count[label[i]];
                sse += (values[i] - mean) * (values[i] - mean);
            }
            best = Math.min(best, sse);
            int i = 0;
            while (i < n && ++label[i] == k) {
                label[i++] = 0;
            }
            if (i == n) {
                return best;
            }
        }
    }

    /** SSE of assigning each value to its nearest centroid, by scanning all of them. */
    static double nearestSse(float[] values, double[] centroids) {
        double total = 0;
        for (float v : values) {
            double best = Double.POSITIVE_INFINITY;
            for (double c : centroids) {
                best = Math.min(best, (v - c) * (v - c));
            }
            total += best;
        }
        return total;
    }
}
