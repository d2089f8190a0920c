package io.wpack.quantizer;

import io.wpack.formats.WpkFormatException;

import java.util.Arrays;

/**
 * The gate in front of every lossy scheme: a NaN or infinity has no scale, no nearest
 * centroid and no magnitude rank, and silently turning it into a number would hide a broken
 * model, so the whole tensor is refused and the error names it.
 */
public final class FiniteValues {
    private FiniteValues() {
    }

    /** Throws naming the tensor, the first bad element's index and coordinates, and what it is. */
    public static void require(WeightView view) throws WpkFormatException {
        float[] v = view.values();
        for (int i = 0; i < v.length; i++) {
            // One compare per element on the fast path: x - x is 0 for finite x, NaN otherwise.
            if (v[i] - v[i] != 0f) {
                throw new WpkFormatException(String.format("tensor %s: element %d %s is %s; lossy quantization "
                                + "and pruning need finite values", WeightView.quote(view.name()), i,
                        Arrays.toString(coordinates(view.shape(), i)), v[i]));
            }
        }
    }

    static int[] coordinates(int[] shape, int index) {
        int[] c = new int[shape.length];
        int rest = index;
        for (int a = shape.length - 1; a >= 0; a--) {
            if (shape[a] > 0) {
                c[a] = rest % shape[a];
                rest /= shape[a];
            }
        }
        return c;
    }
}
