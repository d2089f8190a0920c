package io.wpack.encoders.pattern;

import io.wpack.encoders.CorruptionSampling;
import io.wpack.encoders.ByteCodec;
import io.wpack.formats.WpkFormatException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Round trips, determinism, wrong sizes and corruption for the pattern codecs, on the inputs they
 * are for (sparse codes, planted blocks, kernels) and on arbitrary bytes. Mirrors the encoders'
 * own abstract suite, which is package-private to {@code io.wpack.encoders}.
 */
abstract class AbstractPatternCodecTest {
    private static final int GUARD = 29;
    private static final byte GUARD_BYTE = (byte) 0xA5;

    protected abstract ByteCodec codec();

    /** The block length, so that lengths around its multiples are tried. */
    protected abstract int block();

    // ---- round trips

    @Test
    void everySmallSize() throws Exception {
        for (int n = 0; n <= 200; n++) {
            assertRoundTrip(new byte[n]);
            assertRoundTrip(PatternTestData.random(n, n));
            assertRoundTrip(PatternTestData.sparseInt8(n, 0.6, 20, n));
            byte[] ones = new byte[n];
            Arrays.fill(ones, (byte) 7);
            assertRoundTrip(ones);
        }
    }

    @Test
    void lengthsAroundBlockMultiples() throws Exception {
        for (int k = 1; k <= 40; k++) {
            for (int d = -1; d <= 1; d++) {
                int n = k * block() + d;
                assertRoundTrip(PatternTestData.plantedBlocks(n, block(), 5, n));
            }
        }
    }

    @Test
    void masksAllZeroAndAllNonZero() throws Exception {
        assertRoundTrip(new byte[50_001]);
        byte[] dense = PatternTestData.sparseInt8(50_001, 0, 30, 1);
        assertRoundTrip(dense);
        byte[] minus128 = new byte[5000];
        Arrays.fill(minus128, (byte) -128);
        assertRoundTrip(minus128);
        minus128[17] = 0;
        minus128[4000] = 127;
        assertRoundTrip(minus128);
    }

    @Test
    void aSinglePattern() throws Exception {
        assertRoundTrip(PatternTestData.plantedBlocks(40_000, block(), 1, 2));
    }

    @Test
    void moreDistinctPatternsThanADictionaryHolds() throws Exception {
        assertRoundTrip(PatternTestData.plantedBlocks(300_000, block(), 70_000, 3));
        assertRoundTrip(PatternTestData.random(100_000, 4));
    }

    @Test
    void structuredWeights() throws Exception {
        assertRoundTrip(PatternTestData.channelStructured(256, 96, 5));
        assertRoundTrip(PatternTestData.patternPruned(5000, 8, 6));
        assertRoundTrip(PatternTestData.uint8AroundZeroPoint(30_000, 0.7, 7));
        for (double sparsity : new double[] {0.3, 0.5, 0.8, 0.95}) {
            assertRoundTrip(PatternTestData.sparseInt8(100_003, sparsity, 25, 8));
        }
    }

    @Test
    void heapAndDirectBuffers() throws Exception {
        byte[] data = PatternTestData.channelStructured(100, 77, 9);
        byte[] encoded = encode(data);
        for (boolean directSrc : new boolean[] {false, true}) {
            for (boolean directDst : new boolean[] {false, true}) {
                assertArrayEquals(data, decode(encoded, data.length, directSrc, directDst));
            }
        }
    }

    @Property(tries = 150)
    void roundTripsAnyBytes(@ForAll @Size(max = 3000) byte[] data) throws Exception {
        assertArrayEquals(data, decode(encode(data), data.length, false, false));
    }

    @Property(tries = 150)
    void roundTripsRepeatedBlocks(@ForAll("repeatedBlocks") byte[] data) throws Exception {
        assertArrayEquals(data, decode(encode(data), data.length, false, false));
    }

