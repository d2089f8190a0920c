package io.wpack.quantizer;

import io.wpack.formats.FloatBits;

/**
 * float32 to the small float formats, rounding to nearest even and saturating: a finite value
 * beyond the largest finite code, and an infinity, become that largest code with the same
 * sign (ONNX {@code Cast} with {@code saturate=1}). NaN stays NaN. The widening direction is
 * {@link FloatBits}; every code widens and narrows back to itself.
 *
 * <p>Saturating rather than overflowing to infinity (or, for E4M3, to NaN) keeps a finite
 * weight finite; the error it adds shows up in {@link QuantizationError#maxAbsError()}.
 */
public final class FloatNarrowing {
    /** Largest finite binary16: 65504. */
    static final int HALF_MAX = 0x7BFF;
    /** Largest finite bfloat16: about 3.39e38. */
    static final int BF16_MAX = 0x7F7F;
    static final int E4M3_MAX = 0x7E;
    static final int E4M3_NAN = 0x7F;
    static final int E5M2_MAX = 0x7B;
    static final int E5M2_NAN = 0x7E;

    private FloatNarrowing() {
    }

    /** IEEE binary16 bits, saturating at ±65504. */
    public static short floatToHalf(float f) {
        if (Math.abs(f) > 65504f) {
            return (short) (f < 0 ? 0x8000 | HALF_MAX : HALF_MAX);
        }
        return FloatBits.floatToHalf(f);
    }

    /** bfloat16 bits, saturating at the largest finite bfloat16. */
    public static short floatToBf16(float f) {
        if (Math.abs(f) > FloatBits.bf16ToFloat(BF16_MAX)) {
            return (short) (f < 0 ? 0x8000 | BF16_MAX : BF16_MAX);
        }
        return FloatBits.floatToBf16(f);
    }

    /** OCP FP8 E4M3 (fn) bits, saturating at ±448; NaN becomes 0x7F or 0xFF. */
    public static byte floatToE4m3(float f) {
        return (byte) narrow(f, 4, 3, E4M3_MAX, 448f, E4M3_NAN);
    }

    /** OCP FP8 E5M2 bits, saturating at ±57344; NaN becomes 0x7E or 0xFE (quiet). */
    public static byte floatToE5m2(float f) {
        return (byte) narrow(f, 5, 2, E5M2_MAX, 57344f, E5M2_NAN);
    }

    /**
     * Narrowing for a 1-sign, {@code expBits}-exponent, {@code mantBits}-mantissa format with
     * IEEE bias and subnormals.
     */
    private static int narrow(float f, int expBits, int mantBits, int maxCode, float maxFinite, int nanCode) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 31) << (expBits + mantBits);
        if (Float.isNaN(f)) {
            return sign | nanCode;
        }
        float a = Math.abs(f);
        if (a >= maxFinite) {
            return sign | maxCode;
        }
        int bias = (1 << (expBits - 1)) - 1;
        int minExponent = 1 - bias;
        if (a < Math.scalb(1f, minExponent)) {
            // Subnormal (or zero) in the target: count quanta of 2^(minExponent - mantBits). The
            // scaling by a power of two is exact, and rint rounds half to even. A result of
            // 2^mantBits is the smallest normal, whose code is exactly that number.
            return sign | (int) Math.rint(Math.scalb(a, mantBits - minExponent));
        }
        // Normal: rebias the exponent in place and round the mantissa; a carry out of the
        // mantissa correctly moves to the next binade.
        int shift = 23 - mantBits;
        int rebased = Float.floatToRawIntBits(a) - ((127 - bias) << 23);
        int q = rebased >>> shift;
        int rest = rebased & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (rest > half || (rest == half && (q & 1) != 0)) {
            q++;
        }
        return sign | q;
    }
}
