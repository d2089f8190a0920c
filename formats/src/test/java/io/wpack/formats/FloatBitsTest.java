package io.wpack.formats;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FloatBitsTest {
    @Test
    void everyHalfWidensAndNarrowsBackExactly() {
        for (int h = 0; h < 0x10000; h++) {
            float f = FloatBits.halfToFloat(h);
            short back = FloatBits.floatToHalf(f);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(FloatBits.halfToFloat(back)));
            } else {
                assertEquals((short) h, back, "half " + Integer.toHexString(h));
            }
        }
    }

    @Property(tries = 2000)
    void narrowingToHalfRoundsToNearest(@ForAll float f) {
        if (Float.isNaN(f)) {
            return;
        }
        float back = FloatBits.halfToFloat(FloatBits.floatToHalf(f));
        if (Math.abs(f) > 65520f) {
            assertTrue(Float.isInfinite(back));
            return;
        }
        // No other half lies closer to f than the chosen one.
        short h = FloatBits.floatToHalf(f);
        float up = FloatBits.halfToFloat(h + 1);
        float down = FloatBits.halfToFloat(h - 1);
        double err = Math.abs((double) back - f);
        if (!Float.isNaN(up) && !Float.isInfinite(up)) {
            assertTrue(err <= Math.abs((double) up - f));
        }
        if (!Float.isNaN(down) && !Float.isInfinite(down)) {
            assertTrue(err <= Math.abs((double) down - f));
        }
    }

    @Test
    void bf16RoundsToNearestEven() {
        assertEquals((short) 0x3F80, FloatBits.floatToBf16(1.0f));
        // 1 + 2^-8 is exactly between two bf16 values; the even one (1.0) wins.
        assertEquals((short) 0x3F80, FloatBits.floatToBf16(Float.intBitsToFloat(0x3F808000)));
        assertEquals((short) 0x3F82, FloatBits.floatToBf16(Float.intBitsToFloat(0x3F818000)));
        assertTrue(Float.isNaN(FloatBits.bf16ToFloat(FloatBits.floatToBf16(Float.NaN))));
    }

    @Test
    void fp8Values() {
        assertEquals(448f, FloatBits.e4m3ToFloat(0x7E));
        assertTrue(Float.isNaN(FloatBits.e4m3ToFloat(0x7F)));
        assertEquals(-0.0f, FloatBits.e4m3ToFloat(0x80));
        assertEquals(0x1p-9f, FloatBits.e4m3ToFloat(0x01));
        assertEquals(57344f, FloatBits.e5m2ToFloat(0x7B));
        assertTrue(Float.isInfinite(FloatBits.e5m2ToFloat(0x7C)));
    }
}
