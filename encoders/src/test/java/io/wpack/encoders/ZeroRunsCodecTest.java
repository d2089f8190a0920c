package io.wpack.encoders;

import io.wpack.formats.WpkFormatException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ZeroRunsCodecTest extends AbstractByteCodecTest {
    private final ZeroRunsCodec codec = new ZeroRunsCodec();

    @Override
    protected ByteCodec codec() {
        return codec;
    }

    @Test
    void exactBytesForTinyInputs() throws IOException {
        // No elements: n = 0, zero 00, layout 03 (blocks of 8, bitmaps: every layout costs the
        // same, the smallest wins), then three empty sections (size 01, the empty table 00),
        // the last, values, without a size.
        assertArrayEquals(new byte[] {0, 0, 3, 1, 0, 1, 0, 0}, encode(new byte[0]));
        // One zero: one all-zero block, kinds = a single-symbol section of symbol 0 (w = 1,
        // count = 1, clCount = 0: 0x21 0x00) and its count 1; no bitmaps, no values.
        assertArrayEquals(new byte[] {1, 0, 3, 3, 0x21, 0, 1, 1, 0, 0}, encode(new byte[] {0}));
        // One 5: the most frequent byte is 5, so it is the zero byte and the block is all zero.
        assertArrayEquals(new byte[] {1, 5, 3, 3, 0x21, 0, 1, 1, 0, 0}, encode(new byte[] {5}));
    }

    @Test
    void registeredWithoutParameters() throws WpkFormatException {
        assertSame(Codecs.ZERORUNS, Codecs.create(ZeroRunsCodec.NAME, java.util.Map.of()));
        assertThrows(WpkFormatException.class, () -> Codecs.create(ZeroRunsCodec.NAME, java.util.Map.of("block", "64")));
        assertTrue(Codecs.candidatesFor(io.wpack.formats.proto.DType.I8).contains(Codecs.ZERORUNS));
    }

    @Test
    void theZeroByteIsTheMostFrequent() throws IOException {
        byte[] data = ZeroRunsTestData.blockPruned(50_000, 64, 0.7, 20, 0x80, 3);
        byte[] encoded = encode(data);
        assertEquals((byte) 0x80, encoded[3], "zero byte after the 3-byte varint n");
        assertRoundTrip(data);
    }

    @Test
    void pickedLayoutsDecode() throws IOException {
        // Runs of zeros and of values want run lengths, block pruning wants large blocks, random
        // sparsity wants bitmaps: check that each shape round-trips and which mode the encoder took.
        byte[] runs = ZeroRunsTestData.longRuns(1 << 18, 500, 50, 20, 0, 4);
        byte[] blocks = ZeroRunsTestData.blockPruned(1 << 18, 256, 0.8, 20, 0, 5);
        byte[] half = ZeroRunsTestData.unstructured(1 << 18, 0.5, 20, 0, 6);
        assertTrue((layoutOf(encode(runs)) & ZeroRunsCodec.RUNS_FLAG) != 0, "runs of ~500 zeros and ~50 values: runs");
        assertEquals(8, layoutOf(encode(blocks)) & 0x0F, "pruned blocks of 256: blocks of 256");
        assertEquals(0, layoutOf(encode(half)) & ZeroRunsCodec.RUNS_FLAG, "50% sparse: bitmaps");
        for (byte[] data : new byte[][] {runs, blocks, half}) {
            assertRoundTrip(data);
        }
    }

    static int layoutOf(byte[] stream) {
        int at = 0;
        while (stream[at] < 0) {
            at++;
        }
        return stream[at + 2] & 0xFF;
    }

    @Test
    void beatsHuffmanNonZeroOnStructuredSparsity() throws IOException {
        // Measured by ZeroRunsMeasure on 4 MiB: pruned rows of 64 at 75%: 8.0% smaller; blocks
        // of 256 at 90%: 17.4%; 99% unstructured: 26.8%; runs of ~500 zeros and ~50 values: 13.7%.
        for (byte[] data : new byte[][] {ZeroRunsTestData.blockPruned(1 << 20, 64, 0.75, 20, 0, 7),
                ZeroRunsTestData.blockPruned(1 << 20, 256, 0.9, 20, 0, 8),
                ZeroRunsTestData.unstructured(1 << 20, 0.99, 20, 0, 9),
                ZeroRunsTestData.longRuns(1 << 20, 500, 50, 20, 0, 10)}) {
            int nz = Codecs.HUFFMAN_NZ.encode(data, 0, data.length).length;
            int runs = encode(data).length;
            assertTrue(runs < nz, "zeroruns " + runs + ", huffman-nz " + nz);
        }
    }

    @Test
    void neverMuchWorseThanHuffmanNonZero() throws IOException {
        // Blocks of 8 with bitmaps are huffman-nz's mask plus a kind per 8 elements.
        for (double sparsity : new double[] {0.0, 0.3, 0.5, 0.8, 0.95, 1.0}) {
            byte[] data = ZeroRunsTestData.unstructured(1 << 18, sparsity, 20, 0, 11);
            int nz = Codecs.HUFFMAN_NZ.encode(data, 0, data.length).length;
            int runs = encode(data).length;
            assertTrue(runs <= nz * 1.03 + 16, sparsity + ": zeroruns " + runs + ", huffman-nz " + nz);
        }
    }

    @Test
    void aZeroAmongTheValuesIsRejected() throws IOException {
        // One block of 3 with no zero (kind 1), no bitmaps, values 1 5 2 with the zero byte 5.
        byte[] valueZero = stream(3, 5, 3, section(1), null, section(), section(1, 5, 2));
        assertThrows(WpkFormatException.class, () -> codec.decode(ByteBuffer.wrap(valueZero), ByteBuffer.allocate(3)));
        byte[] valid = stream(3, 5, 3, section(1), null, section(), section(1, 6, 2));
        ByteBuffer dst = ByteBuffer.allocate(3);
        codec.decode(ByteBuffer.wrap(valid), dst);
        assertArrayEquals(new byte[] {1, 6, 2}, dst.array());
    }

    @Test
    void mixedBlocksMustHoldBothKinds() throws WpkFormatException {
        byte[] kindsMixed = section(2);
        // Bitmaps of 3 elements: all set, none set, and a bit past the block.
        for (int bitmap : new int[] {0b111, 0, 0b1001}) {
            byte[] s = stream(3, 0, 3, kindsMixed, null, section(bitmap),
                    section(java.util.stream.IntStream.generate(() -> 1).limit(Integer.bitCount(bitmap & 7)).toArray()));
            assertThrows(WpkFormatException.class, () -> codec.decode(ByteBuffer.wrap(s), ByteBuffer.allocate(3)),
                    "bitmap " + bitmap);
        }
        // Runs of 3 elements: no zeros (0 3), all zeros (3), past the end (5, 1 3), one after
        // the end (1 1 1 1), an empty run that is not the first (1 0 2).
        for (byte[] runs : new byte[][] {{0, 3}, {3}, {5}, {1, 3}, {1, 1, 1, 1}, {1, 0, 2}}) {
            byte[] s = stream(3, 0, 3 | ZeroRunsCodec.RUNS_FLAG, kindsMixed, runs.length,
                    new HuffmanCodec().encode(runs, 0, runs.length), section(1, 1));
            assertThrows(WpkFormatException.class, () -> codec.decode(ByteBuffer.wrap(s), ByteBuffer.allocate(3)),
                    java.util.Arrays.toString(runs));
        }
        // The valid runs 1 2 (a zero, two values) decode.
        byte[] ok = stream(3, 0, 3 | ZeroRunsCodec.RUNS_FLAG, kindsMixed, 2, section(1, 2), section(7, 9));
        ByteBuffer dst = ByteBuffer.allocate(3);
        codec.decode(ByteBuffer.wrap(ok), dst);
        assertArrayEquals(new byte[] {0, 7, 9}, dst.array());
    }

    @Test
    void badLayoutBytesAreRejected() throws IOException {
        byte[] encoded = encode(new byte[] {0, 1, 0, 2});
        for (int layout : new int[] {0, 2, 9, 15, 0x20 | 3, 0x80 | 3}) {
            byte[] s = encoded.clone();
            s[2] = (byte) layout;
            assertThrows(WpkFormatException.class, () -> codec.decode(ByteBuffer.wrap(s), ByteBuffer.allocate(4)));
        }
    }

    /** A Huffman section of these byte symbols. */
    private static byte[] section(int... symbols) {
        byte[] bytes = new byte[symbols.length];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) symbols[i];
        }
        return new HuffmanCodec().encode(bytes, 0, bytes.length);
    }

    /** Assembles a stream from its parts: sections as given, sizes computed. */
    private static byte[] stream(int n, int zero, int layout, byte[] kinds, Integer runCount, byte[] positions,
            byte[] values) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(n);
        out.write(zero);
        out.write(layout);
        out.write(kinds.length);
        out.writeBytes(kinds);
        if (runCount != null) {
            out.write(runCount);
        }
        out.write(positions.length);
        out.writeBytes(positions);
        out.writeBytes(values);
        return out.toByteArray();
    }
}
