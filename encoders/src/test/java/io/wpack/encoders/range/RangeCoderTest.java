package io.wpack.encoders.range;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wpack.formats.WpkFormatException;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The range coder on its own: round trips, the stream's exact end, and how contexts adapt. */
class RangeCoderTest {
    private static final AdaptiveRate RATE = new AdaptiveRate(10, 64);

    /** Bits of a skewed source over a few contexts, with a direct bit now and then (kind 2). */
    private static int[][] source(int count, int contexts, long seed) {
        Random random = new Random(seed);
        double[] p = new double[contexts];
        for (int c = 0; c < contexts; c++) {
            p[c] = random.nextDouble();
        }
        int[][] bits = new int[count][];
        for (int k = 0; k < count; k++) {
            int c = random.nextInt(contexts);
            boolean direct = random.nextInt(8) == 0;
            bits[k] = new int[] {direct ? 2 : 1, c, random.nextDouble() < p[c] ? 1 : 0};
        }
        return bits;
    }

    private static int[] freshStates(int contexts) {
        int[] states = new int[contexts];
        Arrays.fill(states, AdaptiveRate.state(AdaptiveRate.ONE / 2));
        return states;
    }

    private static byte[] encode(int[][] bits, int contexts) {
        RangeEncoder rc = new RangeEncoder(16);
        int[] states = freshStates(contexts);
        for (int[] b : bits) {
            if (b[0] == 2) {
                rc.encodeDirect(b[2]);
            } else {
                rc.encodeBit(states, b[1], b[2], RATE);
            }
        }
        return rc.finish();
    }

    /** The decoded bits, or the exception; contexts and kinds follow {@code bits}. */
    private static int[] decode(byte[] stream, int[][] bits, int contexts) throws WpkFormatException {
        RangeDecoder rc = new RangeDecoder(stream, 0, stream.length);
        int[] states = freshStates(contexts);
        int[] out = new int[bits.length];
        for (int k = 0; k < bits.length; k++) {
            out[k] = bits[k][0] == 2 ? rc.decodeDirect() : rc.decodeBit(states, bits[k][1], RATE);
        }
        rc.requireEnd();
        return out;
    }

    private static int[] values(int[][] bits) {
        return Arrays.stream(bits).mapToInt(b -> b[2]).toArray();
    }

    /**
     * The stored bytes name a block of values inside the final interval, so what follows them
     * never changes a decoded bit: appended bytes are always left unread and rejected. A cut
     * stream decodes differently near its end, and is rejected or at least never decodes the
     * same bits.
     */
    @Property(tries = 300)
    void roundTripsAndNoShorterOrLongerStreamDecodesTheSameBits(@ForAll @IntRange(min = 0, max = 3000) int count,
            @ForAll @IntRange(min = 1, max = 20) int contexts, @ForAll long seed) throws WpkFormatException {
        int[][] bits = source(count, contexts, seed);
        byte[] stream = encode(bits, contexts);
        assertArrayEquals(values(bits), decode(stream, bits, contexts));
        for (int cut = Math.max(0, stream.length - 6); cut < stream.length; cut++) {
            byte[] shorter = Arrays.copyOf(stream, cut);
            assertRejectedOrDifferent(shorter, bits, contexts, "first " + cut + " of " + stream.length);
        }
        for (int extra = 1; extra <= 3; extra++) {
            for (int fill : new int[] {0, 1, 0x80, 0xFF}) {
                byte[] longer = Arrays.copyOf(stream, stream.length + extra);
                Arrays.fill(longer, stream.length, longer.length, (byte) fill);
                assertThrows(WpkFormatException.class, () -> decode(longer, bits, contexts),
                        extra + " bytes of " + fill + " appended");
            }
        }
    }

    private static void assertRejectedOrDifferent(byte[] stream, int[][] bits, int contexts, String what) {
        try {
            int[] got = decode(stream, bits, contexts);
            assertTrue(!Arrays.equals(values(bits), got), what + " decodes the same bits");
        } catch (WpkFormatException expected) {
            // rejected
        }
    }

