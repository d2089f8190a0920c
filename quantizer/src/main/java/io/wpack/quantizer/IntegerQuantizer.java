package io.wpack.quantizer;

import io.wpack.formats.Verify;
import io.wpack.formats.WpkFormatException;

/**
 * Uniform quantization to 2..8-bit integers, per tensor, per channel or per group.
 *
 * <p><b>Symmetric</b> uses the narrow range {@code [-(2^(b-1)-1), 2^(b-1)-1]} around a fixed
 * zero point (0 signed, {@code 2^(b-1)} unsigned) with {@code scale = max|x| / (2^(b-1)-1)}, as
 * TFLite does for int8 weights: the range is symmetric, so positive and negative weights of
 * equal size get equal error, and 2 bits give the ternary {-1, 0, 1}.
 *
 * <p><b>Affine</b> uses the full range of b bits. The range is widened to include 0 and the
 * zero point is rounded to an integer (then clamped to the code range), so 0 is always
 * exactly a code. Rounding the zero point shifts the represented range by at most half a
 * step, so the element at an end of the range is clamped by at most {@code scale / 2}: every
 * element ends within {@code scale / 2} of its value, plus float32 rounding.
 *
 * <p>Each element gets the code whose float32 reconstruction (see {@link IntegerQuantization})
 * is nearest to it; the rounded quotient and its two neighbours are tried. A code whose
 * reconstruction would overflow to infinity is never chosen: that only happens for ranges
 * within a step of ±{@link Float#MAX_VALUE}, where the error bound above becomes one and a
 * half steps. Pruned elements
 * ({@code keep[i] == false}) get the zero point and reconstruct to exactly 0; they take no
 * part in choosing scales.
 */
public final class IntegerQuantizer {
    public enum Mode {
        SYMMETRIC,
        AFFINE
    }

    private final int bits;
    private final Mode mode;
    private final boolean signed;
    private final Granularity granularity;
    private final int groupSize;
    private final boolean halfScales;

    private IntegerQuantizer(int bits, Mode mode, boolean signed, Granularity granularity, int groupSize,
                             boolean halfScales) {
        this.bits = bits;
        this.mode = mode;
        this.signed = signed;
        this.granularity = granularity;
        this.groupSize = groupSize;
        this.halfScales = halfScales;
    }

    /**
     * Largest relative growth of a scale rounded up to binary16 before the tensor keeps binary32
     * scales instead: normal binary16 grows a scale by under 2^-10; only subnormal or overflowing
     * scales (weights under about 6e-5 × 127 or over 8e6) go past it.
     */
    static final double HALF_SCALE_TOLERANCE = 1.0 / 1024;

    /** 8 bits, symmetric, signed, per channel, unless changed. */
    public static Builder builder() {
        return new Builder();
    }

    public int bits() {
        return bits;
    }

    public Mode mode() {
        return mode;
    }

    public boolean signed() {
        return signed;
    }

    public Granularity granularity() {
        return granularity;
    }

    public int groupSize() {
        return groupSize;
    }

    public IntegerQuantization quantize(WeightView view) throws WpkFormatException {
        return quantize(view, null);
    }

