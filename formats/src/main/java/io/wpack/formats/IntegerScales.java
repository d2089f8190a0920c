package io.wpack.formats;

import io.wpack.formats.proto.IntegerDequantization;

/**
 * The scales of an integer dequantization record, wherever they are stored: binary32 in
 * {@code scales} or binary16 in {@code half_scales}.
 */
public final class IntegerScales {
    private IntegerScales() {
    }

    /** How many scales the record holds (not checked against the tensor: see {@link ManifestValidator}). */
    public static int count(IntegerDequantization q) {
        return q.getHalfScales().isEmpty() ? q.getScalesCount() : q.getHalfScales().size() / 2;
    }

    /** Scale {@code p}, without converting the others: readers that look one up per run of elements. */
    public static float at(IntegerDequantization q, int p) {
        if (q.getHalfScales().isEmpty()) {
            return q.getScales(p);
        }
        com.google.protobuf.ByteString b = q.getHalfScales();
        return FloatBits.halfToFloat((b.byteAt(2 * p) & 0xFF) | (b.byteAt(2 * p + 1) & 0xFF) << 8);
    }

    /** The scales as floats; binary16 ones widen exactly. */
    public static float[] of(IntegerDequantization q) {
        if (q.getHalfScales().isEmpty()) {
            float[] out = new float[q.getScalesCount()];
            for (int i = 0; i < out.length; i++) {
                out[i] = q.getScales(i);
            }
            return out;
        }
        float[] out = new float[q.getHalfScales().size() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = at(q, i);
        }
        return out;
    }
}
