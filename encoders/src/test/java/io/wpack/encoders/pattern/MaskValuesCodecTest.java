package io.wpack.encoders.pattern;

import io.wpack.encoders.ByteCodec;
import io.wpack.encoders.Codecs;
import io.wpack.formats.WpkFormatException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** maskvalues with the default block of 8, the chunk as it is. */
class MaskValuesCodecTest extends AbstractPatternCodecTest {
    private final MaskValuesCodec codec = new MaskValuesCodec(8);

    @Override
    protected ByteCodec codec() {
        return codec;
    }

    @Override
    protected int block() {
        return 8;
    }

    @Test
    void exactBytesForTinyInputs() throws Exception {
        // n 0, zero 00, mode 0 (whole bytes: on a tie the first mode), columns 1, segment 1, one
        // class; masks: the empty section (size 1, table 00); values: the same.
        assertArrayEquals(new byte[] {0, 0, 0, 1, 1, 1, 1, 0, 1, 0}, encode(new byte[0]));
        // Three zeros: one block, mask 0 alone (w = 1, count = 1 -> 0x21 0x00, then n = 1).
        assertArrayEquals(new byte[] {3, 0, 0, 1, 3, 1, 3, 0x21, 0x00, 0x01, 1, 0}, encode(new byte[3]));
        // -1, 0, 5: whichever value mode is smallest, it decodes.
        byte[] three = encode(new byte[] {-1, 0, 5});
        assertArrayEquals(new byte[] {-1, 0, 5}, decode(three, 3, false, false));
    }

    @Test
    void paramsRebuildTheCodec() throws Exception {
        for (int b = 1; b <= 16; b++) {
            MaskValuesCodec c = new MaskValuesCodec(b);
            assertEquals(Map.of("block", Integer.toString(b)), c.params());
            assertEquals(b, MaskValuesCodec.fromParams(c.params()).block());
        }
        for (Map<String, String> bad : List.<Map<String, String>>of(Map.of(), Map.of("block", "0"), Map.of("block", "17"),
                Map.of("block", "08"), Map.of("block", "x"), Map.of("block", "8", "entries", "4"))) {
            assertThrows(WpkFormatException.class, () -> MaskValuesCodec.fromParams(bad), bad.toString());
        }
    }

    @Test
    void segmentClassesFollowChannelsOfDifferentSparsity() throws Exception {
        int rows = 512;
        int channels = 128;
        byte[] data = PatternTestData.channelStructured(rows, channels, 20);
        int flat = encode(data).length;
        MaskValuesCodec byChannel = codec.withLayout(channels, rows, 16);
        byte[] encoded = byChannel.encode(data, 0, data.length);
        assertArrayEquals(data, decode(encoded, data.length, false, false));
        int huffmanNz = Codecs.HUFFMAN_NZ.encode(data, 0, data.length).length;
        assertTrue(encoded.length < 0.96 * Math.min(flat, huffmanNz),
                "by channel " + encoded.length + ", flat " + flat + ", huffman-nz " + huffmanNz);
        long estimate = byChannel.estimateSize(data, 0, data.length);
        assertTrue(Math.abs(estimate - encoded.length) <= 16 + encoded.length / 200,
                "estimate " + estimate + " for " + encoded.length);
    }

    @Test
    void kernelPatternsCostLittle() throws Exception {
        byte[] data = PatternTestData.patternPruned(20_000, 8, 21);
        MaskValuesCodec kernels = new MaskValuesCodec(9);
        byte[] encoded = kernels.encode(data, 0, data.length);
        int huffmanNz = Codecs.HUFFMAN_NZ.encode(data, 0, data.length).length;
        assertTrue(encoded.length < 0.9 * huffmanNz, "maskvalues " + encoded.length + ", huffman-nz " + huffmanNz);
        MaskValuesCodec decoder = MaskValuesCodec.fromParams(kernels.params());
        byte[] back = new byte[data.length];
        decoder.decode(java.nio.ByteBuffer.wrap(encoded), java.nio.ByteBuffer.wrap(back));
        assertArrayEquals(data, back);
    }
}
