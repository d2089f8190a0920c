package io.wpack.encoders;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
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
 * Round trips, determinism, wrong sizes and corruption, run against every {@link ByteCodec}.
 * Each codec's test extends this and adds what is particular to its format.
 */
abstract class AbstractByteCodecTest {
    /** Bytes around every destination, which no decoder may touch. */
    private static final int GUARD = 37;
    private static final byte GUARD_BYTE = (byte) 0xA5;

    protected abstract ByteCodec codec();

    /**
     * Whether the format checksums its content, so that a damaged stream either fails or still
     * decodes to the original bytes (a change in a field that happens not to matter for this data).
     */
    protected boolean checksumsContent() {
        return false;
    }

    enum BufferKind {
        HEAP, DIRECT
    }

    // ---- round trips

    @Test
    void emptyInput() throws IOException {
        assertRoundTrip(new byte[0]);
    }

    @Test
    void oneByte() throws IOException {
        assertRoundTrip(new byte[] {42});
        assertRoundTrip(new byte[] {0});
        assertRoundTrip(new byte[] {-1});
    }

    @Test
    void everySmallSize() throws IOException {
        for (int size = 0; size <= 300; size++) {
            assertRoundTrip(TestData.textLike(size, size));
            assertRoundTrip(TestData.random(size, size));
            assertRoundTrip(new byte[size]);
        }
    }

    @Test
    void allZero() throws IOException {
        assertRoundTrip(new byte[100_000]);
    }

    @Test
    void randomIsIncompressible() throws IOException {
        assertRoundTrip(TestData.random(100_000, 1));
    }

    @Test
    void textLike() throws IOException {
        assertRoundTrip(TestData.textLike(200_000, 2));
    }

    @Test
    void float32Like() throws IOException {
        assertRoundTrip(TestData.float32Like(200_003, 3));
    }

