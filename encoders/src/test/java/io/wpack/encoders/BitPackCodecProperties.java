package io.wpack.encoders;

import io.wpack.formats.WpkFormatException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * bitpack at every element size and width: round trips against the input and against a bit-at-a-
 * time oracle, the chooser, and damaged, truncated, extended and wrongly sized streams.
 */
class BitPackCodecProperties {
    /** A configuration and a payload that fits it. */
    record Case(BitPackCodec codec, byte[] data) {
        @Override
        public String toString() {
            return codec + ", " + data.length + " bytes";
        }
    }

    @Provide
    Arbitrary<Case> packable() {
        return Arbitraries.of(1, 2, 4).flatMap(elem -> Arbitraries.integers().between(1, Math.min(16, 8 * elem))
                .flatMap(width -> Combinators.combine(offsets(elem), symbols(width), Arbitraries.integers().between(0, elem - 1),
                        Arbitraries.longs()).as((offset, symbols, tail, seed) -> {
                            BitPackCodec codec = new BitPackCodec(elem, width, offset);
                            return new Case(codec, payload(codec, symbols, tail, seed));
                        })));
    }

    private static Arbitrary<Long> offsets(int elem) {
        long max = elem == 4 ? 0xFFFFFFFFL : (1L << 8 * elem) - 1;
        return Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.just(max), Arbitraries.longs().between(0, max));
    }

    /** Uniform, small-skewed, the two extremes, or one value repeated (a degenerate alphabet). */
    private static Arbitrary<long[]> symbols(int width) {
        long max = (1L << width) - 1;
        Arbitrary<Long> symbol = Arbitraries.oneOf(
                Arbitraries.longs().between(0, max),
                Arbitraries.longs().between(0, Math.min(max, 3)),
                Arbitraries.of(0L, max));
        Arbitrary<long[]> mixed = symbol.list().ofMaxSize(700).map(BitPackCodecProperties::toArray);
        Arbitrary<long[]> constant = Combinators.combine(Arbitraries.longs().between(0, max),
                Arbitraries.integers().between(0, 300)).as((v, n) -> {
                    long[] all = new long[n];
                    Arrays.fill(all, v);
                    return all;
                });
        return Arbitraries.oneOf(mixed, constant);
    }

    private static long[] toArray(List<Long> list) {
        long[] a = new long[list.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = list.get(i);
        }
        return a;
    }

    /** The elements {@code symbol + offset}, little-endian, then {@code tail} random bytes. */
    static byte[] payload(BitPackCodec codec, long[] symbols, int tail, long seed) {
        int elem = codec.elem();
        byte[] data = new byte[symbols.length * elem + tail];
        for (int i = 0; i < symbols.length; i++) {
            long e = symbols[i] + codec.offset();
            for (int k = 0; k < elem; k++) {
                data[i * elem + k] = (byte) (e >>> 8 * k);
            }
        }
        Random random = new Random(seed);
        for (int i = symbols.length * elem; i < data.length; i++) {
            data[i] = (byte) random.nextInt(256);
        }
        return data;
    }

    /** The grammar, a bit at a time: the slow oracle the encoder's bytes must equal. */
    static byte[] slowEncode(BitPackCodec codec, byte[] data) {
        int elem = codec.elem();
        int n = data.length / elem;
        int w = codec.width();
        long bits = (long) n * w;
        byte[] out = new byte[(int) (bits / 8) + 1 + data.length % elem];
        long elementMask = elem == 4 ? 0xFFFFFFFFL : (1L << 8 * elem) - 1;
        for (int i = 0; i < n; i++) {
            long e = 0;
            for (int k = 0; k < elem; k++) {
                e |= (data[i * elem + k] & 0xFFL) << 8 * k;
            }
            long s = (e - codec.offset()) & elementMask;
            for (int b = 0; b < w; b++) {
                long at = (long) i * w + b;
                out[(int) (at / 8)] |= (byte) ((s >>> b & 1) << (at % 8));
            }
        }
        out[(int) (bits / 8)] |= (byte) (1 << (bits % 8));
        System.arraycopy(data, n * elem, out, out.length - data.length % elem, data.length % elem);
        return out;
    }

    // ---- round trips

    @Property(tries = 400, edgeCases = EdgeCasesMode.MIXIN)
    void roundTripsAndMatchesTheOracle(@ForAll("packable") Case c) throws WpkFormatException {
        byte[] encoded = c.codec.encode(c.data, 0, c.data.length);
        assertArrayEquals(slowEncode(c.codec, c.data), encoded);
        assertArrayEquals(c.data, decode(c.codec, encoded, c.data.length, false));
        assertArrayEquals(c.data, decode(c.codec, encoded, c.data.length, true));
    }

    @Property(tries = 300, edgeCases = EdgeCasesMode.MIXIN)
    void theChosenConfigurationIsNoWiderAndRoundTrips(@ForAll("packable") Case c) throws WpkFormatException {
        BitPackCodec chosen = BitPackCodec.choose(c.data, 0, c.data.length, c.codec.elem());
        if (c.codec.width() < 8 * c.codec.elem()) {
            assertNotNull(chosen);
        }
        if (chosen != null) {
            assertTrue(chosen.width() <= c.codec.width(), chosen + " for " + c);
            byte[] encoded = chosen.encode(c.data, 0, c.data.length);
            assertArrayEquals(c.data, decode(chosen, encoded, c.data.length, false));
        }
    }

    @Test
    void everyWidthAtLengthsAroundTheWordGroupsAndLong() throws WpkFormatException {
        Random random = new Random(42);
        for (int elem : new int[] {1, 2, 4}) {
            for (int width = 1; width <= Math.min(16, 8 * elem); width++) {
                BitPackCodec codec = new BitPackCodec(elem, width, random.nextInt(1 << Math.min(16, 8 * elem)));
                int[] counts = {0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 100, 1000, 1001,
                        (3 << 20) / elem + 3};
                for (int n : counts) {
                    long[] symbols = new long[n];
                    for (int i = 0; i < n; i++) {
                        symbols[i] = random.nextLong() >>> 64 - width;
                    }
                    for (int tail = 0; tail < elem; tail++) {
                        byte[] data = payload(codec, symbols, tail, n);
                        byte[] encoded = codec.encode(data, 0, data.length);
                        String what = codec + ", " + n + " elements";
                        if (n < 2000) {
                            assertArrayEquals(slowEncode(codec, data), encoded, what);
                        }
                        assertArrayEquals(data, decode(codec, encoded, data.length, false), what);
                        assertArrayEquals(data, decode(codec, encoded, data.length, true), what);
                    }
                }
            }
        }
    }

    @Test
    void allZeroAndAllMaximalElements() throws WpkFormatException {
        for (int width = 1; width <= 16; width++) {
            BitPackCodec codec = new BitPackCodec(2, width, 0);
            long[] max = new long[100_003];
            Arrays.fill(max, (1L << width) - 1);
            for (byte[] data : new byte[][] {new byte[200_006], payload(codec, max, 0, 0)}) {
                assertArrayEquals(data, decode(codec, codec.encode(data, 0, data.length), data.length, false));
            }
        }
    }

    // ---- damage

    @Property(tries = 300, edgeCases = EdgeCasesMode.MIXIN)
    void wrongElementCountsAreRejected(@ForAll("packable") Case c, @ForAll @IntRange(min = 1, max = 9) int delta) {
        byte[] encoded = c.codec.encode(c.data, 0, c.data.length);
        int elem = c.codec.elem();
        for (int size : new int[] {c.data.length + delta * elem, c.data.length - delta * elem}) {
            if (size >= 0) {
                assertThrows(WpkFormatException.class, () -> decode(c.codec, encoded, size, false), c + " into " + size);
            }
        }
    }

    @Property(tries = 200, edgeCases = EdgeCasesMode.MIXIN)
    void truncatedAndExtendedStreamsAreRejected(@ForAll("packable") Case c, @ForAll @IntRange(min = 1, max = 20) int cut,
            @ForAll byte fill) {
        byte[] encoded = c.codec.encode(c.data, 0, c.data.length);
        byte[] shorter = Arrays.copyOf(encoded, Math.max(0, encoded.length - cut));
        assertThrows(WpkFormatException.class, () -> decode(c.codec, shorter, c.data.length, false));
        byte[] longer = Arrays.copyOf(encoded, encoded.length + cut);
        Arrays.fill(longer, encoded.length, longer.length, fill);
        assertThrows(WpkFormatException.class, () -> decode(c.codec, longer, c.data.length, false));
    }

    @Property(tries = 300, edgeCases = EdgeCasesMode.MIXIN)
    void damagedStreamsDecodeOrAreRejected(@ForAll("packable") Case c,
            @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 1 << 20) Integer> positions, @ForAll byte mask) {
        byte[] encoded = c.codec.encode(c.data, 0, c.data.length);
        byte[] changed = encoded.clone();
        for (int position : positions) {
            changed[position % changed.length] ^= mask == 0 ? 1 : mask;
        }
        decodesOrRejects(c.codec, changed, c.data.length);
    }

    @Property(tries = 500, edgeCases = EdgeCasesMode.MIXIN)
    void arbitraryStreamsDecodeOrAreRejected(@ForAll @Size(max = 300) byte[] stream,
            @ForAll @IntRange(max = 700) int size, @ForAll("configurations") BitPackCodec codec) {
        decodesOrRejects(codec, stream, size);
    }

    @Provide
    Arbitrary<BitPackCodec> configurations() {
        return packable().map(Case::codec);
    }

    // ---- helpers

    private static void decodesOrRejects(BitPackCodec codec, byte[] stream, int size) {
        try {
            decode(codec, stream, size, false);
        } catch (WpkFormatException e) {
            return;
        } catch (RuntimeException | Error e) {
            throw new AssertionError(codec + ", " + stream.length + " bytes into " + size + ": threw " + e, e);
        }
    }

    /** Decodes from a slice at a non-zero offset, so positions inside the array are exercised. */
    static byte[] decode(ByteCodec codec, byte[] encoded, int size, boolean direct) throws WpkFormatException {
        byte[] padded = new byte[encoded.length + 11];
        Arrays.fill(padded, (byte) 0x5A);
        System.arraycopy(encoded, 0, padded, 5, encoded.length);
        ByteBuffer src = ByteBuffer.wrap(padded, 5, encoded.length).slice();
        ByteBuffer dst = direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
        codec.decode(src, dst);
        assertEquals(size, dst.position());
        assertEquals(encoded.length, src.position());
        byte[] out = new byte[size];
        dst.flip().get(out);
        return out;
    }
}