    /** A few short blocks, mostly small values and zeros, each repeated: patterns of every length. */
    @Provide
    Arbitrary<byte[]> repeatedBlocks() {
        Arbitrary<byte[]> chunk = Arbitraries.bytes().between((byte) -3, (byte) 3).array(byte[].class)
                .ofMinSize(1).ofMaxSize(20);
        Arbitrary<byte[]> run = Combinators.combine(chunk, Arbitraries.integers().between(1, 40))
                .as(CorruptionSampling::repeat);
        return run.list().ofMaxSize(20).map(CorruptionSampling::concat);
    }

    // ---- determinism and ranges

    @Test
    void encodingIsDeterministic() throws Exception {
        byte[] data = PatternTestData.channelStructured(200, 64, 10);
        assertArrayEquals(encode(data), encode(data));
    }

    @Test
    void encodesOnlyTheGivenRange() throws Exception {
        byte[] data = PatternTestData.sparseInt8(5000, 0.5, 20, 11);
        byte[] padded = new byte[data.length + 300];
        Arrays.fill(padded, (byte) 'x');
        System.arraycopy(data, 0, padded, 100, data.length);
        assertArrayEquals(encode(data), codec().encode(padded, 100, data.length));
        assertThrows(IndexOutOfBoundsException.class, () -> codec().encode(data, 1, data.length));
        assertThrows(IndexOutOfBoundsException.class, () -> codec().encode(data, -1, 1));
    }

    @Test
    void destinationOfTheWrongSizeIsRejected() throws Exception {
        for (byte[] data : List.of(new byte[0], new byte[] {9}, PatternTestData.sparseInt8(1000, 0.5, 20, 12),
                new byte[1000], PatternTestData.random(1000, 13))) {
            byte[] encoded = encode(data);
            for (int size : new int[] {0, data.length - 1, data.length + 1, data.length + 100, 2 * data.length + 10}) {
                if (size < 0 || size == data.length) {
                    continue;
                }
                ByteBuffer src = ByteBuffer.wrap(encoded);
                ByteBuffer dst = ByteBuffer.allocate(size);
                assertThrows(WpkFormatException.class, () -> codec().decode(src, dst), data.length + " into " + size);
                assertEquals(0, src.position());
                assertEquals(0, dst.position());
            }
        }
    }

