package io.wpack.patterns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wpack.encoders.ByteCodec;
import io.wpack.encoders.ChannelContextCodec;
import io.wpack.encoders.Codecs;
import io.wpack.encoders.ModelHuffmanCodec;
import io.wpack.encoders.pattern.BlockDictCodec;
import io.wpack.encoders.pattern.MaskValuesCodec;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PatternAnalyzerTest {

    @Test
    void reportOfAChannelStructuredFilter() throws Exception {
        CodeTensor t = CodeTensors.channelStructured(256, 128, 1);
        PatternReport r = PatternAnalyzer.analyse(t.name(), t.codes(), t.shape(), t.reductionAxis());
        assertEquals(t.size(), r.elements());
        assertEquals(t.entropy(), r.h0(), 1e-12);
        assertTrue(r.sparsity() > 0.3 && r.sparsity() < 0.8, "sparsity " + r.sparsity());
        assertEquals(4, r.shapes().size(), "1x2, 1x4, 1x8, 2x2; a 1x1 filter has no kernel");
        for (PatternReport.ShapeStats s : r.shapes()) {
            assertTrue(s.coverage16() <= s.coverage256() && s.coverage256() <= s.coverage4096());
            assertTrue(s.distinctMasks() <= s.distinctValues());
        }
        assertTrue(r.picked().startsWith("maskvalues"), r.picked());
        assertTrue(r.pickedBitsPerWeight() < r.h0(), r.pickedBitsPerWeight() + " vs H0 " + r.h0());
        assertTrue(r.best("maskvalues") < r.best("huffman-nz"));

        JsonNode json = new ObjectMapper().readTree(r.toJson());
        assertEquals("channels", json.get("name").asText());
        assertEquals(4, json.get("shape").size());
        assertEquals(r.schemes().size(), json.get("schemes").size());
        assertEquals(r.picked(), json.get("picked").asText());
        assertTrue(PatternReport.tableHeader().startsWith("tensor"));
        assertTrue(r.tableRow().startsWith("channels"));
    }

    /**
     * A small tensor also gets the exact sizes of huffman-model and, given its channel axis,
     * channel-ac, which is picked as the packer picks it: at {@link ChannelContextCodec#MAX_SHARE_OF_BEST} of the best other or less.
     */
    @Test
    void smallTensorsAlsoWeighHuffmanModelAndChannelAc() {
        CodeTensor t = CodeTensors.channelStructured(32, 96, 4);
        assertTrue(t.size() <= ChannelContextCodec.MAX_CANDIDATE_BYTES);
        PatternReport withAxis = PatternAnalyzer.analyse(t, 3);
        long ac = withAxis.schemes().stream().filter(s -> s.scheme().equals(ChannelContextCodec.NAME))
                .mapToLong(PatternReport.SchemeEstimate::bytes).min().orElseThrow();
        long others = withAxis.schemes().stream().filter(s -> !s.scheme().equals(ChannelContextCodec.NAME))
                .filter(PatternReport.SchemeEstimate::codable).mapToLong(PatternReport.SchemeEstimate::bytes).min()
                .orElseThrow();
        assertTrue(withAxis.schemes().stream().anyMatch(s -> s.scheme().equals(ModelHuffmanCodec.NAME)));
        ChannelContextCodec codec = ChannelContextCodec.forTensor(t.shape(), 3, t.codes(), t.size());
        assertEquals(codec.encode(t.codes(), 0, t.size()).length, ac, "channel-ac's size is the encoded size");
        assertEquals(ac <= others * ChannelContextCodec.MAX_SHARE_OF_BEST, withAxis.picked().equals(ChannelContextCodec.NAME),
                () -> withAxis.picked() + " with channel-ac " + ac + " against " + others);
        // Channels of different density and spread are what its contexts are for.
        assertEquals(ChannelContextCodec.NAME, withAxis.picked(), () -> "channel-ac " + ac + " against " + others);

        PatternReport noAxis = PatternAnalyzer.analyse(t);
        assertTrue(noAxis.schemes().stream().noneMatch(s -> s.scheme().equals(ChannelContextCodec.NAME)));
        assertEquals(withAxis.schemes().size() - 1, noAxis.schemes().size());
    }

    @Test
    void chooseFindsChannelClassesDictionariesAndKernelPatterns() throws Exception {
        CodeTensor channels = CodeTensors.channelStructured(256, 128, 2);
        PatternChoice c = PatternAnalyzer.choose(channels);
        assertEquals(MaskValuesCodec.NAME, c.scheme());
        assertTrue(c.detail().contains("axis 3"), c.detail());
        assertRoundTrip(c, channels);

        CodeTensor planted = CodeTensors.plantedRows(512, 256, 30, 3);
        PatternChoice d = PatternAnalyzer.choose(planted);
        assertEquals(BlockDictCodec.NAME, d.scheme());
        assertTrue(d.encoded() != null && d.encoded().length == d.estimatedBytes(), "blockdict carries its stream");
        assertRoundTrip(d, planted);

        CodeTensor kernels = CodeTensors.patternPruned(64, 32, 6, 4);
        PatternChoice k = PatternAnalyzer.choose(kernels);
        assertRoundTrip(k, kernels);
        long huffmanNz = Codecs.HUFFMAN_NZ.encode(kernels.codes(), 0, kernels.size()).length;
        assertTrue(k.estimatedBytes() < 0.9 * huffmanNz, k + " vs huffman-nz " + huffmanNz);
    }

    @Test
    void tinyAndEmptyTensors() throws Exception {
        for (CodeTensor t : new CodeTensor[] {new CodeTensor("e", new byte[0], new long[] {0}, 0),
                new CodeTensor("one", new byte[] {5}, new long[] {1}, 0),
                new CodeTensor("s", new byte[] {5}, new long[0], -1),
                CodeTensors.random(new long[] {3, 5}, 1, 9, 0.5, 5)}) {
            PatternReport r = PatternAnalyzer.analyse(t);
            assertEquals(t.size(), r.elements());
            assertRoundTrip(PatternAnalyzer.choose(t), t);
        }
    }

    /** Decodes with a codec rebuilt from the choice's name and parameters, as a reader would. */
    static void assertRoundTrip(PatternChoice choice, CodeTensor t) throws Exception {
        ByteCodec codec = choice.codec();
        byte[] encoded = codec.encode(t.codes(), 0, t.size());
        assertTrue(encoded.length <= choice.estimatedBytes() + 16 + choice.estimatedBytes() / 50,
                choice + ": encoded " + encoded.length);
        ByteCodec reader = switch (codec.name()) {
            case BlockDictCodec.NAME -> BlockDictCodec.fromParams(codec.params());
            case MaskValuesCodec.NAME -> MaskValuesCodec.fromParams(codec.params());
            default -> Codecs.create(codec.name(), codec.params());
        };
        byte[] back = new byte[t.size()];
        reader.decode(ByteBuffer.wrap(encoded), ByteBuffer.wrap(back));
        assertArrayEquals(t.codes(), back);
    }
}
