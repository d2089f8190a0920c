package io.wpack.loader.layout;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exact GGUF block bytes for small inputs. The expected hex was computed outside Java by a
 * NumPy transcription of ggml's {@code quantize_row_q8_0_ref} / {@code quantize_row_q4_0_ref}
 * (float32 arithmetic, {@code np.float16} for the scale), so these pin the byte format and
 * the rounding details independently of both implementations here.
 */
class GgmlQuantsTest {
    /** -5.92 .. 5.55 in steps of 0.37. */
    private static float[] ramp() {
        float[] x = new float[32];
        for (int j = 0; j < 32; j++) {
            x[j] = (j - 16) * 0.37f;
        }
        return x;
    }

    /** sin(1.7 j) * 3.3 rounded to float32, as hex literals so that the input is exact. */
    private static final float[] WAVE = {0x0.0p+0f, 0x1.a2e114p+1f, -0x1.afc322p-1f, -0x1.87106ap+1f,
        0x1.a16d4ep+0f, 0x1.5147ecp+1f, -0x1.27a088p+1f, -0x1.0519e2p+1f, 0x1.6ae8f2p+1f, 0x1.4f2a9cp+0f,
        -0x1.961824p+1f, -0x1.f77f5cp-2f, 0x1.a65002p+1f, -0x1.6f1ad4p-2f, -0x1.9a7cd8p+1f, 0x1.2f551ep+0f,
        0x1.7367aap+1f, -0x1.eebf16p+0f, -0x1.33a8dap+1f, 0x1.46a758p+1f, 0x1.bef814p+0f, -0x1.803e42p+1f,
        -0x1.f1e08cp-1f, 0x1.a0514cp+1f, 0x1.130574p-3f, -0x1.a4bf38p+1f, 0x1.6cee9ep-1f, 0x1.8d3cb8p+1f,
        -0x1.83317ep+0f, -0x1.5b5976p+1f, 0x1.1b1ad4p+1f, 0x1.126580p+1f};

    private static String q8(float[] x) {
        ByteBuffer b = ByteBuffer.allocate(GgmlQuants.Q8_0_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        GgmlQuants.quantizeQ8_0(x, 0, b, 0);
        return HexFormat.of().formatHex(b.array());
    }

    private static String q4(float[] x) {
        ByteBuffer b = ByteBuffer.allocate(GgmlQuants.Q4_0_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        GgmlQuants.quantizeQ4_0(x, 0, b, 0);
        return HexFormat.of().formatHex(b.array());
    }

    @Test
    void q8_0ExactBytes() {
        assertEquals("f72981899199a1a9b1b9c1c8d0d8e0e8f0f800081018202830383f474f575f676f77", q8(ramp()));
        assertEquals("a726007ee08a3f65a7b16d3286ed7ff2852e70b6a362438cdb7d05811b77c6985553", q8(WAVE));
    }

    /** d = 1 exactly, so x * id lands on halves: roundf takes them away from zero (Math.round and rint would not). */
    @Test
    void q8_0RoundsHalvesAwayFromZero() {
        float[] x = new float[32];
        float[] head = {127f, 2.5f, -2.5f, 0.5f, -0.5f, 1.5f, -1.5f, 0.49999997f};
        System.arraycopy(head, 0, x, 0, head.length);
        assertEquals("003c7f03fd01ff02fe00000000000000000000000000000000000000000000000000", q8(x));
    }

    @Test
    void q4_0ExactBytes() {
        assertEquals("99b618d0ea2f44f2ae0d81f56f09c0f93f35", q4(WAVE));
        assertEquals("ec39809091a2a2b2b3c4c4d5d5e6e6f7f7f8", q4(ramp()));
    }

    /**
     * -8 comes before +8: the first element of largest magnitude sets d = max / -8 = 1; +8 then
     * maps to 16.5, truncated to 16 and clamped to 15. Element j sits in the low nibble of byte
     * j and element j + 16 in the high nibble.
     */
    @Test
    void q4_0KeepsTheFirstLargestMagnitudeAndClamps() {
        float[] x = new float[32];
        for (int j = 0; j < 32; j++) {
            x[j] = 0.25f * j - 3;
        }
        x[5] = -8f;
        x[20] = 8f;
        assertEquals("003c9595a6a6f6a0b7b7b7b7c8c8c8c8d9d9", q4(x));
    }

    /** 0.0f / -8 is -0.0f: an all-zero block stores the half 0x8000, and every nibble is 8. */
    @Test
    void q4_0ZeroBlockHasNegativeZeroScale() {
        assertEquals("0080" + "88".repeat(16), q4(new float[32]));
        assertEquals("0000" + "00".repeat(32), q8(new float[32]));
    }

    @Test
    void roundfMatchesC() {
        assertEquals(3f, GgmlQuants.roundf(2.5f));
        assertEquals(-3f, GgmlQuants.roundf(-2.5f));
        assertEquals(0f, GgmlQuants.roundf(0.49999997f));
        assertEquals(1f, GgmlQuants.roundf(0.5f));
        assertEquals(-0f, GgmlQuants.roundf(-0.2f));
        assertEquals(8388609f, GgmlQuants.roundf(8388609f));
    }

    /** Quantize, dequantize: each value is within d/2 (Q8_0, plus the half rounding of d) of the input. */
    @Property(tries = 200)
    void q8_0ErrorIsBounded(@ForAll @Size(32) List<@FloatRange(min = -1000, max = 1000) Float> values) {
        float[] x = new float[32];
        for (int i = 0; i < 32; i++) {
            x[i] = values.get(i);
        }
        ByteBuffer b = ByteBuffer.allocate(34).order(ByteOrder.LITTLE_ENDIAN);
        GgmlQuants.quantizeQ8_0(x, 0, b, 0);
        float[] y = new float[32];
        GgmlQuants.dequantizeQ8_0(b, 0, y, 0);
        float amax = 0;
        for (float v : x) {
            amax = Math.max(amax, Math.abs(v));
        }
        double d = amax / 127.0;
        double d16 = io.wpack.formats.FloatBits.halfToFloat(b.getShort(0));
        for (int i = 0; i < 32; i++) {
            double bound = d / 2 * (1 + 1e-6) + 127 * Math.abs(d - d16) + 1e-30;
            assertTrue(Math.abs(x[i] - y[i]) <= bound, "element " + i + ": " + x[i] + " vs " + y[i]);
        }
        ByteBuffer again = ByteBuffer.allocate(34).order(ByteOrder.LITTLE_ENDIAN);
        ReferenceLayouts.q8Block(x, again);
        assertArrayEquals(again.array(), b.array(), "the test oracle agrees");
    }

    @Property(tries = 200)
    void q4_0AgreesWithTheOracle(@ForAll @Size(32) List<@FloatRange(min = -1000, max = 1000) Float> values) {
        float[] x = new float[32];
        for (int i = 0; i < 32; i++) {
            x[i] = values.get(i);
        }
        ByteBuffer b = ByteBuffer.allocate(18).order(ByteOrder.LITTLE_ENDIAN);
        GgmlQuants.quantizeQ4_0(x, 0, b, 0);
        ByteBuffer again = ByteBuffer.allocate(18).order(ByteOrder.LITTLE_ENDIAN);
        ReferenceLayouts.q4Block(x, again);
        assertArrayEquals(again.array(), b.array());
    }
}