    // ---- corruption

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everySingleByteChangeDecodesOrIsRejected() throws Exception {
        for (Map.Entry<String, byte[]> input : corruptionInputs().entrySet()) {
            byte[] encoded = encode(input.getValue());
            Random random = new Random(encoded.length);
            for (int position : CorruptionSampling.positions(encoded.length, 300)) {
                for (int value : CorruptionSampling.replacements(encoded[position], encoded.length, 60, random)) {
                    byte[] changed = encoded.clone();
                    changed[position] = (byte) value;
                    decodesOrRejects(changed, input.getValue().length,
                            input.getKey() + ": byte " + position + " set to " + value);
                }
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyTruncationIsRejected() throws Exception {
        for (Map.Entry<String, byte[]> input : corruptionInputs().entrySet()) {
            byte[] encoded = encode(input.getValue());
            for (int length : CorruptionSampling.positions(encoded.length, 1000)) {
                String what = input.getKey() + ": first " + length + " of " + encoded.length + " bytes";
                assertFalse(decodesOrRejects(Arrays.copyOf(encoded, length), input.getValue().length, what), what);
            }
        }
    }

    @Test
    void trailingBytesAreRejected() throws Exception {
        for (Map.Entry<String, byte[]> input : corruptionInputs().entrySet()) {
            byte[] encoded = encode(input.getValue());
            for (int extra : new int[] {1, 2, 3, 8, 100}) {
                for (int fill : new int[] {0, 0xFF, 0x10}) {
                    byte[] longer = Arrays.copyOf(encoded, encoded.length + extra);
                    Arrays.fill(longer, encoded.length, longer.length, (byte) fill);
                    String what = input.getKey() + ": " + extra + " bytes of " + fill + " appended";
                    assertFalse(decodesOrRejects(longer, input.getValue().length, what), what);
                }
            }
        }
    }

    @Property(tries = 200)
    void randomDamageDecodesOrIsRejected(@ForAll("repeatedBlocks") byte[] data,
            @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 1 << 20) Integer> positions,
            @ForAll byte mask) throws Exception {
        byte[] encoded = encode(data);
        byte[] changed = encoded.clone();
        for (int position : positions) {
            changed[position % changed.length] ^= mask == 0 ? 1 : mask;
        }
        decodesOrRejects(changed, data.length, "damaged at " + positions);
        decodesOrRejects(changed, data.length + 1, "damaged, one byte more");
    }

    @Property(tries = 300)
    void arbitraryBytesDecodeOrAreRejected(@ForAll @Size(max = 200) byte[] stream, @ForAll @IntRange(max = 500) int size) {
        decodesOrRejects(stream, size, "arbitrary stream");
    }

    // ---- helpers

    protected byte[] encode(byte[] data) throws Exception {
        return codec().encode(data, 0, data.length);
    }

    protected void assertRoundTrip(byte[] data) throws Exception {
        byte[] encoded = encode(data);
        assertArrayEquals(data, decode(encoded, data.length, false, false),
                () -> codec() + " round trip of " + data.length + " bytes");
    }

    /** Decodes inside larger buffers with guard bytes around, and checks positions and guards. */
    protected byte[] decode(byte[] encoded, int size, boolean directSrc, boolean directDst) throws WpkFormatException {
        ByteBuffer srcOuter = allocate(encoded.length + 2 * GUARD, directSrc);
        srcOuter.position(GUARD);
        srcOuter.put(encoded);
        srcOuter.position(GUARD / 2);
        ByteBuffer src = srcOuter.slice();
        src.position(GUARD - GUARD / 2).limit(GUARD - GUARD / 2 + encoded.length);
        ByteBuffer dstOuter = allocate(size + 2 * GUARD, directDst);
        for (int i = 0; i < dstOuter.capacity(); i++) {
            dstOuter.put(i, GUARD_BYTE);
        }
        dstOuter.position(GUARD / 2);
        ByteBuffer dst = dstOuter.slice();
        dst.position(GUARD - GUARD / 2).limit(GUARD - GUARD / 2 + size);
        codec().decode(src, dst);
        assertEquals(src.limit(), src.position(), "source not consumed");
        assertEquals(dst.limit(), dst.position(), "destination not filled");
        for (int i = 0; i < dstOuter.capacity(); i++) {
            if (i < GUARD || i >= GUARD + size) {
                assertEquals(GUARD_BYTE, dstOuter.get(i), "byte written outside the destination at " + i);
            }
        }
        byte[] decoded = new byte[size];
        dstOuter.position(GUARD);
        dstOuter.get(decoded);
        return decoded;
    }

    private static ByteBuffer allocate(int size, boolean direct) {
        return direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
    }

    /** Decoded (filling the destination) or rejected with WpkFormatException; anything else fails. */
    protected boolean decodesOrRejects(byte[] stream, int size, String what) {
        ByteBuffer dst = ByteBuffer.allocate(size);
        try {
            codec().decode(ByteBuffer.wrap(stream), dst);
        } catch (WpkFormatException e) {
            return false;
        } catch (RuntimeException | Error e) {
            throw new AssertionError(codec() + ", " + what + ": threw " + e, e);
        }
        assertEquals(size, dst.position(), what);
        return true;
    }

    private Map<String, byte[]> corruptionInputs() {
        Map<String, byte[]> inputs = new LinkedHashMap<>();
        inputs.put("empty", new byte[0]);
        inputs.put("one byte", new byte[] {7});
        inputs.put("zeros", new byte[3000]);
        inputs.put("sparse", PatternTestData.sparseInt8(4000, 0.7, 20, 14));
        inputs.put("planted", PatternTestData.plantedBlocks(5000, block(), 30, 15));
        inputs.put("channels", PatternTestData.channelStructured(64, 48, 16));
        inputs.put("random", PatternTestData.random(3000, 17));
        return inputs;
    }

}
