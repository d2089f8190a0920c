package io.wpack.quantizer;

/**
 * A tensor in some compact representation that a loader turns back into float32. Each
 * implementation documents its reconstruction formula; {@link #dequantize()} computes exactly
 * that, element by element in float32, so the values it returns are the values a loader
 * following the formula gets, bit for bit.
 */
public interface QuantizedTensor {

    /** Number of elements. */
    int size();

    /** The reconstruction, as a new array in the tensor's row-major order. */
    default float[] dequantize() {
        float[] out = new float[size()];
        dequantizeInto(out);
        return out;
    }

    /** Writes the reconstruction into {@code out[0 .. size())}. */
    void dequantizeInto(float[] out);

    /**
     * Storage estimate in bits per element: the raw codes at their bit width plus the side data
     * (scales, zero points, codebooks) spread over the elements; before any entropy coding and
     * without a sparsity mask.
     */
    double bitsPerWeight();
}
