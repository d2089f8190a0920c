package io.wpack.patterns;

import java.util.Arrays;

/**
 * An int8/uint8 code tensor: the codes in row-major order, the shape, and the reduction axis
 * (the axis a layer sums over; -1 when there is none). The codes array is the caller's and is
 * never written.
 */
public record CodeTensor(String name, byte[] codes, long[] shape, int reductionAxis) {

    public CodeTensor {
        if (codes == null || shape == null) {
            throw new IllegalArgumentException("codes and shape are required");
        }
        long elements = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            elements = Math.multiplyExact(elements, d);
        }
        if (elements != codes.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + elements + " elements, "
                    + codes.length + " codes given");
        }
        if (reductionAxis < -1 || reductionAxis >= Math.max(1, shape.length)) {
            throw new IllegalArgumentException("reduction axis " + reductionAxis + " for rank " + shape.length);
        }
        shape = shape.clone();
    }

    public int size() {
        return codes.length;
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return (int) shape[axis];
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Elements between neighbours along {@code axis}: the product of the later dimensions. */
    public int stride(int axis) {
        long s = 1;
        for (int a = axis + 1; a < shape.length; a++) {
            s *= shape[a];
        }
        return (int) s;
    }

    /** The product of the dimensions before {@code axis}. */
    public int outer(int axis) {
        long s = 1;
        for (int a = 0; a < axis; a++) {
            s *= shape[a];
        }
        return (int) s;
    }

    /**
     * The axis blocks run along: the reduction axis, or the last axis when there is none (a
     * rank-0 or rank-1 tensor runs along its flat order).
     */
    public int blockAxis() {
        if (shape.length == 0) {
            return -1;
        }
        return reductionAxis >= 0 ? reductionAxis : shape.length - 1;
    }

    /**
     * The two kernel axes of a convolution filter, or null: for rank 4 the leading pair
     * ({@code [H, W, I, O]}, TF.js) or the trailing pair ({@code [O, I, H, W]}, ONNX), whichever
     * has the smaller product above 1 and at most 64 elements; for rank 3 the first or last axis
     * alone ({@code [K, I, O]} or {@code [O, I, K]}), paired with a dummy axis of 1. A
     * heuristic: kernels are small, channel counts are not.
     */
    public int[] kernelAxes() {
        if (shape.length == 4) {
            long leading = shape[0] * shape[1];
            long trailing = shape[2] * shape[3];
            boolean lead = leading > 1 && leading <= 64;
            boolean trail = trailing > 1 && trailing <= 64;
            if (lead && (!trail || leading <= trailing)) {
                return new int[] {0, 1};
            }
            return trail ? new int[] {2, 3} : null;
        }
        if (shape.length == 3) {
            boolean first = shape[0] > 1 && shape[0] <= 64;
            boolean last = shape[2] > 1 && shape[2] <= 64;
            if (first && (!last || shape[0] <= shape[2])) {
                return new int[] {0, -1};
            }
            return last ? new int[] {2, -1} : null;
        }
        return null;
    }

    /** Order-0 entropy of the codes, in bits per code; 0 for an empty tensor. */
    public double entropy() {
        return Entropy.bitsPerSymbol(histogram());
    }

    /** How often each byte value occurs, indexed by the unsigned byte. */
    public long[] histogram() {
        // Four partial counts: in a sparse tensor most codes are the zero byte, and updates of one
        // counter would each wait for the last.
        int[] h4 = new int[4 * 256];
        int n = codes.length;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            h4[codes[i] & 0xFF]++;
            h4[256 + (codes[i + 1] & 0xFF)]++;
            h4[512 + (codes[i + 2] & 0xFF)]++;
            h4[768 + (codes[i + 3] & 0xFF)]++;
        }
        for (; i < n; i++) {
            h4[codes[i] & 0xFF]++;
        }
        long[] h = new long[256];
        for (int b = 0; b < 256; b++) {
            h[b] = (long) h4[b] + h4[256 + b] + h4[512 + b] + h4[768 + b];
        }
        return h;
    }
}
