package io.wpack.loader.layout;

import io.wpack.formats.FloatBits;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The bulk converter's float-to-half shortcut agrees with FloatBits on every float it was tried on. */
class ValueConverterTest {
    @Test
    void toHalfMatchesFloatBits() {
        // Every bit pattern around each binade edge of the shortcut's range, and a stride through all others.
        int[] edges = {0x38800000, 0x47800000, 0x477FE000, 0x477FF000, 0x38000000, 0x7F800000, 0};
        for (int edge : edges) {
            for (int d = -0x3000; d <= 0x3000; d++) {
                check(edge + d);
                check((edge + d) | 0x80000000);
            }
        }
        for (long b = 0; b <= 0xFFFFFFFFL; b += 4093) {
            check((int) b);
        }
    }

    private static void check(int bits) {
        float f = Float.intBitsToFloat(bits);
        assertEquals(FloatBits.floatToHalf(f), ValueConverter.toHalf(f), () -> "bits " + Integer.toHexString(bits));
    }
}
