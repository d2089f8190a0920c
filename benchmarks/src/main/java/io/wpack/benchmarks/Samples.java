package io.wpack.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Repeated measurements of one quantity (seconds). Reports the median and the spread as
 * min–max and as the interquartile range; quartiles interpolate linearly between order
 * statistics (type 7, as R's and NumPy's default).
 */
public final class Samples {
    private final List<Double> values = new ArrayList<>();

    public void add(double v) {
        values.add(v);
    }

    public int count() {
        return values.size();
    }

    public double median() {
        return quantile(0.5);
    }

    public double min() {
        return quantile(0);
    }

    public double max() {
        return quantile(1);
    }

    public double quantile(double q) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] s = sorted();
        double h = (s.length - 1) * q;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, s.length - 1);
        return s[lo] + (h - lo) * (s[hi] - s[lo]);
    }

    private double[] sorted() {
        double[] s = new double[values.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = values.get(i);
        }
        Arrays.sort(s);
        return s;
    }

    /**
     * Throughput samples for {@code bytes} moved in each measured time: median, min and max
     * in MB/s (10^6 bytes per second). The slowest run gives the min.
     */
    public Rate rate(long bytes) {
        double mb = bytes / 1e6;
        return new Rate(mb / median(), mb / max(), mb / min());
    }

    /** A throughput in MB/s: median and the range over runs. */
    public record Rate(double median, double min, double max) {
    }

    /** For results.json: every sample plus the summary, all in seconds. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seconds", new ArrayList<>(values));
        m.put("median", median());
        m.put("min", min());
        m.put("q1", quantile(0.25));
        m.put("q3", quantile(0.75));
        m.put("max", max());
        return m;
    }
}
