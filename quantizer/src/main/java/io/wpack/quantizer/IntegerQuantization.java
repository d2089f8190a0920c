package io.wpack.quantizer;

/**
 * Uniform integer codes with a float32 scale and an integer zero point per parameter set.
 *
 * <p><b>Reconstruction</b>, which a loader must compute exactly like this to get the same bits:
 * <pre>
 *   p     = parameter set of element i   (0; its channel; or its group, see {@link #parameterIndex})
 *   value = (float) (code(i) - zeroPoints[p]) * scales[p]
 * </pre>
 * The difference is an int below 2^9 in magnitude, so converting it to float32 is exact; the
 * product is one IEEE-754 binary32 multiplication, rounded to nearest even, with no fused
 * multiply-add and no wider intermediate. Java always evaluates it that way; C needs
 * {@code FLT_EVAL_METHOD == 0} and {@code -ffp-contract=off} (there is no addition to fuse, so
 * contraction cannot change it in practice).
 *
 * <p>An element whose code equals its zero point is exactly +0, whatever the scale: every
 * zero of the input and every pruned element reconstructs to 0.
 *
 * <p><b>Codes</b> are one byte each. Signed codes are the two's-complement byte
 * ({@code codes[i]}); unsigned codes are {@code codes[i] & 0xFF}. {@link #code(int)} does
 * that. Only the low {@link #bits()} bits carry information, so a packer can bit-pack them.
 */
public final class IntegerQuantization implements QuantizedTensor {
    private final int bits;
    private final boolean signed;
    private final boolean symmetric;
    private final Granularity granularity;
    private final int groupSize;
    private final TensorLayout layout;
    private final byte[] codes;
    private final float[] scales;
    private final int[] zeroPoints;
    private final boolean halfScales;

    IntegerQuantization(int bits, boolean signed, boolean symmetric, Granularity granularity, int groupSize,
                        TensorLayout layout, byte[] codes, float[] scales, int[] zeroPoints, boolean halfScales) {
        this.halfScales = halfScales;
        this.bits = bits;
        this.signed = signed;
        this.symmetric = symmetric;
        this.granularity = granularity;
        this.groupSize = groupSize;
        this.layout = layout;
        this.codes = codes;
        this.scales = scales;
        this.zeroPoints = zeroPoints;
    }

    public int bits() {
        return bits;
    }

    public boolean signed() {
        return signed;
    }

    /** Symmetric schemes have a fixed zero point (0 signed, 2^(bits-1) unsigned) that need not be stored. */
    public boolean symmetric() {
        return symmetric;
    }

    public Granularity granularity() {
        return granularity;
    }

    /** G for {@link Granularity#PER_GROUP}; 0 otherwise. */
    public int groupSize() {
        return groupSize;
    }

    public int[] shape() {
        return layout.shape();
    }

    public LayerAxes axes() {
        return layout.axes();
    }

    @Override
    public int size() {
        return codes.length;
    }

    /** The codes array itself, not a copy. */
    public byte[] codes() {
        return codes;
    }

    /**
     * One scale per parameter set, in parameter order: 1 per tensor; one per channel in
     * channel order; per group, a tensor shaped like the input with the reduction axis
     * {@code ceil(R / G)} long, row-major (ONNX blocked quantization). The array itself.
     */
    /**
     * The same scales and zero points over other codes, for a later stage that moves codes (a
     * lossy block merge). Every code must be in {@link #minCode()}..{@link #maxCode()}.
     */
    public IntegerQuantization withCodes(byte[] other) {
        if (other.length != codes.length) {
            throw new IllegalArgumentException("expected " + codes.length + " codes, got " + other.length);
        }
        for (byte b : other) {
            int c = signed ? b : b & 0xFF;
            if (c < minCode() || c > maxCode()) {
                throw new IllegalArgumentException("code " + c + " is outside " + minCode() + ".." + maxCode());
            }
        }
        return new IntegerQuantization(bits, signed, symmetric, granularity, groupSize, layout, other.clone(), scales,
                zeroPoints, halfScales);
    }

    /** Whether every scale is exactly a binary16 value, so it can be stored in two bytes. */
    public boolean halfScales() {
        return halfScales;
    }

    public float[] scales() {
        return scales;
    }

    /** Zero points, parallel to {@link #scales()}. The array itself. */
    public int[] zeroPoints() {
        return zeroPoints;
    }

    /** Smallest code this scheme emits. */
    public int minCode() {
        return IntegerQuantizer.minCode(bits, signed, symmetric);
    }

    /** Largest code this scheme emits. */
    public int maxCode() {
        return IntegerQuantizer.maxCode(bits, signed, symmetric);
    }

    /** The integer code of element i, sign-extended or not according to {@link #signed()}. */
    public int code(int i) {
        return signed ? codes[i] : codes[i] & 0xFF;
    }

    /** Which scale and zero point element i uses. */
    public int parameterIndex(int i) {
        return IntegerQuantizer.parameterIndex(layout, granularity, groupSize, i);
    }

    @Override
    public void dequantizeInto(float[] out) {
        byte[] c = codes;
        float[] s = scales;
        int[] z = zeroPoints;
        boolean sgn = signed;
        if (granularity == Granularity.PER_TENSOR) {
            float scale = s.length == 0 ? 1f : s[0];
            int zero = z.length == 0 ? 0 : z[0];
            for (int i = 0; i < c.length; i++) {
                int q = sgn ? c[i] : c[i] & 0xFF;
                out[i] = (float) (q - zero) * scale;
            }
            return;
        }
        for (int i = 0; i < c.length; i++) {
            int p = IntegerQuantizer.parameterIndex(layout, granularity, groupSize, i);
            int q = sgn ? c[i] : c[i] & 0xFF;
            out[i] = (float) (q - z[p]) * s[p];
        }
    }

    /** Codes at {@code bits} each, 32 bits per scale, and {@code bits} per zero point unless symmetric. */
    @Override
    public double bitsPerWeight() {
        if (codes.length == 0) {
            return 0;
        }
        double side = scales.length * 32.0 + (symmetric ? 0 : zeroPoints.length * (double) bits);
        return bits + side / codes.length;
    }
}
