package io.wpack.encoders;

import io.wpack.encoders.huffman.BitWriter;
import io.wpack.encoders.huffman.HuffmanTestStreams;
import io.wpack.formats.WpkFormatException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What is particular to huffman-rows: when it chooses several tables, its size against huffman, and its header checks. */
class RowHuffmanCodecTest {

    // ---- table choice and size

    @Test
    void blocksOfDifferentWidthsGetTablesAndBeatHuffman() throws Exception {
        Random random = new Random(11);
        double[] widths = {0.7, 2, 6, 20, 60, 3, 1.2, 35};
        int rows = 128;
        int cols = 900;
        byte[] data = new byte[rows * cols];
        for (int r = 0; r < rows; r++) {
            double width = widths[r / 16];
            for (int j = 0; j < cols; j++) {
                data[r * cols + j] = laplace(random, width);
            }
        }
        byte[] encoded = assertRoundTrip(rows, cols, data);
        int huffman = Codecs.HUFFMAN.encode(data, 0, data.length).length;
        assertTrue(encoded[0] >= 4, "tables chosen: " + encoded[0]);
        assertTrue(encoded.length < 0.95 * huffman, encoded.length + " bytes against huffman's " + huffman);
    }

    @Test
    void channelsOfDifferentWidthsInLongRowsGetTables() throws Exception {
        Random random = new Random(12);
        int rows = 24;
        int cols = 4608;
        byte[] data = new byte[rows * cols];
        for (int r = 0; r < rows; r++) {
            double width = 1 + 4 * (r % 3) * (r % 3);
            for (int j = 0; j < cols; j++) {
                data[r * cols + j] = laplace(random, width);
            }
        }
        byte[] encoded = assertRoundTrip(rows, cols, data);
        int huffman = Codecs.HUFFMAN.encode(data, 0, data.length).length;
        assertEquals(3, encoded[0], "one table per width");
        assertTrue(encoded.length < huffman, encoded.length + " bytes against huffman's " + huffman);
    }

    @Test
    void identicalDistributionsKeepOneTable() throws Exception {
        for (int[] shape : new int[][] {{64, 1024}, {4096, 16}, {1, 70_000}, {70_000, 1}, {300, 333}}) {
            Random random = new Random(shape[0]);
            byte[] data = new byte[shape[0] * shape[1]];
            for (int i = 0; i < data.length; i++) {
                data[i] = laplace(random, 9);
            }
            byte[] encoded = assertRoundTrip(shape[0], shape[1], data);
            byte[] huffman = Codecs.HUFFMAN.encode(data, 0, data.length);
            assertEquals(1, encoded[0], Arrays.toString(shape));
            assertEquals(huffman.length + 1, encoded.length, Arrays.toString(shape));
            assertArrayEquals(huffman, Arrays.copyOfRange(encoded, 1, encoded.length));
        }
    }

    @Property(tries = 40)
    void neverLargerThanHuffmanPlusOne(@ForAll @IntRange(min = 1, max = 300) int rows,
            @ForAll @IntRange(min = 1, max = 1500) int cols, @ForAll @IntRange(min = 1, max = 64) int rowsPerWidth,
            @ForAll long seed) throws Exception {
        Random random = new Random(seed);
        byte[] data = new byte[rows * cols];
        double width = 1;
        for (int r = 0; r < rows; r++) {
            if (r % rowsPerWidth == 0) {
                width = 0.3 + 50 * random.nextDouble() * random.nextDouble();
            }
            for (int j = 0; j < cols; j++) {
                data[r * cols + j] = laplace(random, width);
            }
        }
        byte[] encoded = assertRoundTrip(rows, cols, data);
        assertTrue(encoded.length <= Codecs.HUFFMAN.encode(data, 0, data.length).length + 1);
    }

    // ---- degenerate alphabets and lengths

