package io.wpack.quantizer;

import io.wpack.formats.FloatBits;
import io.wpack.formats.Verify;
import io.wpack.formats.WpkFormatException;

import java.util.Arrays;

/**
 * Weight sharing by one-dimensional k-means (Han, Mao and Dally, "Deep Compression", 2016):
 * each element is replaced by the nearest of K shared values, per tensor or per channel.
 *
 * <p><b>Zeros stay zero.</b> When a codebook's elements include exact zeros or pruned
 * elements ({@code keep[i] == false}), one entry is reserved as exactly 0 and they all point
 * at it; the other K-1 entries are fitted to the remaining (nonzero, kept) values, then
 * refined by Lloyd with the zero held fixed, since kept values near 0 are better served by
 * the zero entry. A kept value may land on the 0 entry when that is nearest. With a reserved
 * zero the result is a local optimum, not a proven one.
 *
 * <p><b>Choosing the centroids</b> ({@link Method}):
 * <ul>
 *   <li>{@code OPTIMAL}: the dynamic program of {@link KMeans1D#optimal}, exact when a codebook
 *       has at most {@link KMeans1D#MAX_EXACT_POINTS} distinct values, near-optimal above;</li>
 *   <li>{@code LLOYD}: Lloyd's iterations from {@link Init#LINEAR} (Deep Compression's
 *       recommendation: it keeps the rare large weights, which matter most, represented) or
 *       {@link Init#DENSITY} (quantiles);</li>
 *   <li>{@code AUTO} (default): {@code OPTIMAL} when its estimated work over all codebooks,
 *       {@link KMeans1D#optimalWork}, stays within {@value #OPTIMAL_WORK_BUDGET} run-cost
 *       evaluations (a fraction of a second on one core), else {@code LLOYD}. A whole tensor at
 *       K = 256 is always within budget; thousands of per-channel codebooks at large K are
 *       not.</li>
 * </ul>
 *
 * <p><b>Rounding.</b> Centroids are rounded to the {@link CentroidFormat} first (for F16:
 * through binary16, saturating at ±65504), and elements are then assigned to the nearest
 * rounded centroid, so the stored codebook reconstructs exactly what was measured.
 */
public final class CodebookQuantizer {
    /** Estimated run-cost evaluations up to which {@link Method#AUTO} picks the dynamic program. */
    public static final long OPTIMAL_WORK_BUDGET = 100_000_000L;

    public enum Init {
        LINEAR,
        DENSITY
    }

    public enum Method {
        AUTO,
        LLOYD,
        OPTIMAL
    }

    public enum CentroidFormat {
        F32(32),
        F16(16);

        private final int bits;

        CentroidFormat(int bits) {
            this.bits = bits;
        }

        public int bits() {
            return bits;
        }
    }

    private final int entries;
    private final Granularity granularity;
    private final Init init;
    private final Method method;
    private final CentroidFormat centroidFormat;
    private final int maxIterations;

    private CodebookQuantizer(Builder b) {
        this.entries = b.entries;
        this.granularity = b.granularity;
        this.init = b.init;
        this.method = b.method;
        this.centroidFormat = b.centroidFormat;
        this.maxIterations = b.maxIterations;
    }

    /** 256 entries, per tensor, AUTO, linear init, fp32 centroids, 100 Lloyd iterations at most, unless changed. */
    public static Builder builder() {
        return new Builder();
    }

    public int entries() {
        return entries;
    }

    public CodebookQuantization quantize(WeightView view) throws WpkFormatException {
        return quantize(view, null);
    }

    /**
     * @param keep null, or one flag per element: false marks a pruned element, which becomes an
     *             exact 0
     */
    public CodebookQuantization quantize(WeightView view, boolean[] keep) throws WpkFormatException {
        FiniteValues.require(view);
        Verify.verify(keep == null || keep.length == view.size(), "tensor %s: mask has %d flags for %d elements",
                WeightView.quote(view.name()), keep == null ? 0 : keep.length, view.size());
        int books = granularity == Granularity.PER_TENSOR ? 1 : view.channelCount();
        int perBook = books == 0 ? 0 : view.size() / books;
        Method resolved = method;
        if (resolved == Method.AUTO) {
            long work = books * KMeans1D.optimalWork(perBook, entries);
            resolved = work <= OPTIMAL_WORK_BUDGET ? Method.OPTIMAL : Method.LLOYD;
        }

        float[] values = view.values();
        byte[] codes = new byte[values.length];
        float[] codebooks = new float[books * entries];
        boolean exact = true;
        for (int b = 0; b < books; b++) {
            int[] indices = granularity == Granularity.PER_TENSOR ? null : view.channelIndices(b);
            exact &= quantizeBook(values, keep, indices, resolved, codes, codebooks, b * entries);
        }
        return new CodebookQuantization(entries, centroidFormat, granularity, view.layout(), codes, codebooks,
                resolved, exact);
    }

