package io.wpack.benchmarks;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SamplesTest {
    @Test
    void medianAndQuartilesInterpolateBetweenOrderStatistics() {
        Samples s = new Samples();
        for (double v : new double[] {4, 1, 3, 2}) {
            s.add(v);
        }
        assertEquals(2.5, s.median(), 1e-12);
        assertEquals(1, s.min(), 1e-12);
        assertEquals(4, s.max(), 1e-12);
        assertEquals(1.75, s.quantile(0.25), 1e-12);
        assertEquals(3.25, s.quantile(0.75), 1e-12);
    }

    @Test
    void rateTakesTheSlowestRunAsItsMinimum() {
        Samples s = new Samples();
        s.add(1.0);
        s.add(2.0);
        s.add(4.0);
        Samples.Rate r = s.rate(8_000_000);
        assertEquals(4.0, r.median(), 1e-12);
        assertEquals(2.0, r.min(), 1e-12);
        assertEquals(8.0, r.max(), 1e-12);
    }
}
