package io.wpack.encoders;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wpack.formats.WpkFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The shared suite on one channel (any length), and on uint8 codes around 128; then channel
 * geometry, parameters, the bytes no int8 has, and sizes against the order-0 entropy on
 * per-channel quantized, magnitude-pruned data.
 */
class ChannelContextCodecTest extends AbstractByteCodecTest {
    @Override
    protected ByteCodec codec() {
        return new ChannelContextCodec(1, 1, 0);
    }

    @Nested
    class Uint8AroundZeroPoint extends AbstractByteCodecTest {
        @Override
        protected ByteCodec codec() {
            return new ChannelContextCodec(1, 1, 128);
        }
    }

    private static byte[] roundTrip(ChannelContextCodec codec, byte[] data) throws IOException {
        byte[] encoded = codec.encode(data, 0, data.length);
        ByteBuffer out = ByteBuffer.allocate(data.length);
        codec.decode(ByteBuffer.wrap(encoded), out);
        assertEquals(data.length, out.position());
        return out.array();
    }

    @Property(tries = 200)
    void roundTripsAnyGeometry(@ForAll @IntRange(min = 0, max = 9) int outer, @ForAll @IntRange(min = 1, max = 40) int channels,
            @ForAll @IntRange(min = 1, max = 12) int inner, @ForAll @IntRange(min = 0, max = 100) int zeroPercent,
            @ForAll @IntRange(min = 0, max = 255) int zero, @ForAll long seed) throws IOException {
        byte[] data = PrunedCodes.perChannel(outer, channels, inner, zeroPercent / 100.0, zero, new Random(seed));
        ChannelContextCodec codec = new ChannelContextCodec(channels, inner, zero);
        assertArrayEquals(data, roundTrip(codec, data));
        assertEquals(codec, Codecs.create(ChannelContextCodec.NAME, codec.params()));
    }

    /**
     * Symmetric per-channel codes put ±127 in every channel that is not pruned away, which the
     * coder is told once and then uses on each channel's last element; pruning empties channels.
     */
    @Property(tries = 200)
    void roundTripsCodesWithTheLargestInEveryChannel(@ForAll @IntRange(min = 1, max = 6) int outer,
            @ForAll @IntRange(min = 1, max = 40) int channels, @ForAll @IntRange(min = 1, max = 12) int inner,
            @ForAll @IntRange(min = 0, max = 99) int sparsityPercent, @ForAll long seed) throws IOException {
        byte[] data = PrunedCodes.laplacePerChannel(outer, channels, inner, sparsityPercent / 100.0, new Random(seed));
        ChannelContextCodec codec = new ChannelContextCodec(channels, inner, 0);
        assertArrayEquals(data, roundTrip(codec, data));
    }

    @Test
    void theLastElementOfAChannelCostsOnlyItsSignWhenItMustBeTheLargest() throws IOException {
        // Each channel of 8 holds one ±127, at its end: the coder knows it is there.
        byte[] last = new byte[64 * 8];
        byte[] first = new byte[64 * 8];
        Random random = new Random(3);
        for (int c = 0; c < 64; c++) {
            byte max = (byte) (random.nextBoolean() ? 127 : -127);
            last[c * 8 + 7] = max;
            first[c * 8] = max;
        }
        ChannelContextCodec codec = new ChannelContextCodec(64, 8, 0);
        assertArrayEquals(last, roundTrip(codec, last));
        assertArrayEquals(first, roundTrip(codec, first));
        int atEnd = codec.encode(last, 0, last.length).length;
        int atStart = codec.encode(first, 0, first.length).length;
        // 64 signs are 8 bytes; at the start each channel also pays for its flags and a max bit.
        assertTrue(atEnd <= 8 + 8, "±127 at each channel's end took " + atEnd + " bytes");
        assertTrue(atEnd < atStart, atEnd + " against " + atStart);
    }

    /** A stream written by hand: outer, then head bits and whatever {@code body} codes. */
    private static byte[] handWritten(int outer, java.util.function.Consumer<io.wpack.encoders.range.RangeEncoder> body) {
        io.wpack.encoders.range.RangeEncoder rc = new io.wpack.encoders.range.RangeEncoder(16);
        body.accept(rc);
        byte[] coded = rc.finish();
        byte[] out = new byte[coded.length + 1];
        out[0] = (byte) outer;
        System.arraycopy(coded, 0, out, 1, coded.length);
        return out;
    }

    @Test
    void headsThatNoWriterWritesAreRejected() {
        ChannelContextCodec codec = new ChannelContextCodec(1, 1, 0);
        for (int max : new int[] {129, 200, 255, 127}) {
            byte[] stream = handWritten(4, rc -> {
                rc.encodeDirect(0);
                rc.encodeDirectBits(max, 8);
                rc.encodeDirectBits(0, 16);
            });
            WpkFormatException e = assertThrows(WpkFormatException.class,
                    () -> codec.decode(ByteBuffer.wrap(stream), ByteBuffer.allocate(4)), "max " + max);
            assertTrue(e.getMessage().contains("largest magnitude"), e.getMessage());
        }
    }