    @Test
    void degenerateAlphabets() throws Exception {
        int[][] shapes = {{1, 1}, {1, 5000}, {5000, 1}, {40, 1000}, {3000, 7}};
        for (int[] shape : shapes) {
            int n = shape[0] * shape[1];
            byte[] one = new byte[n];
            Arrays.fill(one, (byte) -128);
            assertRoundTrip(shape[0], shape[1], one);
            byte[] all = new byte[n];
            for (int i = 0; i < n; i++) {
                all[i] = (byte) i;
            }
            assertRoundTrip(shape[0], shape[1], all);
            // Each block of rows a single symbol of its own: every table but a map is free.
            byte[] perRow = new byte[n];
            for (int r = 0; r < shape[0]; r++) {
                Arrays.fill(perRow, r * shape[1], (r + 1) * shape[1], (byte) (r / 64 % 5));
            }
            assertRoundTrip(shape[0], shape[1], perRow);
        }
    }

    @Test
    void singleSymbolBlocksAreNearlyFree() throws Exception {
        int rows = 64;
        int cols = 2048;
        byte[] data = new byte[rows * cols];
        Random random = new Random(3);
        for (int r = 0; r < rows; r++) {
            if (r % 2 == 0) {
                for (int j = 0; j < cols; j++) {
                    data[r * cols + j] = laplace(random, 4);
                }
            }
        }
        byte[] encoded = assertRoundTrip(rows, cols, data);
        assertEquals(2, encoded[0]);
        assertTrue(encoded.length < Codecs.HUFFMAN.encode(data, 0, data.length).length * 0.8);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void veryLongChunks() throws Exception {
        Random random = new Random(4);
        int rows = 2048;
        int cols = 4096;
        byte[] data = new byte[rows * cols];
        for (int r = 0; r < rows; r++) {
            double width = 0.5 + (r * 37 % 101) / 4.0;
            for (int j = 0; j < cols; j++) {
                data[r * cols + j] = laplace(random, width);
            }
        }
        byte[] encoded = assertRoundTrip(rows, cols, data);
        assertTrue(encoded[0] > 1);
        assertTrue(encoded.length < Codecs.HUFFMAN.encode(data, 0, data.length).length);
        byte[] column = Arrays.copyOf(data, 3_000_000);
        assertRoundTrip(column.length, 1, column);
        assertRoundTrip(1, column.length, column);
    }

    @Test
    void encoderRejectsOtherLengths() {
        RowHuffmanCodec codec = new RowHuffmanCodec(3, 4);
        assertThrows(IllegalArgumentException.class, () -> codec.encode(new byte[11], 0, 11));
        assertThrows(IllegalArgumentException.class, () -> codec.encode(new byte[13], 0, 13));
        assertThrows(IllegalArgumentException.class, () -> codec.encode(new byte[0], 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new RowHuffmanCodec(0, 4));
        assertThrows(IllegalArgumentException.class, () -> new RowHuffmanCodec(65536, 65536));
    }

    @Test
    void registeredByName() throws Exception {
        RowHuffmanCodec codec = new RowHuffmanCodec(7, 9);
        assertEquals("{rows=7, cols=9, width=1}", codec.params().toString());
        assertEquals(codec.params(), Codecs.create(RowHuffmanCodec.NAME, codec.params()).params());
    }

    // ---- untrusted streams

    /** Two rows of 1024: blocks of one row, so hand-built streams can use two tables. */
    private static final RowHuffmanCodec TWO_ROWS = new RowHuffmanCodec(2, 1024);

    @Test
    void handBuiltTwoTableStreamDecodes() throws Exception {
        byte[] rowA = new byte[1024];
        byte[] rowB = new byte[1024];
        for (int i = 0; i < 1024; i++) {
            rowA[i] = (byte) (i % 2);
            rowB[i] = (byte) (2 + i % 4);
        }
        byte[] stream = twoTables(1, map(0, 1), section(new int[] {1, 1}, rowA),
                section(new int[] {0, 0, 2, 2, 2, 2}, rowB));
        byte[] expected = new byte[2048];
        System.arraycopy(rowA, 0, expected, 0, 1024);
        System.arraycopy(rowB, 0, expected, 1024, 1024);
        assertArrayEquals(expected, decode(TWO_ROWS, stream, 2048));
        // The same sections with the blocks swapped in the map.
        byte[] swapped = twoTables(1, map(1, 0), section(new int[] {1, 1}, rowA),
                section(new int[] {0, 0, 2, 2, 2, 2}, rowB));
        byte[] expectedSwapped = new byte[2048];
        System.arraycopy(rowB, 0, expectedSwapped, 0, 1024);
        System.arraycopy(rowA, 0, expectedSwapped, 1024, 1024);
        assertArrayEquals(expectedSwapped, decode(TWO_ROWS, swapped, 2048));
    }

    @Test
    void invalidTablesAreRejected() {
        byte[] tail = {0x55, 0x55};
        for (int[] lengths : new int[][] {{1, 1, 1}, {1, 2}, {2, 2, 2}, {1, 2, 3, 3, 3}}) {
            byte[] one = concat(new byte[] {1}, HuffmanTestStreams.table(lengths), tail);
            assertRejected(TWO_ROWS, one, "one table with lengths " + Arrays.toString(lengths));
            byte[] rowA = new byte[1024];
            byte[] two = twoTables(1, map(0, 1), concat(HuffmanTestStreams.table(lengths), tail),
                    section(new int[] {1, 1}, rowA));
            assertRejected(TWO_ROWS, two, "first of two tables with lengths " + Arrays.toString(lengths));
            byte[] badMap = twoTables(1, concat(HuffmanTestStreams.table(lengths), tail),
                    section(new int[] {1, 1}, rowA), section(new int[] {1, 1}, rowA));
            assertRejected(TWO_ROWS, badMap, "map with lengths " + Arrays.toString(lengths));
        }
    }

    @Test
    void invalidHeadersAreRejected() {
        byte[] row = new byte[1024];
        byte[] a = section(new int[] {1, 1}, row);
        byte[] valid = twoTables(1, map(0, 1), a, a);
        assertArrayEquals(new byte[2048], assertDecodes(valid));
        assertRejected(TWO_ROWS, concat(new byte[] {0}, Arrays.copyOfRange(valid, 1, valid.length)), "no tables");
        assertRejected(TWO_ROWS, concat(new byte[] {17}, Arrays.copyOfRange(valid, 1, valid.length)), "17 tables");
        assertRejected(TWO_ROWS, concat(new byte[] {3}, Arrays.copyOfRange(valid, 1, valid.length)), "3 tables");
        assertRejected(TWO_ROWS, twoTables(0, map(0, 1), a, a), "blocks of 0 rows");
        assertRejected(TWO_ROWS, twoTables(2, map(0), a, a), "one block of 2 rows for two tables");
        assertRejected(TWO_ROWS, twoTables(3, map(0), a, a), "blocks of more rows than there are");
        assertRejected(TWO_ROWS, twoTables(1, map(0, 0), a, a), "table 1 unused");
        assertRejected(TWO_ROWS, twoTables(1, map(0, 2), a, a), "table 2 of 2");
        assertRejected(TWO_ROWS, twoTables(1, map(0, 1), a), "a section missing");
        assertRejected(TWO_ROWS, twoTables(1, map(0, 1), a, a, a), "a section too many");
        assertRejected(TWO_ROWS, new byte[0], "empty stream");
        assertRejected(TWO_ROWS, new byte[] {2}, "only a table count");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void damagedMultiTableStreamsDecodeOrAreRejected() throws Exception {
        Random random = new Random(5);
        int rows = 48;
        int cols = 100;
        byte[] data = new byte[rows * cols];
        for (int r = 0; r < rows; r++) {
            double width = r < 16 ? 0.6 : r < 32 ? 30 : 4;
            for (int j = 0; j < cols; j++) {
                data[r * cols + j] = laplace(random, width);
            }
        }
        RowHuffmanCodec codec = new RowHuffmanCodec(rows, cols);
        byte[] encoded = codec.encode(data, 0, data.length);
        assertTrue(encoded[0] > 1, "the damaged stream has several tables");
        for (int position : CorruptionSampling.positions(encoded.length, 600)) {
            for (int value : CorruptionSampling.replacements(encoded[position], encoded.length, 60, random)) {
                byte[] changed = encoded.clone();
                changed[position] = (byte) value;
                decodesOrRejects(codec, changed, data.length, "byte " + position + " set to " + value);
            }
        }
        for (int length = 0; length < encoded.length; length++) {
            assertFalse(decodesOrRejects(codec, Arrays.copyOf(encoded, length), data.length, "first " + length),
                    "first " + length + " bytes decoded");
        }
        for (int extra : new int[] {1, 2, 9}) {
            assertFalse(decodesOrRejects(codec, Arrays.copyOf(encoded, encoded.length + extra), data.length,
                    extra + " zero bytes appended"));
        }
    }

    // ---- helpers

    private static byte laplace(Random random, double width) {
        double u = random.nextDouble() - 0.5;
        double v = -width * Math.signum(u) * Math.log(1 - 2 * Math.abs(u));
        return (byte) Math.max(-127, Math.min(127, Math.round(v)));
    }

    private static byte[] assertRoundTrip(int rows, int cols, byte[] data) throws Exception {
        RowHuffmanCodec codec = new RowHuffmanCodec(rows, cols);
        byte[] encoded = codec.encode(data, 0, data.length);
        assertArrayEquals(encoded, codec.encode(data.clone(), 0, data.length), "deterministic");
        assertArrayEquals(data, decode(codec, encoded, data.length), () -> codec + " round trip");
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length);
        ByteBuffer directSrc = ByteBuffer.allocateDirect(encoded.length);
        directSrc.put(encoded).flip();
        codec.decode(directSrc, direct);
        assertEquals(data.length, direct.position());
        byte[] viaDirect = new byte[data.length];
        direct.flip();
        direct.get(viaDirect);
        assertArrayEquals(data, viaDirect, () -> codec + " round trip through direct buffers");
        return encoded;
    }

    private static byte[] decode(ByteCodec codec, byte[] encoded, int size) throws WpkFormatException {
        byte[] out = new byte[size];
        ByteBuffer src = ByteBuffer.wrap(encoded);
        ByteBuffer dst = ByteBuffer.wrap(out);
        codec.decode(src, dst);
        assertEquals(encoded.length, src.position());
        assertEquals(size, dst.position());
        return out;
    }

    private static byte[] assertDecodes(byte[] stream) {
        try {
            return decode(TWO_ROWS, stream, 2048);
        } catch (WpkFormatException e) {
            throw new AssertionError("valid stream rejected: " + e.getMessage(), e);
        }
    }

    private static void assertRejected(ByteCodec codec, byte[] stream, String what) {
        assertFalse(decodesOrRejects(codec, stream, 2048, what), what + " decoded");
    }

    private static boolean decodesOrRejects(ByteCodec codec, byte[] stream, int size, String what) {
        ByteBuffer src = ByteBuffer.wrap(stream);
        ByteBuffer dst = ByteBuffer.allocate(size);
        try {
            codec.decode(src, dst);
        } catch (WpkFormatException e) {
            assertEquals(0, src.position(), what + ": failed decode moved the source");
            assertEquals(0, dst.position(), what + ": failed decode moved the destination");
            return false;
        } catch (RuntimeException | Error e) {
            throw new AssertionError(what + ": threw " + e, e);
        }
        assertEquals(size, dst.position(), what);
        return true;
    }

    private static byte[] section(int[] lengths, byte[] symbols) {
        return HuffmanTestStreams.sectionWithLengths(lengths, symbols);
    }

    /** A map section for these blocks' tables. */
    private static byte[] map(int... tables) {
        byte[] symbols = new byte[tables.length];
        for (int k = 0; k < tables.length; k++) {
            symbols[k] = (byte) tables[k];
        }
        BitWriter out = new BitWriter();
        HuffmanCodec.writeSection(symbols, 0, symbols.length, out);
        return out.toByteArray();
    }

    /** T = 2, blockRows, the map, then the sections with the size of each but the last. */
    private static byte[] twoTables(int blockRows, byte[] map, byte[]... sections) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(2);
        out.write(blockRows);
        out.write(map.length);
        out.writeBytes(map);
        for (int t = 0; t < sections.length; t++) {
            if (t < sections.length - 1) {
                writeVarint(out, sections[t].length);
            }
            out.writeBytes(sections[t]);
        }
        return out.toByteArray();
    }

    private static void writeVarint(ByteArrayOutputStream out, int value) {
        while (value >= 0x80) {
            out.write(value & 0x7F | 0x80);
            value >>>= 7;
        }
        out.write(value);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
