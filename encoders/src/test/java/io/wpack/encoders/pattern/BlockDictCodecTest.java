package io.wpack.encoders.pattern;

import io.wpack.encoders.ByteCodec;
import io.wpack.encoders.Codecs;
import io.wpack.formats.WpkFormatException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** blockdict with blocks of 4 and up to 256 entries, mining its own dictionary. */
class BlockDictCodecTest extends AbstractPatternCodecTest {
    private final BlockDictCodec codec = new BlockDictCodec(4, 256);

    @Override
    protected ByteCodec codec() {
        return codec;
    }

    @Override
    protected int block() {
        return 4;
    }

    @Test
    void exactBytesForTinyInputs() throws Exception {
        // n 0, columns 1, no entries; dictionary, indices and literals all empty sections.
        assertArrayEquals(new byte[] {0, 1, 0, 1, 0, 1, 0, 0}, encode(new byte[0]));
        // Three bytes: no whole block; the literals are a two-symbol section.
        byte[] three = encode(new byte[] {1, 2, 1});
        assertEquals(3, three[0]);
        assertArrayEquals(new byte[] {1, 2, 1}, decode(three, 3, false, false));
    }

    @Test
    void paramsRebuildTheCodec() throws Exception {
        BlockDictCodec c = new BlockDictCodec(8, 4096);
        assertEquals(Map.of("block", "8", "entries", "4096"), c.params());
        BlockDictCodec back = BlockDictCodec.fromParams(c.params());
        assertEquals(8, back.block());
        assertEquals(4096, back.entries());
        for (Map<String, String> bad : List.<Map<String, String>>of(Map.of(), Map.of("block", "4"), Map.of("block", "0", "entries", "4"),
                Map.of("block", "17", "entries", "4"), Map.of("block", "4", "entries", "65536"),
                Map.of("block", "4", "entries", "0"), Map.of("block", "4", "entries", "1", "x", "y"))) {
            assertThrows(WpkFormatException.class, () -> BlockDictCodec.fromParams(bad), bad.toString());
        }
    }

    @Test
    void plantedBlocksBeatPerSymbolHuffman() throws Exception {
        byte[] data = PatternTestData.plantedBlocks(400_000, 4, 200, 30);
        byte[] encoded = encode(data);
        int huffman = Codecs.HUFFMAN.encode(data, 0, data.length).length;
        assertTrue(encoded.length < 0.6 * huffman, "blockdict " + encoded.length + ", huffman " + huffman);
        long estimate = codec.estimateSize(data, 0, data.length);
        assertTrue(Math.abs(estimate - encoded.length) <= 16 + encoded.length / 200,
                "estimate " + estimate + " for " + encoded.length);
        assertRoundTrip(data);
    }

    @Test
    void aGivenDictionaryIsUsed() throws Exception {
        byte[] data = PatternTestData.plantedBlocks(10_000, 4, 3, 31);
        byte[] dictionary = {data[0], data[1], data[2], data[3], 9, 9, 9, 9, data[0], data[1], data[2], data[3]};
        byte[] encoded = codec.withDictionary(dictionary).encode(data, 0, data.length);
        assertEquals(3, header(encoded)[2], "entry count");
        assertArrayEquals(data, decode(encoded, data.length, false, false));
        assertThrows(IllegalArgumentException.class, () -> codec.withDictionary(new byte[5]));
    }

    @Test
    void dictionaryLargerThanTheParameterIsRejected() throws Exception {
        byte[] data = PatternTestData.plantedBlocks(20_000, 4, 100, 32);
        byte[] encoded = new BlockDictCodec(4, 1000).encode(data, 0, data.length);
        assertTrue(header(encoded)[2] > 16, "test needs a dictionary of more than 16 entries");
        assertThrows(WpkFormatException.class,
                () -> new BlockDictCodec(4, 16).decode(ByteBuffer.wrap(encoded), ByteBuffer.allocate(data.length)));
    }

    /** n, columns and D: the three varints that start a stream. */
    private static int[] header(byte[] stream) {
        int[] fields = new int[3];
        int at = 0;
        for (int f = 0; f < 3; f++) {
            int value = 0;
            for (int shift = 0; ; shift += 7) {
                int b = stream[at++] & 0xFF;
                value |= (b & 0x7F) << shift;
                if (b < 0x80) {
                    break;
                }
            }
            fields[f] = value;
        }
        return fields;
    }
}
