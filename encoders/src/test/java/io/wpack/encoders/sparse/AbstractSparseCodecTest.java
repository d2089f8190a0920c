package io.wpack.encoders.sparse;

import io.wpack.encoders.ByteCodec;
import io.wpack.encoders.Codecs;
import io.wpack.encoders.CorruptionSampling;
import io.wpack.formats.WpkFormatException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.ArrayList;
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
 * Round trips over random shapes and sparsity, structural decode against dense decode, wrong
 * sizes, corruption and parameters, for every sparse codec. A subclass says how a codec is built
 * for a shape, what data with its structure looks like, and how its structural decode is read
 * back into dense bytes.
 */
abstract class AbstractSparseCodecTest {
    private static final int GUARD = 23;
    private static final byte GUARD_BYTE = (byte) 0xA5;

    /** A codec and the rows×cols view its test data is generated in (rows·cols = the chunk size). */
    static final class Case {
        final ByteCodec codec;
        final int rows;
        final int cols;

        Case(ByteCodec codec, int rows, int cols) {
            this.codec = codec;
            this.rows = rows;
            this.cols = cols;
        }

        int size() {
            return rows * cols;
        }

        @Override
        public String toString() {
            return codec + " " + rows + "x" + cols;
        }
    }

    /** A codec for about a rows×cols view; {@code variant} (0..3) picks its block parameters. */
    protected abstract Case newCase(int rows, int cols, int variant);

    /**
     * Data that has the codec's structure: every pruned unit (block, group, kernel...) all zero
     * with probability {@code sparsity}, the others as the structure allows.
     */
    protected abstract byte[] structured(Case c, double sparsity, Random random);

    /** The codec's {@code fromParams}. */
    protected abstract ByteCodec fromParams(Map<String, String> params) throws WpkFormatException;

    /** The dense bytes the codec's structural decode describes. */
    protected abstract byte[] decodeStructure(Case c, byte[] encoded) throws WpkFormatException;

    // ---- round trips

    @Property(tries = 120)
    void roundTripsRandomShapes(@ForAll @IntRange(min = 1, max = 40) int rows,
            @ForAll @IntRange(min = 1, max = 40) int cols, @ForAll @IntRange(max = 3) int variant,
            @ForAll @IntRange(max = 100) int sparsityPercent, @ForAll boolean withStructure, @ForAll long seed)
            throws Exception {
        Case c = newCase(rows, cols, variant);
        Random random = new Random(seed);
        double sparsity = sparsityPercent / 100.0;
        byte[] data = withStructure ? structured(c, sparsity, random) : sparse(c.size(), sparsity, random);
        assertRoundTrip(c, data);
    }

    @Test
    void edgeShapes() throws Exception {
        int[][] shapes = {{1, 1}, {1, 2}, {2, 1}, {1, 37}, {37, 1}, {1, 300}, {300, 1}, {3, 5}, {17, 19}, {64, 64}};
        Random random = new Random(1);
        for (int[] shape : shapes) {
            for (int variant = 0; variant < 4; variant++) {
                Case c = newCase(shape[0], shape[1], variant);
                for (double sparsity : new double[] {0, 0.5, 0.9, 1}) {
                    assertRoundTrip(c, sparse(c.size(), sparsity, random));
                    assertRoundTrip(c, structured(c, sparsity, random));
                }
                byte[] minus128 = new byte[c.size()];
                Arrays.fill(minus128, (byte) -128);
                assertRoundTrip(c, minus128);
            }
        }
    }

    @Test
    void longInputs() throws Exception {
        Random random = new Random(2);
        Case c = newCase(700, 1531, 1);
        assertRoundTrip(c, structured(c, 0.8, random));
        assertRoundTrip(c, sparse(c.size(), 0.5, random));
        assertRoundTrip(c, new byte[c.size()]);
        byte[] dense = new byte[c.size()];
        random.nextBytes(dense);
        assertRoundTrip(c, dense);
    }

    @Test
    void heapAndDirectBuffers() throws Exception {
        Case c = newCase(45, 67, 2);
        byte[] data = structured(c, 0.6, new Random(3));
        byte[] encoded = c.codec.encode(data, 0, data.length);
        for (boolean directSrc : new boolean[] {false, true}) {
            for (boolean directDst : new boolean[] {false, true}) {
                assertArrayEquals(data, decode(c.codec, encoded, data.length, directSrc, directDst));
            }
        }
        ByteBuffer direct = ByteBuffer.allocateDirect(encoded.length);
        direct.put(encoded).flip();
        byte[] viaDirect = new byte[encoded.length];
        direct.duplicate().get(viaDirect);
        assertArrayEquals(data, decodeStructure(c, viaDirect));
    }

