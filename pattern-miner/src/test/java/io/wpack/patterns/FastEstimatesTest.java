package io.wpack.patterns;

import io.wpack.encoders.pattern.MaskValuesCodec;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shortcuts that make choosing fast, each against the slow way it replaces. */
class FastEstimatesTest {

    @Test
    void nonZeroBitsMatchesAByteLoop() {
        Random random = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            long word = random.nextLong();
            // Many zero bytes and 0x80 bytes, the cases a carry between bytes would get wrong.
            for (int j = 0; j < 8; j++) {
                int kind = random.nextInt(4);
                if (kind < 2) {
                    word &= ~(0xFFL << (8 * j));
                } else if (kind == 2) {
                    word = word & ~(0xFFL << (8 * j)) | 0x80L << (8 * j);
                }
            }
            int expected = 0;
            for (int j = 0; j < 8; j++) {
                expected |= ((word >>> (8 * j) & 0xFF) != 0 ? 1 : 0) << j;
            }
            assertEquals(expected, SectionEstimates.nonZeroBits(word), Long.toHexString(word));
        }
    }

    @Test
    void huffmanNonZeroEstimateMatchesTheBytewaySizes() {
        for (int n : new int[] {0, 1, 7, 8, 9, 1000, 4099}) {
            CodeTensor t = CodeTensors.channelStructured(1, n, n);
            byte[] codes = t.codes();
            long[] maskHist = new long[256];
            long[] valueHist = new long[256];
            int m = 0;
            int bits = 0;
            for (byte x : codes) {
                m |= (x != 0 ? 1 : 0) << bits;
                valueHist[x & 0xFF] += x != 0 ? 1 : 0;
                if (++bits == 8) {
                    maskHist[m]++;
                    m = 0;
                    bits = 0;
                }
            }
            maskHist[m | 1 << bits]++;
            long mask = SectionEstimates.byteSection(maskHist);
            long expected = SectionEstimates.varintSize(mask) + mask + SectionEstimates.byteSection(valueHist);
            assertEquals(expected, SectionEstimates.huffmanNonZero(codes, t.histogram()), "n = " + n);
        }
    }

    @Test
    void incrementalIndexCodeMatchesTheHistogramCode() {
        Random random = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            int k = random.nextInt(50);
            long[] counts = new long[k + 1];
            double cLnC = 0;
            long blocks = 0;
            for (int i = 0; i < k; i++) {
                counts[i] = 1 + random.nextInt(1000);
                cLnC += counts[i] * Math.log(counts[i]);
                blocks += counts[i];
            }
            counts[k] = random.nextInt(3) == 0 ? 0 : random.nextInt(5000);
            blocks += counts[k];
            assertEquals(DictionaryPlanner.code(counts, k + 1), DictionaryPlanner.indexCode(blocks, counts[k], k, cLnC),
                    1e-6 * blocks + 1e-9);
        }
    }

    @Test
    void oneAnalysisForSeveralBlockLengthsDecodesAndKeepsTheFirstLengthsSize() throws Exception {
        for (int seed = 0; seed < 4; seed++) {
            CodeTensor t = CodeTensors.channelStructured(96, 64, seed);
            int[] cs = CodecLayouts.channelSegments(t, 3);
            MaskValuesCodec layout = new MaskValuesCodec(4).withLayout(cs[0], cs[1], CodecLayouts.CLASSES);
            MaskValuesCodec.Encoded e = layout.encodeSmallest(t.codes(), 0, t.size(), 4, 8, 16);
            assertTrue(e.codec().block() == 4 || e.codec().block() == 8 || e.codec().block() == 16);
            byte[] back = new byte[t.size()];
            MaskValuesCodec.fromParams(e.codec().params()).decode(ByteBuffer.wrap(e.stream()), ByteBuffer.wrap(back));
            assertArrayEquals(t.codes(), back);
            // The classes are searched with the first length, so it alone would come out the same
            // (to within a section's padding); another length wins only by being smaller.
            long first = layout.encode(t.codes(), 0, t.size()).length;
            assertTrue(e.stream().length <= first + 2, e.stream().length + " vs " + first);
        }
    }

    @Test
    void columnLayoutsRoundTripForEveryEdgeOfTheTiledTranspose() throws Exception {
        Random random = new Random(9);
        // Column and row counts on both sides of multiples of 8 and 64, and powers of two.
        for (int columns : new int[] {1, 3, 8, 9, 63, 64, 65, 256, 300}) {
            for (int rows : new int[] {1, 7, 8, 13, 64, 4096}) {
                int tail = random.nextInt(Math.max(1, columns));
                byte[] codes = new byte[rows * columns + tail];
                for (int i = 0; i < codes.length; i++) {
                    codes[i] = random.nextInt(3) == 0 ? (byte) random.nextInt(256) : 0;
                }
                MaskValuesCodec codec = new MaskValuesCodec(8).withLayout(columns, 0, 1);
                byte[] encoded = codec.encode(codes, 0, codes.length);
                byte[] back = new byte[codes.length];
                MaskValuesCodec.fromParams(codec.params()).decode(ByteBuffer.wrap(encoded), ByteBuffer.wrap(back));
                assertArrayEquals(codes, back, columns + " columns, " + rows + " rows");
            }
        }
    }

    @Test
    void radixCountedBlocksAreMostFrequentFirstThenInUnsignedKeyOrder() {
        for (long seed = 0; seed < 20; seed++) {
            Random random = new Random(seed);
            byte[] codes = new byte[4096];
            for (int k = 0; k < codes.length; k++) {
                // Few values, negative ones among them, so that counts tie and keys use the top bit.
                codes[k] = (byte) (random.nextInt(4) == 0 ? random.nextInt(256) : random.nextInt(5) - 2);
            }
            CodeTensor t = new CodeTensor("t", codes, new long[] {64, 64}, 1);
            for (BlockShape shape : new BlockShape[] {BlockShape.ROW_2, BlockShape.ROW_4, BlockShape.ROW_8,
                    BlockShape.SQUARE_2X2}) {
                BlockCounts c = PatternMiner.countValues(t, shape);
                long total = 0;
                for (int k = 0; k < c.distinct(); k++) {
                    total += c.count(k);
                    if (k > 0) {
                        assertTrue(c.count(k) <= c.count(k - 1), shape + " counts at " + k);
                        if (c.count(k) == c.count(k - 1)) {
                            assertTrue(Long.compareUnsigned(key(c.entry(k - 1)), key(c.entry(k))) < 0,
                                    shape + " key order at " + k);
                        }
                    }
                }
                assertEquals(c.blocks(), total, shape + " blocks");
            }
        }
    }

    private static long key(byte[] block) {
        long key = 0;
        for (int t = 0; t < block.length; t++) {
            key |= (block[t] & 0xFFL) << (8 * t);
        }
        return key;
    }
}
