package io.wpack.encoders;

import io.wpack.formats.WpkFormatException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.wpack.encoders.FloatTestData.bits16;

/** floatplanes with width 2 (fp16, bf16): the round-trip suite and special values. */
class FloatPlanes16CodecTest extends AbstractByteCodecTest {

    @Override
    protected ByteCodec codec() {
        return Codecs.FLOATPLANES_16;
    }

    @Test
    void specialValuesRoundTripBitExactly() throws IOException {
        int[] specials = {0x0000, 0x8000, 0x7C00, 0xFC00, 0x7E00, 0xFE00, 0x7C01, 0x7DFF, 0xFFFF, // fp16 ±0 ±Inf NaNs
                0x0001, 0x83FF, 0x0200, 0x7BFF, 0xFBFF, 0x3C00, // subnormals, extremes, 1
                0x7F80, 0xFF80, 0x7FC0, 0x7F81, 0x0080, 0x007F}; // bf16 Inf, NaNs, smallest normal, subnormal
        assertRoundTrip(bits16(specials));
        Random random = new Random(5);
        int[] halves = new int[40_000];
        for (int i = 0; i < halves.length; i++) {
            halves[i] = i % 1001 == 0 ? specials[(i / 1001) % specials.length]
                    : Float.floatToRawIntBits((float) (random.nextGaussian() * 0.05)) >>> 16; // bf16
        }
        assertRoundTrip(bits16(halves));
    }

    @Test
    void bf16WeightsShrink() throws IOException {
        Random random = new Random(6);
        int[] bf16 = new int[100_000];
        for (int i = 0; i < bf16.length; i++) {
            bf16[i] = Float.floatToRawIntBits((float) (random.nextGaussian() * 0.02)) >>> 16;
        }
        byte[] data = bits16(bf16);
        byte[] encoded = encode(data);
        // 16 bits, of which sign + exponent (9 bits) carry about 3.7.
        assertTrue(encoded.length < 0.75 * data.length, encoded.length + " of " + data.length);
        assertRoundTrip(data);
    }

    @Test
    void theWidthIsAParameter() throws WpkFormatException {
        assertEquals(Map.of("width", "2"), codec().params());
        assertEquals(codec(), Codecs.create("floatplanes", Map.of("width", "2")));
    }
}
