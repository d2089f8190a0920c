package io.wpack.quantizer;

import io.wpack.formats.FloatBits;

/**
 * A tensor as indices into small codebooks of shared values (weight sharing).
 *
 * <p><b>Reconstruction</b>, exact with no arithmetic:
 * <pre>
 *   b     = 0 per tensor, or the element's channel per channel   ({@link #codebookIndex})
 *   value = codebooks[b * entries + (codes[i] &amp; 0xFF)]
 * </pre>
 * With {@link CodebookQuantizer.CentroidFormat#F16} every entry is exactly a binary16 value,
 * so a package may store the codebooks as fp16 ({@link #codebooksAsHalf()}) and a loader
 * widens them with {@link FloatBits#halfToFloat} to the same floats.
 *
 * <p>Each codebook is ascending. When the codebook's elements include zeros or pruned
 * elements, one entry is exactly +0 and all of those elements point at it. Entries past
 * the ones needed (fewer distinct values than entries) repeat the largest entry.
 */
public final class CodebookQuantization implements QuantizedTensor {
    private final int entries;
    private final CodebookQuantizer.CentroidFormat centroidFormat;
    private final Granularity granularity;
    private final TensorLayout layout;
    private final byte[] codes;
    private final float[] codebooks;
    private final CodebookQuantizer.Method method;
    private final boolean exact;

    CodebookQuantization(int entries, CodebookQuantizer.CentroidFormat centroidFormat, Granularity granularity,
                         TensorLayout layout, byte[] codes, float[] codebooks, CodebookQuantizer.Method method,
                         boolean exact) {
        this.entries = entries;
        this.centroidFormat = centroidFormat;
        this.granularity = granularity;
        this.layout = layout;
        this.codes = codes;
        this.codebooks = codebooks;
        this.method = method;
        this.exact = exact;
    }

    /** Entries per codebook: the K asked for. */
    public int entries() {
        return entries;
    }

    public CodebookQuantizer.CentroidFormat centroidFormat() {
        return centroidFormat;
    }

    public Granularity granularity() {
        return granularity;
    }

    public int[] shape() {
        return layout.shape();
    }

    public LayerAxes axes() {
        return layout.axes();
    }

    /** Number of codebooks: 1, or one per channel. */
    public int codebookCount() {
        return entries == 0 ? 0 : codebooks.length / entries;
    }

    /** The codes array itself: one unsigned byte per element. */
    public byte[] codes() {
        return codes;
    }

    /** All codebooks back to back, {@link #entries()} each. The array itself. */
    public float[] codebooks() {
        return codebooks;
    }

    /** The codebooks as binary16 bits; exact only for {@link CodebookQuantizer.CentroidFormat#F16}. */
    public short[] codebooksAsHalf() {
        short[] out = new short[codebooks.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = FloatBits.floatToHalf(codebooks[i]);
        }
        return out;
    }

    /** The algorithm that chose the centroids ({@link CodebookQuantizer.Method#AUTO} resolved). */
    public CodebookQuantizer.Method method() {
        return method;
    }

    /**
     * Whether every codebook is the proven k-means optimum before rounding to the centroid
     * format: the dynamic program ran on all distinct values and no zero entry was reserved.
     */
    public boolean exact() {
        return exact;
    }

    public int code(int i) {
        return codes[i] & 0xFF;
    }

    public int codebookIndex(int i) {
        return granularity == Granularity.PER_TENSOR ? 0 : layout.channelOf(i);
    }

    @Override
    public int size() {
        return codes.length;
    }

    @Override
    public void dequantizeInto(float[] out) {
        byte[] c = codes;
        float[] book = codebooks;
        int k = entries;
        if (granularity == Granularity.PER_TENSOR) {
            for (int i = 0; i < c.length; i++) {
                out[i] = book[c[i] & 0xFF];
            }
            return;
        }
        for (int i = 0; i < c.length; i++) {
            out[i] = book[layout.channelOf(i) * k + (c[i] & 0xFF)];
        }
    }

    /** {@code ceil(log2 K)} bits per code, plus the codebooks at 16 or 32 bits per entry. */
    @Override
    public double bitsPerWeight() {
        if (codes.length == 0) {
            return 0;
        }
        int codeBits = Math.max(1, 32 - Integer.numberOfLeadingZeros(entries - 1));
        return codeBits + (double) codebooks.length * centroidFormat.bits() / codes.length;
    }
}