    /**
     * Random streams for one byte reach every check of the decoder; among them, magnitudes at or
     * over the stated largest, which no writer writes, must be rejected.
     */
    @Test
    void aMagnitudeAtOrOverTheStatedLargestIsRejected() throws IOException {
        ChannelContextCodec codec = new ChannelContextCodec(1, 1, 0);
        Random random = new Random(11);
        int overLargest = 0;
        for (int t = 0; t < 20000; t++) {
            byte[] stream = new byte[2 + random.nextInt(3)];
            random.nextBytes(stream);
            stream[0] = 1; // outer
            try {
                codec.decode(ByteBuffer.wrap(stream), ByteBuffer.allocate(1));
            } catch (WpkFormatException e) {
                if (e.getMessage().contains("not under the stated largest")) {
                    overLargest++;
                }
            }
        }
        assertTrue(overLargest > 0, "no stream decoded to a magnitude over its stated largest");
    }

    @Test
    void everyByteValueRoundTripsInEveryChannel() throws IOException {
        byte[] data = new byte[3 * 256];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7 + i / 256);
        }
        for (int zero : new int[] {0, 1, 128, 255}) {
            ChannelContextCodec codec = new ChannelContextCodec(3, 4, zero);
            assertArrayEquals(data, roundTrip(codec, data), "zero " + zero);
        }
    }

    @Test
    void lengthThatIsNotAWholeNumberOfGroupsIsRejected() throws IOException {
        ChannelContextCodec codec = new ChannelContextCodec(4, 3, 0);
        assertThrows(IllegalArgumentException.class, () -> codec.encode(new byte[13], 0, 13));
        byte[] encoded = codec.encode(new byte[12], 0, 12);
        WpkFormatException e = assertThrows(WpkFormatException.class,
                () -> codec.decode(ByteBuffer.wrap(encoded), ByteBuffer.allocate(13)));
        assertTrue(e.getMessage().contains("multiple"), e.getMessage());
    }

    @Test
    void parametersAreValidated() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(ChannelContextCodec.CHANNELS, "4");
        assertThrows(WpkFormatException.class, () -> ChannelContextCodec.fromParams(p));
        p.put(ChannelContextCodec.INNER, "0");
        assertThrows(WpkFormatException.class, () -> ChannelContextCodec.fromParams(p));
        p.put(ChannelContextCodec.INNER, "2");
        p.put(ChannelContextCodec.ZERO, "0"); // the default is written by leaving it out
        assertThrows(WpkFormatException.class, () -> ChannelContextCodec.fromParams(p));
        p.put(ChannelContextCodec.ZERO, "256");
        assertThrows(WpkFormatException.class, () -> ChannelContextCodec.fromParams(p));
        p.put(ChannelContextCodec.ZERO, "128");
        p.put("extra", "1");
        assertThrows(WpkFormatException.class, () -> ChannelContextCodec.fromParams(p));
    }

    /**
     * Per-channel int8 codes, magnitude-pruned to 80% with one threshold for the tensor, in the
     * sizes of a small convolution: the coder stays within 3% of the tensor's order-0 entropy
     * and 10% under huffman (which pays for its table) and huffman-model (whose parametric code
     * fits these codes less well).
     */
    @Test
    void smallPrunedPerChannelTensorsCodeNearTheirOrderZeroEntropy() throws IOException {
        Random random = new Random(7);
        for (int[] shape : new int[][] {{32, 96, 1}, {1, 128, 32}, {25, 96, 1}}) {
            byte[] codes = PrunedCodes.laplacePerChannel(shape[0], shape[1], shape[2], 0.8, random);
            ChannelContextCodec codec = new ChannelContextCodec(shape[1], shape[2], 0);
            byte[] encoded = codec.encode(codes, 0, codes.length);
            assertArrayEquals(codes, roundTrip(codec, codes));
            double h0Bytes = ModelHuffmanTestData.entropyBytes(codes);
            int huffman = Codecs.HUFFMAN.encode(codes, 0, codes.length).length;
            int model = ModelHuffmanCodec.choose(codes, 0, codes.length).encode(codes, 0, codes.length).length;
            String sizes = String.format("%s: channel-ac %d, huffman %d, huffman-model %d, H0 %.1f bytes",
                    java.util.Arrays.toString(shape), encoded.length, huffman, model, h0Bytes);
            assertTrue(encoded.length < 1.03 * h0Bytes, sizes);
            assertTrue(encoded.length < 0.9 * Math.min(huffman, model), sizes);
        }
    }
}