    /** One codebook over {@code indices} (null: the whole tensor). Returns whether it is exact. */
    private boolean quantizeBook(float[] values, boolean[] keep, int[] indices, Method resolved, byte[] codes,
                                 float[] codebooks, int bookStart) {
        int count = indices == null ? values.length : indices.length;
        int survivors = 0;
        for (int t = 0; t < count; t++) {
            int i = indices == null ? t : indices[t];
            if (values[i] != 0 && (keep == null || keep[i])) {
                survivors++;
            }
        }
        boolean hasZero = survivors < count;
        float[] sorted = new float[survivors];
        int s = 0;
        for (int t = 0; t < count; t++) {
            int i = indices == null ? t : indices[t];
            if (values[i] != 0 && (keep == null || keep[i])) {
                sorted[s++] = values[i];
            }
        }
        FloatRadixSort.sort(sorted);

        int free = hasZero ? entries - 1 : entries;
        double[] centroids;
        boolean exact;
        if (survivors == 0) {
            centroids = new double[0];
            exact = true;
        } else {
            SortedSamples samples = new SortedSamples(sorted);
            KMeans1D.Clustering clustering;
            if (resolved == Method.OPTIMAL) {
                clustering = KMeans1D.optimal(samples, free, maxIterations);
            } else {
                double[] start = init == Init.LINEAR ? KMeans1D.linearInit(sorted, free) : KMeans1D.densityInit(sorted, free);
                clustering = KMeans1D.lloyd(samples, start, maxIterations);
            }
            centroids = clustering.centroids();
            exact = clustering.exact() && !hasZero;
            if (hasZero) {
                // Fitted without the zero entry, the free centroids would also cover values the
                // zero takes anyway; Lloyd with the zero held in place moves them to the rest.
                double[] withZero = Arrays.copyOf(centroids, centroids.length + 1);
                int at = 0;
                while (at < centroids.length && centroids[at] < 0) {
                    at++;
                }
                System.arraycopy(centroids, at, withZero, at + 1, centroids.length - at);
                withZero[at] = 0;
                KMeans1D.Clustering refined = KMeans1D.lloyd(samples, withZero, at, maxIterations);
                double[] r = refined.centroids();
                centroids = new double[centroids.length];
                System.arraycopy(r, 0, centroids, 0, at);
                System.arraycopy(r, at + 1, centroids, at, centroids.length - at);
            }
        }

        float[] book = buildCodebook(centroids, hasZero);
        System.arraycopy(book, 0, codebooks, bookStart, entries);
        int zeroIndex = -1;
        for (int j = 0; j < entries && hasZero; j++) {
            if (Float.floatToRawIntBits(book[j]) == 0) {
                zeroIndex = j;
                break;
            }
        }
        // Exact midpoints (the mean of two floats is exact in double): ties go to the lower entry.
        double[] mids = new double[entries - 1];
        for (int j = 0; j + 1 < entries; j++) {
            mids[j] = ((double) book[j] + book[j + 1]) / 2;
        }
        for (int t = 0; t < count; t++) {
            int i = indices == null ? t : indices[t];
            float x = values[i];
            codes[i] = (byte) (x == 0 || (keep != null && !keep[i]) ? zeroIndex : nearest(mids, x));
        }
        return exact;
    }

    /** Rounds to the centroid format, adds the reserved 0, sorts, pads with the largest entry. */
    private float[] buildCodebook(double[] centroids, boolean hasZero) {
        float[] book = new float[entries];
        int used = 0;
        for (double c : centroids) {
            float f = (float) c;
            if (centroidFormat == CentroidFormat.F16) {
                f = FloatBits.halfToFloat(FloatNarrowing.floatToHalf(f));
            }
            book[used++] = f == 0 ? 0f : f; // -0 becomes +0, so the one zero entry is unambiguous
        }
        if (hasZero) {
            book[used++] = 0f;
        }
        Arrays.sort(book, 0, used);
        for (int j = used; j < entries; j++) {
            book[j] = used == 0 ? 0f : book[used - 1];
        }
        return book;
    }

    /** Index of the first midpoint at or above x: the nearest entry. */
    private static int nearest(double[] mids, float x) {
        int lo = 0;
        int hi = mids.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (x <= mids[mid]) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    @Override
    public String toString() {
        return "CodebookQuantizer[K=" + entries + ", " + granularity + ", " + method + ", " + init + ", "
                + centroidFormat + "]";
    }

    public static final class Builder {
        private int entries = 256;
        private Granularity granularity = Granularity.PER_TENSOR;
        private Init init = Init.LINEAR;
        private Method method = Method.AUTO;
        private CentroidFormat centroidFormat = CentroidFormat.F32;
        private int maxIterations = 100;

        private Builder() {
        }

        /** K, 2 to 256. */
        public Builder entries(int k) {
            this.entries = k;
            return this;
        }

        public Builder perTensor() {
            this.granularity = Granularity.PER_TENSOR;
            return this;
        }

        public Builder perChannel() {
            this.granularity = Granularity.PER_CHANNEL;
            return this;
        }

        public Builder init(Init init) {
            this.init = init;
            return this;
        }

        public Builder method(Method method) {
            this.method = method;
            return this;
        }

        public Builder centroidFormat(CentroidFormat format) {
            this.centroidFormat = format;
            return this;
        }

        /** Lloyd iterations at most (also for refining a binned dynamic-program result). */
        public Builder maxIterations(int maxIterations) {
            this.maxIterations = maxIterations;
            return this;
        }

        public CodebookQuantizer build() {
            if (entries < 2 || entries > 256) {
                throw new IllegalArgumentException("entries must be 2..256: " + entries);
            }
            if (init == null || method == null || centroidFormat == null) {
                throw new IllegalArgumentException("init, method and centroid format are required");
            }
            if (maxIterations < 0) {
                throw new IllegalArgumentException("negative iteration limit " + maxIterations);
            }
            return new CodebookQuantizer(this);
        }
    }
}
