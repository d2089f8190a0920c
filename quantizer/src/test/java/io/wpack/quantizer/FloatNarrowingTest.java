package io.wpack.quantizer;

import io.wpack.formats.FloatBits;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Narrowing checked against {@link FloatBits}' widening: every code round-trips, every rounding
 * boundary between adjacent codes goes the right way (exhaustively), and arbitrary floats
 * match a brute-force nearest-even oracle.
 */
class FloatNarrowingTest {

    private static int codeCount(FloatFormat f) {
        return 1 << f.bits();
    }

    private static int signBit(FloatFormat f) {
        return 1 << (f.bits() - 1);
    }

    @ParameterizedTest
    @EnumSource(FloatFormat.class)
    void everyCodeWidensAndNarrowsBackToItself(FloatFormat format) {
        for (int code = 0; code < codeCount(format); code++) {
            float v = format.widen(code);
            int back = format.narrow(v);
            if (Float.isNaN(v)) {
                assertTrue(Float.isNaN(format.widen(back)), format + " NaN code " + Integer.toHexString(code));
                assertEquals(Float.floatToRawIntBits(v) < 0, (back & signBit(format)) != 0, "NaN keeps its sign");
            } else if (Float.isInfinite(v)) {
                assertEquals(largestFinite(format) | (code & signBit(format)), back, "infinity saturates");
            } else {
                assertEquals(code, back, format + " code " + Integer.toHexString(code));
            }
        }
    }

    /** Between every two neighbouring finite codes: below the midpoint, at it, and above it. */
    @ParameterizedTest
    @EnumSource(FloatFormat.class)
    void everyRoundingBoundaryRoundsToNearestEven(FloatFormat format) {
        int max = largestFinite(format);
        for (int code = 0; code < max; code++) {
            float lo = format.widen(code);
            float hi = format.widen(code + 1);
            float mid = (float) (((double) lo + hi) / 2);
            assertEquals(((double) lo + hi) / 2, mid, 0.0, "midpoint is a float");
            int even = (code & 1) == 0 ? code : code + 1;
            for (int sign : new int[] {0, signBit(format)}) {
                float s = sign == 0 ? 1f : -1f;
                String what = format + " between " + lo + " and " + hi;
                assertEquals(even | sign, format.narrow(s * mid), what + ": tie");
                assertEquals(code | sign, format.narrow(s * Math.nextDown(mid)), what + ": below");
                assertEquals((code + 1) | sign, format.narrow(s * Math.nextUp(mid)), what + ": above");
            }
        }
    }

    /** Every binary16 value, narrowed to fp8, against the oracle: a dense sweep of the fp8 range. */
    @Test
    void everyHalfValueNarrowsToFp8LikeTheOracle() {
        for (int h = 0; h < 0x10000; h++) {
            float f = FloatBits.halfToFloat(h);
            if (Float.isNaN(f)) {
                continue;
            }
            assertEquals(oracle(FloatFormat.F8_E4M3, f), FloatFormat.F8_E4M3.narrow(f), "e4m3 of " + f);
            assertEquals(oracle(FloatFormat.F8_E5M2, f), FloatFormat.F8_E5M2.narrow(f), "e5m2 of " + f);
        }
    }

    @Provide
    Arbitrary<Float> floats() {
        return net.jqwik.api.Arbitraries.oneOf(TestTensors.anyFinite(),
                net.jqwik.api.Arbitraries.floats().between(-70000f, 70000f),
                net.jqwik.api.Arbitraries.floats().between(-1f, 1f).map(f -> f * 1e-3f),
                net.jqwik.api.Arbitraries.of(Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE,
                        -Float.MAX_VALUE, Float.MIN_VALUE, -0f));
    }

    @Property(tries = 3000)
    void arbitraryFloatsMatchTheOracle(@ForAll("floats") float f) {
        for (FloatFormat format : FloatFormat.values()) {
            assertEquals(oracle(format, f), format.narrow(f), format + " of " + f);
        }
    }

    @Property(tries = 1000)
    void agreesWithFloatBitsWhereNoSaturationHappens(@ForAll("floats") float f) {
        if (Math.abs(f) <= 65504f) {
            assertEquals(FloatBits.floatToHalf(f), FloatNarrowing.floatToHalf(f));
        }
        if (Float.isFinite(FloatBits.bf16ToFloat(FloatBits.floatToBf16(f)))) {
            assertEquals(FloatBits.floatToBf16(f), FloatNarrowing.floatToBf16(f));
        }
    }

    @Test
    void saturatesAndKeepsNaN() {
        assertEquals(0x7E, FloatNarrowing.floatToE4m3(1e9f) & 0xFF);
        assertEquals(0xFE, FloatNarrowing.floatToE4m3(Float.NEGATIVE_INFINITY) & 0xFF);
        assertEquals(0x7F, FloatNarrowing.floatToE4m3(Float.NaN) & 0xFF);
        assertEquals(0x7B, FloatNarrowing.floatToE5m2(61440f) & 0xFF, "the would-be tie with infinity");
        assertEquals(0x7B, FloatNarrowing.floatToE5m2(Float.POSITIVE_INFINITY) & 0xFF);
        assertTrue(Float.isNaN(FloatBits.e5m2ToFloat(FloatNarrowing.floatToE5m2(Float.NaN))));
        assertEquals(0x80, FloatNarrowing.floatToE4m3(-0f) & 0xFF);
        assertEquals(0x7BFF, FloatNarrowing.floatToHalf(1e6f) & 0xFFFF);
        assertEquals(0x7F7F, FloatNarrowing.floatToBf16(Float.MAX_VALUE) & 0xFFFF);
        assertEquals(0x01, FloatNarrowing.floatToE4m3(0x1p-9f) & 0xFF, "smallest subnormal");
        assertEquals(0x00, FloatNarrowing.floatToE4m3(0x1p-10f) & 0xFF, "half of it ties to even zero");
        assertEquals(0x08, FloatNarrowing.floatToE4m3(0x1p-6f) & 0xFF, "smallest normal");
    }

    static int largestFinite(FloatFormat format) {
        switch (format) {
            case F16:
                return 0x7BFF;
            case BF16:
                return 0x7F7F;
            case F8_E4M3:
                return 0x7E;
            default:
                return 0x7B;
        }
    }

    /**
     * Brute force: the non-negative finite code nearest to |f| in exact (double) arithmetic,
     * the even code on a tie, the largest finite code beyond the range; then the sign.
     */
    static int oracle(FloatFormat format, float f) {
        int sign = Float.floatToRawIntBits(f) < 0 ? signBit(format) : 0;
        double a = Math.abs((double) f);
        int max = largestFinite(format);
        if (a >= format.widen(max)) {
            return sign | max;
        }
        // Finite codes are ordered like their values, so search for the first code at or above a.
        int lo = 0;
        int hi = max;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (format.widen(mid) < a) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo == 0) {
            return sign;
        }
        double up = format.widen(lo) - a;
        double down = a - format.widen(lo - 1);
        int best = up < down ? lo : down < up ? lo - 1 : ((lo & 1) == 0 ? lo : lo - 1);
        return sign | best;
    }
}