    @Test
    void encodingIsDeterministicAndRangeChecked() throws Exception {
        Case c = newCase(30, 41, 1);
        byte[] data = structured(c, 0.5, new Random(4));
        assertArrayEquals(c.codec.encode(data, 0, data.length), c.codec.encode(data.clone(), 0, data.length));
        byte[] padded = new byte[data.length + 200];
        Arrays.fill(padded, (byte) 'x');
        System.arraycopy(data, 0, padded, 100, data.length);
        assertArrayEquals(c.codec.encode(data, 0, data.length), c.codec.encode(padded, 100, data.length));
        assertThrows(IndexOutOfBoundsException.class, () -> c.codec.encode(data, 1, data.length));
        assertThrows(IllegalArgumentException.class, () -> c.codec.encode(data, 0, data.length - 1));
    }

    @Test
    void destinationOfTheWrongSizeIsRejected() throws Exception {
        Case c = newCase(20, 30, 0);
        byte[] data = structured(c, 0.5, new Random(5));
        byte[] encoded = c.codec.encode(data, 0, data.length);
        for (int size : new int[] {0, data.length - 1, data.length + 1, 2 * data.length}) {
            ByteBuffer src = ByteBuffer.wrap(encoded);
            ByteBuffer dst = ByteBuffer.allocate(size);
            assertThrows(WpkFormatException.class, () -> c.codec.decode(src, dst), "into " + size);
            assertEquals(0, src.position());
            assertEquals(0, dst.position());
        }
    }

    @Test
    void parametersRebuildTheCodec() throws Exception {
        Case c = newCase(12, 34, 3);
        ByteCodec rebuilt = fromParams(c.codec.params());
        assertEquals(c.codec.params(), rebuilt.params());
        assertEquals(c.codec.params(), Codecs.create(c.codec.name(), c.codec.params()).params());
        byte[] data = structured(c, 0.5, new Random(6));
        assertArrayEquals(c.codec.encode(data, 0, data.length), rebuilt.encode(data, 0, data.length));

        Map<String, String> unknown = new LinkedHashMap<>(c.codec.params());
        unknown.put("future", "1");
        assertThrows(WpkFormatException.class, () -> fromParams(unknown));
        for (String key : c.codec.params().keySet()) {
            Map<String, String> missing = new LinkedHashMap<>(c.codec.params());
            missing.remove(key);
            assertThrows(WpkFormatException.class, () -> fromParams(missing), "without " + key);
            for (String bad : new String[] {"0", "-1", "x", "", "01", "+3", "99999999999", "2147483647"}) {
                Map<String, String> changed = new LinkedHashMap<>(c.codec.params());
                changed.put(key, bad);
                try {
                    ByteCodec codec = fromParams(changed);
                    // Some keys accept a large value; the shape must then still fit an int.
                    assertEquals(bad, codec.params().get(key), key + " = " + bad);
                } catch (WpkFormatException expected) {
                    // rejected, as it should be for most values
                }
            }
        }
    }

