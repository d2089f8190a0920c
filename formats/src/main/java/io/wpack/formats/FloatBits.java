package io.wpack.formats;

/**
 * Bit-exact conversions between the small float formats and float32. Narrowing rounds to
 * nearest even; widening is exact. NaN payloads survive widening where the target can hold
 * them.
 */
public final class FloatBits {
    private FloatBits() {
    }

    /** IEEE binary16 to float32, exactly. */
    public static float halfToFloat(int h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            // Subnormal half: value = mant * 2^-24, exact in float32.
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** float32 to IEEE binary16, round to nearest even; NaN stays NaN (quiet). */
    public static short floatToHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xFF;
        int mant = bits & 0x7FFFFF;
        if (exp == 0xFF) {
            if (mant == 0) {
                return (short) (sign | 0x7C00);
            }
            return (short) (sign | 0x7E00 | (mant >>> 13));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1F) {
            return (short) (sign | 0x7C00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;
            }
            // Subnormal result: shift the implicit-1 mantissa into place, round to nearest even.
            int m = mant | 0x800000;
            int shift = 14 - e;
            int half = m >>> shift;
            int rem = m & ((1 << shift) - 1);
            int mid = 1 << (shift - 1);
            if (rem > mid || (rem == mid && (half & 1) != 0)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >>> 13);
        int rem = mant & 0x1FFF;
        if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
            half++; // may carry into the exponent, which correctly rounds up to the next binade or to infinity
        }
        return (short) (sign | half);
    }

    /** bfloat16 to float32, exactly. */
    public static float bf16ToFloat(int b) {
        return Float.intBitsToFloat((b & 0xFFFF) << 16);
    }

    /** float32 to bfloat16, round to nearest even; NaN stays NaN. */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7FFFFFFF) > 0x7F800000) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    /** OCP FP8 E4M3 (fn: no infinities; S.1111.111 is NaN) to float32. */
    public static float e4m3ToFloat(int v) {
        int sign = (v & 0x80) != 0 ? -1 : 1;
        int exp = (v >>> 3) & 0xF;
        int mant = v & 0x7;
        if (exp == 0xF && mant == 0x7) {
            return Float.NaN;
        }
        float mag = exp == 0 ? mant * 0x1p-9f : (1 + mant / 8f) * (float) Math.scalb(1.0, exp - 7);
        return sign * mag;
    }

    /** OCP FP8 E5M2 (IEEE-like) to float32. */
    public static float e5m2ToFloat(int v) {
        return halfToFloat((v & 0xFF) << 8);
    }
}
