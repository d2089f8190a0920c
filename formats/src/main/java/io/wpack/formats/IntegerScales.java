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

    /** The scales as floats; binary16 ones widen exactly. */
    public static float[] of(IntegerDequantization q) {
        if (q.getHalfScales().isEmpty()) {
            float[] out = new float[q.getScalesCount()];
            for (int i = 0; i < out.length; i++) {
                out[i] = q.getScales(i);
            }
            return out;
        }
        com.google.protobuf.ByteString b = q.getHalfScales();
        float[] out = new float[b.size() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = FloatBits.halfToFloat((b.byteAt(2 * i) & 0xFF) | (b.byteAt(2 * i + 1) & 0xFF) << 8);
        }
        return out;
    }
}