    // ---- corruption

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everySingleByteChangeDecodesOrIsRejected() throws Exception {
        for (Map.Entry<Case, byte[]> input : corruptionInputs().entrySet()) {
            Case c = input.getKey();
            byte[] encoded = c.codec.encode(input.getValue(), 0, c.size());
            Random random = new Random(encoded.length);
            for (int position : CorruptionSampling.positions(encoded.length, 200)) {
                for (int value : CorruptionSampling.replacements(encoded[position], encoded.length, 40, random)) {
                    byte[] changed = encoded.clone();
                    changed[position] = (byte) value;
                    decodesOrRejects(c, changed, c.size(), c + ": byte " + position + " set to " + value);
                }
            }
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyTruncationAndExtensionIsRejected() throws Exception {
        for (Map.Entry<Case, byte[]> input : corruptionInputs().entrySet()) {
            Case c = input.getKey();
            byte[] encoded = c.codec.encode(input.getValue(), 0, c.size());
            for (int length : CorruptionSampling.positions(encoded.length, 500)) {
                String what = c + ": first " + length + " of " + encoded.length + " bytes";
                assertFalse(decodesOrRejects(c, Arrays.copyOf(encoded, length), c.size(), what), what);
            }
            for (int extra : new int[] {1, 2, 8}) {
                for (int fill : new int[] {0, 0xFF}) {
                    byte[] longer = Arrays.copyOf(encoded, encoded.length + extra);
                    Arrays.fill(longer, encoded.length, longer.length, (byte) fill);
                    String what = c + ": " + extra + " bytes of " + fill + " appended";
                    assertFalse(decodesOrRejects(c, longer, c.size(), what), what);
                }
            }
        }
    }

    @Property(tries = 200)
    void randomDamageDecodesOrIsRejected(@ForAll @IntRange(min = 1, max = 30) int rows,
            @ForAll @IntRange(min = 1, max = 30) int cols, @ForAll @IntRange(max = 3) int variant,
            @ForAll long seed, @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 1 << 20) Integer> positions,
            @ForAll byte mask) throws Exception {
        Case c = newCase(rows, cols, variant);
        Random random = new Random(seed);
        byte[] data = random.nextBoolean() ? structured(c, 0.7, random) : sparse(c.size(), 0.7, random);
        byte[] changed = c.codec.encode(data, 0, data.length);
        for (int position : positions) {
            changed[position % changed.length] ^= mask == 0 ? 1 : mask;
        }
        decodesOrRejects(c, changed, c.size(), "damaged at " + positions);
    }

    @Property(tries = 200)
    void arbitraryBytesDecodeOrAreRejected(@ForAll @Size(max = 120) byte[] stream,
            @ForAll @IntRange(min = 1, max = 20) int rows, @ForAll @IntRange(min = 1, max = 20) int cols,
            @ForAll @IntRange(max = 3) int variant) {
        Case c = newCase(rows, cols, variant);
        decodesOrRejects(c, stream, c.size(), "arbitrary stream");
    }

    // ---- helpers

    /** Elements non-zero with probability 1 - sparsity, values spread over all of int8. */
    static byte[] sparse(int n, double sparsity, Random random) {
        byte[] data = new byte[n];
        for (int i = 0; i < n; i++) {
            if (random.nextDouble() >= sparsity) {
                data[i] = nonZero(random);
            }
        }
        return data;
    }

    /** A non-zero int8 code, Gaussian-ish around 0 as quantized weights are. */
    static byte nonZero(Random random) {
        int v;
        do {
            v = (int) Math.round(random.nextGaussian() * 30);
        } while (v == 0 || v < -128 || v > 127);
        return (byte) v;
    }

    private Map<Case, byte[]> corruptionInputs() {
        Map<Case, byte[]> inputs = new LinkedHashMap<>();
        Random random = new Random(7);
        List<Case> cases = new ArrayList<>();
        cases.add(newCase(1, 1, 0));
        cases.add(newCase(9, 13, 1));
        cases.add(newCase(40, 37, 2));
        cases.add(newCase(64, 48, 3));
        for (Case c : cases) {
            inputs.put(c, structured(c, 0.6, random));
        }
        Case zeros = newCase(30, 30, 0);
        inputs.put(zeros, new byte[zeros.size()]);
        Case random1 = newCase(31, 29, 1);
        inputs.put(random1, sparse(random1.size(), 0.3, random));
        return inputs;
    }

    void assertRoundTrip(Case c, byte[] data) throws Exception {
        byte[] encoded = c.codec.encode(data, 0, data.length);
        assertArrayEquals(data, decode(c.codec, encoded, data.length, false, false), () -> c + " round trip");
        assertArrayEquals(data, decodeStructure(c, encoded), () -> c + " structural decode");
    }

    /** Decodes inside larger buffers with guard bytes around, and checks positions and guards. */
    static byte[] decode(ByteCodec codec, byte[] encoded, int size, boolean directSrc, boolean directDst)
            throws WpkFormatException {
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
        codec.decode(src, dst);
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

    /**
     * Dense and structural decode of {@code stream}: both decode, to the same bytes, or both are
     * rejected with WpkFormatException; anything else fails. Returns whether it decoded.
     */
    boolean decodesOrRejects(Case c, byte[] stream, int size, String what) {
        ByteBuffer dst = ByteBuffer.allocate(size);
        boolean dense;
        try {
            c.codec.decode(ByteBuffer.wrap(stream), dst);
            dense = true;
        } catch (WpkFormatException e) {
            dense = false;
        } catch (RuntimeException | Error e) {
            throw new AssertionError(c + ", " + what + ": threw " + e, e);
        }
        if (size != c.size()) {
            return dense;
        }
        byte[] structural;
        try {
            structural = decodeStructure(c, stream);
        } catch (WpkFormatException e) {
            structural = null;
        } catch (RuntimeException | Error e) {
            throw new AssertionError(c + ", " + what + ": structural decode threw " + e, e);
        }
        assertEquals(dense, structural != null, what + ": dense and structural decode disagree on validity");
        if (dense) {
            assertEquals(size, dst.position(), what);
            assertArrayEquals(dst.array(), structural, what + ": dense and structural decode differ");
        }
        return dense;
    }
}
