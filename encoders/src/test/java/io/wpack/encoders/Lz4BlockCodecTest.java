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
import org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorInputStream;
import org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorOutputStream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Lz4BlockCodecTest extends AbstractByteCodecTest {
    private final Lz4BlockCodec codec = new Lz4BlockCodec();

    @Override
    protected ByteCodec codec() {
        return codec;
    }

    // ---- exact bytes

    @Test
    void smallInputsEncodeToKnownBytes() throws IOException {
        assertArrayEquals(bytes(0x00), encode(new byte[0]));
        assertArrayEquals(bytes(0x10, 7), encode(new byte[] {7}));
        // 12 bytes or fewer can hold no match: all literals.
        assertArrayEquals(bytes(0xC0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), encode(new byte[12]));
        // One literal, a 14-byte match at offset 1 (stopped 5 bytes short of the end), 5 literals.
        assertArrayEquals(bytes(0x1A, 0, 1, 0, 0x50, 0, 0, 0, 0, 0), encode(new byte[20]));
    }

    @Test
    void decodesHandWrittenBlocks() throws WpkFormatException {
        assertArrayEquals(new byte[0], decode(bytes(0x00), 0));
        assertArrayEquals(bytes(7), decode(bytes(0x10, 7), 1));
        // "abc", then 9 bytes at offset 3 (overlapping its own output), then "xyzzy".
        assertArrayEquals(ascii("abcabcabcabcxyzzy"),
                decode(bytes(0x35, 'a', 'b', 'c', 3, 0, 0x50, 'x', 'y', 'z', 'z', 'y'), 17));
        // A match reaching the very end is accepted, as commons-compress does, and then a 0x00 token ends the block.
        assertArrayEquals(ascii("aaaaa"), decode(bytes(0x10, 'a', 1, 0, 0x00), 5));
    }

    @Test
    void decodesLengthExtensions() throws WpkFormatException {
        for (int literals : new int[] {14, 15, 16, 269, 270, 271, 524, 525, 1000}) {
            byte[] data = TestData.random(literals, literals);
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            stream.write(Math.min(literals, 15) << 4);
            writeExtension(stream, literals);
            stream.write(data, 0, data.length);
            assertArrayEquals(data, decode(stream.toByteArray(), literals), literals + " literals");
        }
        for (int match : new int[] {4, 18, 19, 20, 273, 274, 275, 1000}) {
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            stream.write(0x10 | Math.min(match - 4, 15));
            stream.write('q');
            stream.write(1);
            stream.write(0);
            writeExtension(stream, match - 4);
            stream.write(0x00);
            byte[] expected = new byte[1 + match];
            Arrays.fill(expected, (byte) 'q');
            assertArrayEquals(expected, decode(stream.toByteArray(), expected.length), match + "-byte match");
        }
    }

    @Test
    void rejectsBrokenBlocksWithReasons() {
        assertRejected(bytes(), 0, "empty");
        assertRejected(bytes(0x10), 1, "past the end of the stream");
        assertRejected(bytes(0xF0), 20, "ends inside a literal length");
        assertRejected(bytes(0x10, 'a', 0, 0, 0x00), 5, "offset 0");
        assertRejected(bytes(0x10, 'a', 2, 0, 0x00), 5, "offset 2");
        assertRejected(bytes(0x10, 'a', 1), 5, "ends inside a match offset");
        assertRejected(bytes(0x10, 'a', 1, 0), 5, "ends after a match");
        assertRejected(bytes(0x1F, 'a', 1, 0), 100, "ends inside a match length");
        assertRejected(bytes(0x11, 'a'), 1, "last sequence has a match length");
        assertRejected(bytes(0x10, 'a', 1, 0, 0x00), 4, "overflows");
        assertRejected(bytes(0x20, 'a', 'b'), 1, "overflows");
        assertRejected(bytes(0x20, 'a', 'b'), 3, "decodes to 2 bytes, expected 3");
    }

    @Test
    void longRunsOf255AreRejectedWithoutOverflow() {
        byte[] stream = new byte[1 << 20];
        Arrays.fill(stream, (byte) 0xFF);
        assertRejected(stream, 1000, "longer than");
        stream[0] = 0x1F;
        assertRejected(stream, 1000, "offset");
        stream[2] = 1;
        stream[3] = 0;
        assertRejected(stream, 1000, "longer than");
    }

    @Test
    void encoderKeepsTheReferenceEndOfBlockRules() throws IOException {
        for (int size = 0; size < 400; size++) {
            for (byte[] data : List.of(new byte[size], TestData.textLike(size, size))) {
                assertEndOfBlockRules(data);
            }
        }
        assertEndOfBlockRules(TestData.mixed(200_000, 20));
    }

    @Test
    void compressesRepetitiveData() throws IOException {
        assertTrue(encode(new byte[100_000]).length < 500);
        assertTrue(encode(TestData.textLike(100_000, 21)).length < 50_000);
    }

    // ---- agreement with commons-compress and the slow oracle

    @Test
    void commonsCompressDecodesOurStreamsAndWeDecodeTheirs() throws IOException {
        for (int seed = 0; seed < 40; seed++) {
            int size = seed * seed * 37 + seed;
            for (byte[] data : List.of(TestData.textLike(size, seed), TestData.random(size, seed), new byte[size],
                    TestData.float32Like(Math.min(size, 4000), seed), TestData.mixed(size, seed))) {
                byte[] ours = encode(data);
                assertArrayEquals(data, commonsDecode(ours), "commons-compress decoding our stream");
                // commons-compress's own encoder is slow on weights, so it only gets the smaller inputs.
                if (data.length > 0 && data.length <= 16_000) {
                    byte[] theirs = commonsEncode(data);
                    assertArrayEquals(data, decode(theirs, data.length), "decoding commons-compress's stream");
                    assertArrayEquals(data, new Lz4SlowOracle().decode(theirs));
                }
            }
        }
    }

    @Property(tries = 300)
    void generatedBlocksDecodeAlikeEverywhere(@ForAll("blocks") Block block) throws IOException {
        assertArrayEquals(block.decoded, new Lz4SlowOracle().decode(block.stream));
        assertArrayEquals(block.decoded, decode(block.stream, block.decoded.length));
        assertArrayEquals(block.decoded, commonsDecode(block.stream));
    }

    @Property(tries = 500)
    void damagedBlocksDecodeAsTheOracleSays(@ForAll("blocks") Block block,
            @ForAll @Size(min = 1, max = 3) List<@IntRange(min = 0, max = 1 << 16) Integer> positions,
            @ForAll byte mask) throws IOException {
        byte[] stream = block.stream.clone();
        for (int position : positions) {
            stream[position % stream.length] ^= mask == 0 ? 0x10 : mask;
        }
        byte[] expected = new Lz4SlowOracle().decode(stream);
        if (expected == null) {
            assertRejected(stream, block.decoded.length, "");
            return;
        }
        assertArrayEquals(expected, decode(stream, expected.length));
        assertArrayEquals(expected, commonsDecode(stream));
        if (expected.length != block.decoded.length) {
            assertRejected(stream, block.decoded.length, "");
        }
    }

    @Property(tries = 300)
    void arbitraryStreamsDecodeAsTheOracleSays(@ForAll @Size(max = 64) byte[] stream) throws WpkFormatException {
        byte[] expected = new Lz4SlowOracle().decode(stream);
        if (expected == null) {
            for (int size : new int[] {0, 1, 16, 100}) {
                assertRejected(stream, size, "");
            }
        } else {
            assertArrayEquals(expected, decode(stream, expected.length));
        }
    }

    /** A valid block built from a list of sequences, with the bytes it decodes to. */
    static final class Block {
        final byte[] stream;
        final byte[] decoded;

        Block(byte[] stream, byte[] decoded) {
            this.stream = stream;
            this.decoded = decoded;
        }

        @Override
        public String toString() {
            return stream.length + "-byte block of " + decoded.length + " bytes";
        }
    }

    /**
     * Blocks of sequences with literal and match lengths on both sides of every extension
     * boundary, offsets from 1 up to the window, and matches anywhere, including the last bytes
     * the reference rules keep for literals.
     */
    @Provide
    Arbitrary<Block> blocks() {
        Arbitrary<byte[]> literals = Arbitraries.bytes().between((byte) 0, (byte) 3).array(byte[].class).ofMaxSize(600);
        Arbitrary<int[]> sequence = Combinators.combine(
                Arbitraries.integers().between(0, 600),
                Arbitraries.integers().between(1, 65535),
                Arbitraries.integers().between(4, 1200)).as((literalLength, offset, match) -> new int[] {literalLength, offset, match});
        return Combinators.combine(sequence.list().ofMaxSize(30), literals, Arbitraries.longs())
                .as(Lz4BlockCodecTest::buildBlock);
    }

    private static Block buildBlock(List<int[]> sequences, byte[] lastLiterals, long seed) {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        byte[] out = new byte[0];
        int produced = 0;
        Random random = new Random(seed);
        for (int[] sequence : sequences) {
            int literalLength = produced == 0 ? Math.max(1, sequence[0]) : sequence[0];
            int offset = 1 + (sequence[1] - 1) % Math.min(produced + literalLength, 65535);
            int match = sequence[2];
            stream.write(Math.min(literalLength, 15) << 4 | Math.min(match - 4, 15));
            writeExtension(stream, literalLength);
            out = Arrays.copyOf(out, produced + literalLength + match);
            for (int i = 0; i < literalLength; i++) {
                out[produced] = (byte) random.nextInt(4);
                stream.write(out[produced++]);
            }
            stream.write(offset);
            stream.write(offset >>> 8);
            writeExtension(stream, match - 4);
            for (int i = 0; i < match; i++) {
                out[produced] = out[produced - offset];
                produced++;
            }
        }
        stream.write(Math.min(lastLiterals.length, 15) << 4);
        writeExtension(stream, lastLiterals.length);
        stream.write(lastLiterals, 0, lastLiterals.length);
        out = Arrays.copyOf(out, produced + lastLiterals.length);
        System.arraycopy(lastLiterals, 0, out, produced, lastLiterals.length);
        return new Block(stream.toByteArray(), out);
    }

    // ---- helpers

    private byte[] decode(byte[] stream, int size) throws WpkFormatException {
        ByteBuffer dst = ByteBuffer.allocate(size);
        codec.decode(ByteBuffer.wrap(stream), dst);
        return dst.array();
    }

    private void assertRejected(byte[] stream, int size, String reason) {
        WpkFormatException e = assertThrows(WpkFormatException.class, () -> decode(stream, size));
        assertTrue(e.getMessage().contains(reason), () -> "'" + e.getMessage() + "' does not mention '" + reason + "'");
    }

    private void assertEndOfBlockRules(byte[] data) throws IOException {
        Lz4SlowOracle oracle = new Lz4SlowOracle();
        assertArrayEquals(data, oracle.decode(encode(data)));
        if (oracle.lastMatchStart >= 0) {
            assertTrue(oracle.lastMatchStart <= data.length - 12, "last match starts within 12 bytes of the end");
            assertTrue(oracle.lastMatchEnd <= data.length - 5, "last match ends within 5 bytes of the end");
        }
    }

    private static void writeExtension(ByteArrayOutputStream stream, int length) {
        if (length < 15) {
            return;
        }
        int rest = length - 15;
        for (; rest >= 255; rest -= 255) {
            stream.write(255);
        }
        stream.write(rest);
    }

    private static byte[] commonsEncode(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (BlockLZ4CompressorOutputStream lz4 = new BlockLZ4CompressorOutputStream(out)) {
            lz4.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] commonsDecode(byte[] stream) throws IOException {
        try (BlockLZ4CompressorInputStream in = new BlockLZ4CompressorInputStream(new ByteArrayInputStream(stream))) {
            return in.readAllBytes();
        }
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