    @Test
    void overOneMebibyte() throws IOException {
        assertRoundTrip(TestData.mixed((1 << 20) + 17, 4));
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void heapAndDirectBuffers(BufferKind srcKind) throws IOException {
        byte[] data = TestData.mixed(300_000, 5);
        byte[] encoded = encode(data);
        for (BufferKind dstKind : BufferKind.values()) {
            assertArrayEquals(data, decode(encoded, data.length, srcKind, dstKind), srcKind + " to " + dstKind);
        }
    }

    @Property(tries = 150)
    void roundTripsAnyBytes(@ForAll @Size(max = 3000) byte[] data) throws IOException {
        assertRoundTrip(data, BufferKind.HEAP, BufferKind.HEAP);
    }

    @Property(tries = 150)
    void roundTripsRepetitiveBytes(@ForAll("repetitive") byte[] data) throws IOException {
        assertRoundTrip(data, BufferKind.HEAP, BufferKind.HEAP);
    }

    /** Short chunks repeated a few times each: matches of every offset and length, overlapping ones included. */
    @Provide
    Arbitrary<byte[]> repetitive() {
        Arbitrary<byte[]> chunk = Arbitraries.bytes().between((byte) 0, (byte) 5).array(byte[].class)
                .ofMinSize(1).ofMaxSize(40);
        Arbitrary<byte[]> run = Combinators.combine(chunk, Arbitraries.integers().between(1, 60))
                .as(CorruptionSampling::repeat);
        return run.list().ofMaxSize(25).map(CorruptionSampling::concat);
    }

    // ---- determinism and ranges

    @Test
    void encodingIsDeterministic() throws IOException {
        byte[] data = TestData.mixed(300_000, 6);
        assertArrayEquals(encode(data), encode(data));
        assertArrayEquals(codec().encode(new byte[0], 0, 0), codec().encode(new byte[0], 0, 0));
    }

    @Test
    void encodesOnlyTheGivenRange() throws IOException {
        byte[] data = TestData.textLike(5000, 7);
        byte[] padded = new byte[data.length + 300];
        Arrays.fill(padded, (byte) 'x');
        System.arraycopy(data, 0, padded, 100, data.length);
        assertArrayEquals(encode(data), codec().encode(padded, 100, data.length));
        assertThrows(IndexOutOfBoundsException.class, () -> codec().encode(data, 1, data.length));
        assertThrows(IndexOutOfBoundsException.class, () -> codec().encode(data, -1, 1));
    }

    // ---- wrong destination sizes

    @Test
    void destinationOfTheWrongSizeIsRejected() throws IOException {
        for (byte[] data : List.of(new byte[0], new byte[] {9}, TestData.textLike(1000, 8), new byte[1000],
                TestData.random(1000, 9))) {
            byte[] encoded = encode(data);
            for (int size : new int[] {0, data.length - 1, data.length + 1, data.length + 100, 2 * data.length + 10}) {
                if (size < 0 || size == data.length) {
                    continue;
                }
                ByteBuffer src = ByteBuffer.wrap(encoded);
                ByteBuffer dst = ByteBuffer.allocate(size);
                assertThrows(WpkFormatException.class, () -> codec().decode(src, dst),
                        data.length + " bytes into " + size);
                assertEquals(0, src.position(), "failed decode moved the source");
                assertEquals(0, dst.position(), "failed decode moved the destination");
            }
        }
    }

    // ---- corruption

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everySingleByteChangeDecodesOrIsRejected() throws IOException {
        for (Map.Entry<String, byte[]> input : corruptionInputs().entrySet()) {
            byte[] data = input.getValue();
            byte[] encoded = encode(data);
            Random random = new Random(encoded.length);
            for (int position : CorruptionSampling.positions(encoded.length, 400)) {
                for (int value : CorruptionSampling.replacements(encoded[position], encoded.length, 100, random)) {
                    byte[] changed = encoded.clone();
                    changed[position] = (byte) value;
                    String what = input.getKey() + ": byte " + position + " of " + encoded.length + " set to " + value;
                    boolean decoded = decodesOrRejects(changed, data.length, what);
                    if (decoded && checksumsContent()) {
                        assertArrayEquals(data, decode(changed, data.length, BufferKind.HEAP, BufferKind.HEAP),
                                what + " decoded to different bytes");
                    }
                }
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyTruncationIsRejected() throws IOException {
        for (Map.Entry<String, byte[]> input : corruptionInputs().entrySet()) {
            byte[] data = input.getValue();
            byte[] encoded = encode(data);
            for (int length : CorruptionSampling.positions(encoded.length, 1500)) {
                String what = input.getKey() + ": first " + length + " of " + encoded.length + " bytes";
                assertFalse(decodesOrRejects(Arrays.copyOf(encoded, length), data.length, what), what + " decoded");
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void trailingBytesAreRejected() throws IOException {
        for (Map.Entry<String, byte[]> input : corruptionInputs().entrySet()) {
            byte[] data = input.getValue();
            byte[] encoded = encode(data);
            for (int extra : new int[] {1, 2, 3, 4, 8, 100}) {
                for (int fill : new int[] {0, 0xFF, 0x10}) {
                    byte[] longer = Arrays.copyOf(encoded, encoded.length + extra);
                    Arrays.fill(longer, encoded.length, longer.length, (byte) fill);
                    String what = input.getKey() + ": " + extra + " bytes of " + fill + " appended";
                    assertFalse(decodesOrRejects(longer, data.length, what), what + " decoded");
                }
            }
        }
    }

    @Property(tries = 200)
    void randomDamageDecodesOrIsRejected(@ForAll("repetitive") byte[] data, @ForAll @Size(min = 1, max = 4) List<
            @IntRange(min = 0, max = 1 << 20) Integer> positions, @ForAll byte mask) throws IOException {
        byte[] encoded = encode(data);
        if (encoded.length == 0) {
            return;
        }
        byte[] changed = encoded.clone();
        for (int position : positions) {
            changed[position % changed.length] ^= mask == 0 ? 1 : mask;
        }
        decodesOrRejects(changed, data.length, "damaged at " + positions + " with mask " + mask);
        decodesOrRejects(changed, data.length + 1, "damaged, one byte more");
    }

    @Property(tries = 300)
    void arbitraryBytesDecodeOrAreRejected(@ForAll @Size(max = 200) byte[] stream,
            @ForAll @IntRange(max = 500) int size) {
        decodesOrRejects(stream, size, "arbitrary stream");
    }

    // ---- helpers

    protected byte[] encode(byte[] data) throws IOException {
        return codec().encode(data, 0, data.length);
    }

    /** Encodes once and decodes with every combination of buffer kinds. */
    protected void assertRoundTrip(byte[] data) throws IOException {
        byte[] encoded = encode(data);
        for (BufferKind srcKind : BufferKind.values()) {
            for (BufferKind dstKind : BufferKind.values()) {
                assertArrayEquals(data, decode(encoded, data.length, srcKind, dstKind),
                        () -> codec().name() + " round trip of " + data.length + " bytes, " + srcKind + " to " + dstKind);
            }
        }
    }

    private void assertRoundTrip(byte[] data, BufferKind srcKind, BufferKind dstKind) throws IOException {
        assertArrayEquals(data, decode(encode(data), data.length, srcKind, dstKind),
                () -> codec().name() + " round trip of " + data.length + " bytes, " + srcKind + " to " + dstKind);
    }

    /**
     * Decodes from a buffer of the given kind into one of the given kind, each placed inside a
     * larger buffer (so heap buffers have a non-zero array offset as well as position) with guard
     * bytes around, and checks positions and guards.
     */
    protected byte[] decode(byte[] encoded, int size, BufferKind srcKind, BufferKind dstKind) throws WpkFormatException {
        ByteBuffer src = embed(encoded, srcKind);
        ByteBuffer dstOuter = allocate(size + 2 * GUARD, dstKind);
        for (int i = 0; i < dstOuter.capacity(); i++) {
            dstOuter.put(i, GUARD_BYTE);
        }
        dstOuter.position(GUARD / 2).limit(dstOuter.capacity() - GUARD / 2);
        ByteBuffer dst = dstOuter.slice();
        dst.position(GUARD - GUARD / 2).limit(GUARD - GUARD / 2 + size);

        int srcLimit = src.limit();
        codec().decode(src, dst);
        assertEquals(srcLimit, src.position(), "source not consumed");
        assertEquals(srcLimit, src.limit());
        assertEquals(GUARD - GUARD / 2 + size, dst.position(), "destination not filled");
        dstOuter.clear();
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

    private static ByteBuffer embed(byte[] bytes, BufferKind kind) {
        ByteBuffer outer = allocate(bytes.length + 2 * GUARD, kind);
        outer.position(GUARD / 2);
        ByteBuffer slice = outer.slice();
        slice.position(GUARD - GUARD / 2);
        slice.duplicate().put(bytes);
        slice.limit(slice.position() + bytes.length);
        return slice;
    }

    private static ByteBuffer allocate(int size, BufferKind kind) {
        return kind == BufferKind.HEAP ? ByteBuffer.allocate(size) : ByteBuffer.allocateDirect(size);
    }

    /**
     * Decodes {@code stream} into {@code size} bytes. Returns whether it decoded (filling the whole
     * destination); {@link WpkFormatException} means rejected; anything else fails the test.
     */
    protected boolean decodesOrRejects(byte[] stream, int size, String what) {
        ByteBuffer dst = ByteBuffer.allocate(size);
        try {
            codec().decode(ByteBuffer.wrap(stream), dst);
        } catch (WpkFormatException e) {
            return false;
        } catch (RuntimeException | Error e) {
            throw new AssertionError(codec().name() + ", " + what + ": threw " + e, e);
        }
        assertEquals(size, dst.position(), what);
        return true;
    }

    /** Inputs whose streams the corruption tests damage: a few of every shape, small enough to go through byte by byte. */
    private static Map<String, byte[]> corruptionInputs() {
        Map<String, byte[]> inputs = new LinkedHashMap<>();
        inputs.put("empty", new byte[0]);
        inputs.put("one byte", new byte[] {7});
        inputs.put("short text", TestData.textLike(120, 10));
        inputs.put("zeros", new byte[3000]);
        inputs.put("text", TestData.textLike(4000, 11));
        inputs.put("float32", TestData.float32Like(6000, 12));
        inputs.put("mixed", TestData.mixed(30_000, 13));
        return inputs;
    }

}
