package io.wpack.encoders;

import io.wpack.formats.WpkFormatException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.wpack.encoders.FloatTestData.bits16;
import static io.wpack.encoders.FloatTestData.bits32;
import static io.wpack.encoders.FloatTestData.float32s;
import static io.wpack.encoders.FloatTestData.gaussianBits;

/** floatplanes with width 4 (fp32): the round-trip suite, special values, the chosen split. */
class FloatPlanesCodecTest extends AbstractByteCodecTest {

    @Override
    protected ByteCodec codec() {
        return Codecs.FLOATPLANES_32;
    }

    @Test
    void specialValuesRoundTripBitExactly() throws IOException {
        byte[] data = bits32(0x00000000, 0x80000000, 0x7F800000, 0xFF800000, // ±0, ±Inf
                0x7FC00000, 0xFFC00000, 0x7F800001, 0x7FBFFFFF, 0xFFFFFFFF, 0x7FC12345, // NaNs with payloads
                0x00000001, 0x807FFFFF, 0x00400000, 0x80000001, // subnormals
                0x7F7FFFFF, 0xFF7FFFFF, 0x00800000, 0x3F800000, 0xBF800000); // extremes, ±1
        assertRoundTrip(data);
        // The same values inside a large tensor, so that they go through the four-stream path.
        int[] bits = gaussianBits(50_000, 0.05, 0.1, 1);
        ByteBuffer special = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < data.length / 4; i++) {
            bits[i * 997] = special.getInt(4 * i);
        }
        assertRoundTrip(bits32(bits));
    }

    @Test
    void aFullSixteenMebibyteChunk() throws IOException {
        int[] bits = gaussianBits(4 << 20, 0.03, 0.05, 7);
        for (int i = 0; i < bits.length; i += 65_537) {
            bits[i] = 0x7FC00000 | i; // quiet NaNs with payloads
        }
        byte[] data = bits32(bits);
        byte[] encoded = encode(data);
        assertArrayEquals(data, decode(encoded, data.length, BufferKind.HEAP, BufferKind.HEAP));
        assertArrayEquals(data, decode(encoded, data.length, BufferKind.DIRECT, BufferKind.DIRECT));
    }

    @Test
    void everyElementCountAroundTheFourStreamThreshold() throws IOException {
        for (int n = 1000; n <= 1040; n++) {
            byte[] data = bits32(gaussianBits(n, 0.1, 0.2, n));
            assertRoundTrip(data);
            byte[] ragged = java.util.Arrays.copyOf(data, data.length - 1);
            assertRoundTrip(ragged);
        }
    }

    @Test
    void gaussianWeightsBeatTheirRawSize() throws IOException {
        byte[] data = bits32(gaussianBits(100_000, 0.02, 0, 3));
        byte[] encoded = encode(data);
        // Sign + exponent of Gaussian weights carry about 3.7 bits, so about 27.7 of 32 bits.
        assertTrue(encoded.length < 0.88 * data.length, encoded.length + " of " + data.length);
        assertRoundTrip(data);
    }

    @Test
    void prunedWeightsUseTheZeroSymbol() throws IOException {
        byte[] data = bits32(gaussianBits(100_000, 0.02, 0.7, 4));
        byte[] encoded = encode(data);
        assertEquals(FloatPlanesDecoder.ZERO_SYMBOL_FLAG, encoded[0] & FloatPlanesDecoder.ZERO_SYMBOL_FLAG);
        assertTrue(encoded.length < 0.35 * data.length, encoded.length + " of " + data.length);
        assertRoundTrip(data);
    }

    @Test
    void exactBytesForOneElement() throws IOException {
        // 1.0f = 0x3F800000. Every split gives a single-symbol section; B = 8 (the top byte, 0x3F)
        // is as small as any and the smallest B wins ties. Mode 0x07 (B - 1), section size 4; the
        // section, LSB-first: w = 7 in 5 bits, count = 0x40 in 7 bits, clCount = 0 in 5 bits,
        // padding, then n = 1; then the 24 low bits 0x800000.
        assertArrayEquals(new byte[] {0x07, 0x04, 0x07, 0x08, 0x00, 0x01, 0x00, 0x00, (byte) 0x80},
                encode(float32s(1.0f)));
    }

    @Test
    void theWidthIsAParameter() throws WpkFormatException {
        assertEquals(Map.of("width", "4"), codec().params());
        assertEquals(codec(), Codecs.create("floatplanes", Map.of("width", "4")));
    }

    @Test
    void wrongParametersAreRejected() {
        assertThrows(WpkFormatException.class, () -> Codecs.create("floatplanes", Map.of()));
        assertThrows(WpkFormatException.class, () -> Codecs.create("floatplanes", Map.of("width", "8")));
        assertThrows(WpkFormatException.class, () -> Codecs.create("floatplanes", Map.of("width", "4", "layout", "x")));
        assertThrows(IllegalArgumentException.class, () -> new FloatPlanesCodec(3));
    }

    @Test
    void modeBytesOutsideTheGrammarAreRejected() throws IOException {
        byte[] encoded = Codecs.FLOATPLANES_16.encode(bits16(1, 2, 3), 0, 6);
        for (int mode : new int[] {0x20, 0x40, 0x80, 0x1F}) {
            byte[] changed = encoded.clone();
            changed[0] = (byte) mode;
            assertThrows(WpkFormatException.class,
                    () -> Codecs.FLOATPLANES_16.decode(ByteBuffer.wrap(changed), ByteBuffer.allocate(6)));
        }
    }
}
