package io.wpack.quantizer.prune;

/** Index sorting without boxing, for ranking blocks, kernels and filters by norm. */
final class Ordering {
    private Ordering() {
    }

    /** Indices ordered by ascending key; equal keys keep increasing index order (a stable merge sort). */
    static int[] ascending(double[] keys) {
        int n = keys.length;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int[] buffer = new int[n];
        for (int width = 1; width < n; width *= 2) {
            for (int lo = 0; lo < n - width; lo += 2 * width) {
                int mid = lo + width;
                int hi = Math.min(lo + 2 * width, n);
                int a = lo;
                int b = mid;
                int t = lo;
                while (a < mid && b < hi) {
                    buffer[t++] = keys[order[b]] < keys[order[a]] ? order[b++] : order[a++];
                }
                while (a < mid) {
                    buffer[t++] = order[a++];
                }
                while (b < hi) {
                    buffer[t++] = order[b++];
                }
                System.arraycopy(buffer, lo, order, lo, hi - lo);
            }
        }
        return order;
    }
}