    @Test
    void aStreamCostsAboutItsInformationPlusOneByte() throws WpkFormatException {
        // 10,000 bits of P(1) = 0.1 in one context: about 469 bytes of information.
        int[][] bits = new int[10000][];
        Random random = new Random(5);
        double entropyBits = 0;
        for (int k = 0; k < bits.length; k++) {
            bits[k] = new int[] {1, 0, random.nextDouble() < 0.1 ? 1 : 0};
            entropyBits += bits[k][2] == 1 ? -Math.log(0.1) / Math.log(2) : -Math.log(0.9) / Math.log(2);
        }
        byte[] stream = encode(bits, 1);
        assertArrayEquals(values(bits), decode(stream, bits, 1));
        assertTrue(stream.length < entropyBits / 8 * 1.02 + 2, stream.length + " bytes for " + entropyBits / 8);
    }

    @Test
    void noBitsIsTwoZeroBytesAndAnythingElseIsRejected() throws WpkFormatException {
        // The reader's first 4 bytes: the stream's 2 and 2 implied zeros.
        int[][] none = new int[0][];
        assertArrayEquals(new byte[] {0, 0}, encode(none, 1));
        decode(new byte[] {0, 0}, none, 1);
        assertThrows(WpkFormatException.class, () -> decode(new byte[] {0}, none, 1));
        assertThrows(WpkFormatException.class, () -> decode(new byte[] {0, 0, 0}, none, 1));
        // A code of 2^16 or more at the end is not where a writer ends a stream.
        WpkFormatException e = assertThrows(WpkFormatException.class, () -> decode(new byte[] {0, 1}, none, 1));
        assertTrue(e.getMessage().contains("does not end"), e.getMessage());
    }

    @Test
    void aContextMovesByOneOverCountPlusStartThenAtTheLimit() {
        AdaptiveRate rate = new AdaptiveRate(2, 64);
        int s = AdaptiveRate.state(AdaptiveRate.ONE / 2);
        s = rate.update(s, 0);
        assertEquals(49152, AdaptiveRate.probabilityOfZero(s), "half-way toward 0 at n = 0, start 2");
        s = rate.update(s, 1);
        assertEquals(49152 - (49152 * (AdaptiveRate.ONE / 3) >>> 16), AdaptiveRate.probabilityOfZero(s),
                "a third of the way back at n = 1");
        for (int k = 0; k < 1000; k++) {
            s = rate.update(s, 0);
        }
        // At 1/64 a step rounds to nothing within 64 of the end; the clamp holds at faster rates.
        int high = AdaptiveRate.probabilityOfZero(s);
        assertTrue(high >= AdaptiveRate.ONE - 64 && high <= AdaptiveRate.ONE - AdaptiveRate.MIN_PROBABILITY, "" + high);
        int before = AdaptiveRate.probabilityOfZero(s);
        s = rate.update(s, 1);
        assertEquals(before - (before * (AdaptiveRate.ONE / 64) >>> 16), AdaptiveRate.probabilityOfZero(s),
                "1/64 of the way once the count is capped");
        for (int k = 0; k < 1000; k++) {
            s = rate.update(s, 1);
        }
        int low = AdaptiveRate.probabilityOfZero(s);
        assertTrue(low >= AdaptiveRate.MIN_PROBABILITY && low <= 64, "" + low);
        AdaptiveRate fast = new AdaptiveRate(2, 2);
        s = AdaptiveRate.state(low);
        for (int k = 0; k < 40; k++) {
            s = fast.update(s, k & 1);
            int p = AdaptiveRate.probabilityOfZero(s);
            assertTrue(p >= AdaptiveRate.MIN_PROBABILITY && p <= AdaptiveRate.ONE - AdaptiveRate.MIN_PROBABILITY, "" + p);
        }
        int t = AdaptiveRate.state(AdaptiveRate.ONE / 2);
        for (int k = 0; k < 40; k++) {
            t = fast.update(t, 0);
        }
        assertEquals(AdaptiveRate.ONE - AdaptiveRate.MIN_PROBABILITY, AdaptiveRate.probabilityOfZero(t));
    }

    @Test
    void ratesOutsideTheirRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveRate(1, 64));
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveRate(10, 9));
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveRate(10, 1 << 13));
    }
}
