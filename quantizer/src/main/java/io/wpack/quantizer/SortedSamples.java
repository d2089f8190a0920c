package io.wpack.quantizer;

/**
 * Values sorted once, with prefix sums, so that the mean and the squared error of any run
 * {@code [from, to)} cost O(1). In one dimension a nearest-centroid cell is a run of the sorted
 * values, which is what makes both Lloyd and the dynamic program cheap.
 *
 * <p>The sums are over {@code x - shift} with {@code shift} the overall mean: without it,
 * {@code Σx² - (Σx)²/n} loses most of its digits to cancellation for tensors whose values sit
 * far from zero compared with their spread.
 */
final class SortedSamples {
    final float[] sorted;
    private final double shift;
    private final double[] sum;
    private final double[] sumSquares;

    /** @param sorted ascending, finite; not copied */
    SortedSamples(float[] sorted) {
        this.sorted = sorted;
        int n = sorted.length;
        double total = 0;
        for (float v : sorted) {
            total += v;
        }
        this.shift = n == 0 ? 0 : total / n;
        this.sum = new double[n + 1];
        this.sumSquares = new double[n + 1];
        double s = 0;
        double s2 = 0;
        for (int i = 0; i < n; i++) {
            double d = sorted[i] - shift;
            s += d;
            s2 += d * d;
            sum[i + 1] = s;
            sumSquares[i + 1] = s2;
        }
    }

    int size() {
        return sorted.length;
    }

    /**
     * Mean of {@code sorted[from .. to)}, which must be non-empty. Clamped to the run's own
     * range: rounding in the prefix sums must not push a mean past a neighbouring centroid,
     * or Lloyd's centroids would stop being ordered.
     */
    double mean(int from, int to) {
        double m = shift + (sum[to] - sum[from]) / (to - from);
        return Math.max(sorted[from], Math.min(sorted[to - 1], m));
    }

    /** Squared error of {@code sorted[from .. to)} around its own mean; 0 for an empty run. */
    double sse(int from, int to) {
        int count = to - from;
        if (count <= 0) {
            return 0;
        }
        double s = sum[to] - sum[from];
        double cost = (sumSquares[to] - sumSquares[from]) - s * s / count;
        return cost > 0 ? cost : 0;
    }

    /** Squared error of {@code sorted[from .. to)} around {@code c}. */
    double sseAround(int from, int to, double c) {
        int count = to - from;
        if (count <= 0) {
            return 0;
        }
        double d = c - shift;
        double s = sum[to] - sum[from];
        double cost = (sumSquares[to] - sumSquares[from]) - 2 * d * s + d * d * count;
        return cost > 0 ? cost : 0;
    }

    /** First index whose value is greater than {@code v}; {@code size()} when none is. */
    int upperBound(double v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** First index whose value is at least {@code v}. */
    int lowerBound(double v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
