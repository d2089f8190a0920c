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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * zeroruns on sparse shapes of every kind, in the layout the encoder picks and in every layout
 * forced: round trips, the choice never worse than a forced layout by more than the estimate's
 * slack, and damaged, truncated, extended and wrongly sized streams.
 */
class ZeroRunsCodecProperties {
    private static final ZeroRunsCodec CODEC = new ZeroRunsCodec();

    /** Unstructured, block-pruned or run-structured sparsity, any zero byte, narrow or wide values. */
    @Provide
    Arbitrary<byte[]> sparse() {
        Arbitrary<Integer> lengths = Arbitraries.oneOf(Arbitraries.integers().between(0, 3000),
                Arbitraries.of(0, 1, 2, 7, 8, 9, 255, 256, 257, 4096));
        Arbitrary<Double> sparsity = Arbitraries.oneOf(Arbitraries.of(0.0, 1.0), Arbitraries.doubles().between(0, 1));
        Arbitrary<Integer> zeros = Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.just(0x80),
                Arbitraries.integers().between(0, 255));
        Arbitrary<Double> sigma = Arbitraries.of(0.3, 2.0, 20.0, 200.0);
        Arbitrary<Integer> blocks = Arbitraries.of(1, 3, 8, 16, 64, 100, 256, 1000);
        Arbitrary<byte[]> unstructured = Combinators.combine(lengths, sparsity, sigma, zeros, Arbitraries.longs())
                .as(ZeroRunsTestData::unstructured);
        Arbitrary<byte[]> pruned = Combinators.combine(lengths, blocks, sparsity, sigma, zeros, Arbitraries.longs())
                .as(ZeroRunsTestData::blockPruned);
        Arbitrary<byte[]> runs = Combinators.combine(lengths, Arbitraries.doubles().between(1, 600),
                Arbitraries.doubles().between(1, 100), sigma, zeros, Arbitraries.longs()).as(ZeroRunsTestData::longRuns);
        return Arbitraries.oneOf(unstructured, pruned, runs, Arbitraries.bytes().array(byte[].class).ofMaxSize(500));
    }

    @Property(tries = 300, edgeCases = EdgeCasesMode.MIXIN)
    void roundTripsInEveryLayout(@ForAll("sparse") byte[] data) throws WpkFormatException {
        byte[] chosen = CODEC.encode(data, 0, data.length);
        assertArrayEquals(data, BitPackCodecProperties.decode(CODEC, chosen, data.length, false));
        for (int shift = ZeroRunsCodec.MIN_BLOCK_SHIFT; shift <= ZeroRunsCodec.MAX_BLOCK_SHIFT; shift++) {
            for (boolean runs : new boolean[] {false, true}) {
                byte[] forced = ZeroRunsEncoder.encode(data, 0, data.length, shift, runs);
                assertArrayEquals(data, BitPackCodecProperties.decode(CODEC, forced, data.length, false),
                        "blocks of " + (1 << shift) + (runs ? ", runs" : ", bitmaps"));
                // The plan estimates sections to within padding and varints.
                assertTrue(chosen.length <= forced.length + 16, "chosen " + chosen.length + ", forced " + forced.length);
            }
        }
    }

    @Test
    void longInputsOfEveryShape() throws WpkFormatException {
        int n = (3 << 20) + 5;
        byte[] ones = new byte[n];
        Arrays.fill(ones, (byte) 1);
        byte[] noZero = ZeroRunsTestData.unstructured(n, 0, 20, 0, 1);
        for (byte[] data : List.of(new byte[n], ones, noZero, ZeroRunsTestData.unstructured(n, 0.9, 20, 0, 2),
                ZeroRunsTestData.blockPruned(n, 128, 0.6, 3, 0x80, 3), ZeroRunsTestData.longRuns(n, 300, 40, 1, 0, 4),
                TestData.random(n, 5))) {
            byte[] encoded = CODEC.encode(data, 0, data.length);
            assertArrayEquals(data, BitPackCodecProperties.decode(CODEC, encoded, n, false));
            assertArrayEquals(data, BitPackCodecProperties.decode(CODEC, encoded, n, true));
        }
    }

    @Test
    void degenerateAlphabets() throws WpkFormatException {
        // One non-zero value everywhere it is not zero, and two values alternating.
        byte[] one = ZeroRunsTestData.unstructured(100_000, 0.7, 0.3, 0, 6);
        byte[] two = new byte[100_001];
        for (int i = 0; i < two.length; i++) {
            two[i] = (byte) (i % 2 == 0 ? 0 : -1);
        }
        for (byte[] data : List.of(one, two, new byte[] {0}, new byte[] {-128}, new byte[] {0, -128})) {
            assertArrayEquals(data, BitPackCodecProperties.decode(CODEC, CODEC.encode(data, 0, data.length),
                    data.length, false));
        }
    }

    // ---- damage

    @Property(tries = 200, edgeCases = EdgeCasesMode.MIXIN)
    void wrongSizesAreRejected(@ForAll("sparse") byte[] data, @ForAll @IntRange(min = 1, max = 300) int delta) {
        byte[] encoded = CODEC.encode(data, 0, data.length);
        for (int size : new int[] {data.length + delta, data.length - delta}) {
            if (size >= 0) {
                assertThrows(WpkFormatException.class, () -> BitPackCodecProperties.decode(CODEC, encoded, size, false));
            }
        }
    }

    @Property(tries = 200, edgeCases = EdgeCasesMode.MIXIN)
    void truncatedAndExtendedStreamsAreRejected(@ForAll("sparse") byte[] data, @ForAll @IntRange(min = 1, max = 40) int cut,
            @ForAll byte fill) {
        byte[] encoded = CODEC.encode(data, 0, data.length);
        byte[] shorter = Arrays.copyOf(encoded, Math.max(0, encoded.length - cut));
        assertThrows(WpkFormatException.class, () -> BitPackCodecProperties.decode(CODEC, shorter, data.length, false));
        byte[] longer = Arrays.copyOf(encoded, encoded.length + cut);
        Arrays.fill(longer, encoded.length, longer.length, fill);
        assertThrows(WpkFormatException.class, () -> BitPackCodecProperties.decode(CODEC, longer, data.length, false));
    }

    @Property(tries = 400, edgeCases = EdgeCasesMode.MIXIN)
    void damagedStreamsInEveryLayoutDecodeOrAreRejected(@ForAll("sparse") byte[] data,
            @ForAll @IntRange(min = 3, max = 8) int shift, @ForAll boolean runs,
            @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 1 << 20) Integer> positions, @ForAll byte mask) {
        byte[] encoded = ZeroRunsEncoder.encode(data, 0, data.length, shift, runs);
        byte[] changed = encoded.clone();
        for (int position : positions) {
            changed[position % changed.length] ^= mask == 0 ? 1 : mask;
        }
        decodesOrRejects(changed, data.length);
        decodesOrRejects(changed, data.length + 1);
    }

    @Property(tries = 500, edgeCases = EdgeCasesMode.MIXIN)
    void arbitraryStreamsDecodeOrAreRejected(@ForAll @Size(max = 300) byte[] stream, @ForAll @IntRange(max = 2000) int size) {
        decodesOrRejects(stream, size);
    }

    @Test
    void everyByteOfSmallLayoutsChangedDecodesOrIsRejected() {
        byte[] data = ZeroRunsTestData.longRuns(700, 30, 6, 20, 0, 7);
        for (int shift = ZeroRunsCodec.MIN_BLOCK_SHIFT; shift <= ZeroRunsCodec.MAX_BLOCK_SHIFT; shift++) {
            for (boolean runs : new boolean[] {false, true}) {
                byte[] encoded = ZeroRunsEncoder.encode(data, 0, data.length, shift, runs);
                for (int position = 0; position < encoded.length; position++) {
                    for (int value = 0; value < 256; value++) {
                        byte[] changed = encoded.clone();
                        changed[position] = (byte) value;
                        decodesOrRejects(changed, data.length);
                    }
                }
            }
        }
    }

    private static void decodesOrRejects(byte[] stream, int size) {
        try {
            CODEC.decode(ByteBuffer.wrap(stream), ByteBuffer.allocate(size));
        } catch (WpkFormatException e) {
            return;
        } catch (RuntimeException | Error e) {
            throw new AssertionError(stream.length + " bytes into " + size + ": threw " + e, e);
        }
    }
}