    /**
     * @param keep null, or one flag per element: false marks a pruned element, which becomes an
     *             exact 0
     */
    public IntegerQuantization quantize(WeightView view, boolean[] keep) throws WpkFormatException {
        FiniteValues.require(view);
        Verify.verify(keep == null || keep.length == view.size(), "tensor %s: mask has %d flags for %d elements",
                WeightView.quote(view.name()), keep == null ? 0 : keep.length, view.size());
        TensorLayout layout = view.layout();
        int params = parameterCount(layout);
        float[] values = view.values();
        boolean symmetric = mode == Mode.SYMMETRIC;

        // Ranges start at 0 so that the affine range always contains it.
        float[] lo = new float[params];
        float[] hi = new float[params];
        for (int i = 0; i < values.length; i++) {
            if (keep != null && !keep[i]) {
                continue;
            }
            int p = parameterIndex(layout, granularity, groupSize, i);
            float x = values[i];
            if (x < lo[p]) {
                lo[p] = x;
            } else if (x > hi[p]) {
                hi[p] = x;
            }
        }

        int qMin = minCode(bits, signed, symmetric);
        int qMax = maxCode(bits, signed, symmetric);
        float[] scales = new float[params];
        int[] zeroPoints = new int[params];
        for (int p = 0; p < params; p++) {
            scales[p] = symmetric ? scaleFor(Math.max(-(double) lo[p], hi[p]), (1 << (bits - 1)) - 1)
                    : scaleFor((double) hi[p] - lo[p], qMax - qMin);
        }
        boolean half = halfScales && roundUpToHalf(scales);
        for (int p = 0; p < params; p++) {
            if (symmetric) {
                zeroPoints[p] = signed ? 0 : 1 << (bits - 1);
            } else {
                double range = (double) hi[p] - lo[p];
                long z = range == 0 ? 0 : (long) Math.rint(qMin - lo[p] / (double) scales[p]);
                zeroPoints[p] = (int) Math.max(qMin, Math.min(qMax, z));
            }
        }

        byte[] codes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            int p = parameterIndex(layout, granularity, groupSize, i);
            int zero = zeroPoints[p];
            int q = keep != null && !keep[i] ? zero : nearestCode(values[i], scales[p], zero, qMin, qMax);
            codes[i] = (byte) q;
        }
        return new IntegerQuantization(bits, signed, symmetric, granularity,
                granularity == Granularity.PER_GROUP ? groupSize : 0, layout, codes, scales, zeroPoints, half);
    }

    /**
     * Rounds every scale up to the next binary16 value, in place, so the scales can be stored
     * in two bytes; rounding up keeps the whole range within the codes. Leaves them all alone
     * and returns false when one would grow by more than {@link #HALF_SCALE_TOLERANCE}.
     */
    static boolean roundUpToHalf(float[] scales) {
        float[] up = new float[scales.length];
        for (int p = 0; p < scales.length; p++) {
            float s = scales[p];
            short h = io.wpack.formats.FloatBits.floatToHalf(s);
            float r = io.wpack.formats.FloatBits.halfToFloat(h);
            if (r < s) {
                r = io.wpack.formats.FloatBits.halfToFloat(h + 1); // positive halves order like their bits
            }
            if (!(r >= s) || Float.isInfinite(r) || r > s * (1 + HALF_SCALE_TOLERANCE)) {
                return false;
            }
            up[p] = r;
        }
        System.arraycopy(up, 0, scales, 0, scales.length);
        return true;
    }

    private static float scaleFor(double range, int steps) {
        if (range == 0) {
            return 1f; // every code is the zero point; any positive scale reconstructs 0
        }
        float scale = (float) (range / steps);
        // A subnormal scale rounded down can fall short of the range by most of a step; a
        // normal one by an ulp, which is left alone so scales match what other tools compute.
        if (scale < Float.MIN_NORMAL && (double) scale * steps < range) {
            scale = Math.nextUp(scale);
        }
        return scale;
    }

    private static int nearestCode(float x, float scale, int zero, int qMin, int qMax) {
        double t = Math.rint(x / (double) scale) + zero;
        int q0 = (int) Math.max(qMin, Math.min(qMax, t));
        int best = q0;
        double bestError = Math.abs((double) ((float) (q0 - zero) * scale) - x);
        if (bestError == 0) {
            return best;
        }
        if (q0 > qMin) {
            double error = Math.abs((double) ((float) (q0 - 1 - zero) * scale) - x);
            if (error < bestError) {
                best = q0 - 1;
                bestError = error;
            }
        }
        if (q0 < qMax) {
            double error = Math.abs((double) ((float) (q0 + 1 - zero) * scale) - x);
            if (error < bestError) {
                best = q0 + 1;
            }
        }
        return best;
    }

    private int parameterCount(TensorLayout layout) {
        switch (granularity) {
            case PER_TENSOR:
                return 1;
            case PER_CHANNEL:
                return layout.channelCount();
            default:
                return layout.groupCount(groupSize);
        }
    }

    static int parameterIndex(TensorLayout layout, Granularity granularity, int groupSize, int i) {
        switch (granularity) {
            case PER_TENSOR:
                return 0;
            case PER_CHANNEL:
                return layout.channelOf(i);
            default:
                return layout.groupOf(i, groupSize);
        }
    }

    static int minCode(int bits, boolean signed, boolean symmetric) {
        if (symmetric) {
            return signed ? -((1 << (bits - 1)) - 1) : 1;
        }
        return signed ? -(1 << (bits - 1)) : 0;
    }

    static int maxCode(int bits, boolean signed, boolean symmetric) {
        return signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
    }

    @Override
    public String toString() {
        return "IntegerQuantizer[" + bits + " bits, " + mode + ", " + (signed ? "signed" : "unsigned") + ", "
                + granularity + (granularity == Granularity.PER_GROUP ? " of " + groupSize : "") + "]";
    }

    public static final class Builder {
        private int bits = 8;
        private Mode mode = Mode.SYMMETRIC;
        private boolean signed = true;
        private Granularity granularity = Granularity.PER_CHANNEL;
        private int groupSize;
        private boolean halfScales;

        private Builder() {
        }

        /**
         * Round scales up to binary16 so they store in two bytes (when every one stays within
         * {@link #HALF_SCALE_TOLERANCE} of its binary32 value; else they stay binary32).
         */
        public Builder halfScales(boolean half) {
            this.halfScales = half;
            return this;
        }

        /** 2 to 8. */
        public Builder bits(int bits) {
            this.bits = bits;
            return this;
        }

        public Builder mode(Mode mode) {
            this.mode = mode;
            return this;
        }

        public Builder symmetric() {
            return mode(Mode.SYMMETRIC);
        }

        public Builder affine() {
            return mode(Mode.AFFINE);
        }

        public Builder signed(boolean signed) {
            this.signed = signed;
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

        /** Groups of {@code groupSize} consecutive elements along the reduction axis. */
        public Builder perGroup(int groupSize) {
            this.granularity = Granularity.PER_GROUP;
            this.groupSize = groupSize;
            return this;
        }

        public IntegerQuantizer build() {
            if (bits < 2 || bits > 8) {
                throw new IllegalArgumentException("bits must be 2..8: " + bits);
            }
            if (mode == null || granularity == null) {
                throw new IllegalArgumentException("mode and granularity are required");
            }
            if (granularity == Granularity.PER_GROUP && groupSize < 1) {
                throw new IllegalArgumentException("group size must be positive: " + groupSize);
            }
            return new IntegerQuantizer(bits, mode, signed, granularity, granularity == Granularity.PER_GROUP ? groupSize : 0,
                    halfScales);
        }
    }
}
