package io.wpack.packer.tfjs;

import io.wpack.formats.WpkFormatException;
import io.wpack.packer.json.JsonWriter;
import io.wpack.packer.model.ImportedTensor;
import io.wpack.quantizer.ChannelAxes;
import io.wpack.quantizer.LayerAxes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code layer.*} tensor metadata, on small model.json snippets. */
class TfjsLayerMetadataTest {
    @TempDir
    Path tmp;

    private final List<Map<String, Object>> weights = new ArrayList<>();
    private final List<Map<String, Object>> nodes = new ArrayList<>();
    private long shardBytes;

    private TfjsLayerMetadataTest weight(String name, long... shape) {
        long count = 1;
        List<Long> dims = new ArrayList<>();
        for (long d : shape) {
            dims.add(d);
            count *= d;
        }
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("name", name);
        w.put("shape", dims);
        w.put("dtype", "float32");
        weights.add(w);
        shardBytes += 4 * count;
        return this;
    }

    private TfjsLayerMetadataTest node(String name, String op, List<String> inputs, Map<String, Object> attr) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("name", name);
        n.put("op", op);
        n.put("input", inputs);
        if (attr != null) {
            n.put("attr", attr);
        }
        nodes.add(n);
        return this;
    }

    private static Map<String, Object> nhwc() {
        return Map.of("data_format", Map.of("s", Base64.getEncoder().encodeToString("NHWC".getBytes(StandardCharsets.UTF_8))),
                "T", Map.of("type", "DT_FLOAT"));
    }

    private Path write(Object topology) throws IOException {
        Files.write(tmp.resolve("w.bin"), new byte[(int) shardBytes]);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", "graph-model");
        if (topology != null) {
            root.put("modelTopology", topology);
        }
        root.put("weightsManifest", List.of(Map.of("paths", List.of("w.bin"), "weights", weights)));
        Path p = tmp.resolve("model.json");
        Files.writeString(p, JsonWriter.writePretty(root));
        return p;
    }

    private Map<String, Map<String, String>> importModel() throws IOException {
        return importModel(Map.of("node", nodes, "versions", Map.of("producer", 1L)));
    }

    private Map<String, Map<String, String>> importModel(Object topology) throws IOException {
        Map<String, Map<String, String>> byName = new LinkedHashMap<>();
        for (ImportedTensor t : new TfjsImporter().importModel(write(topology)).tensors()) {
            byName.put(t.name(), t.metadata());
        }
        return byName;
    }

    private static Map<String, String> meta(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    /** Map.equals ignores order; the keys' order is part of the contract. */
    private static void assertMetadata(Map<String, String> expected, Map<String, String> actual) {
        assertEquals(expected, actual);
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()));
    }

    @Test
    void convolutionFiltersAndBiases() throws IOException {
        weight("conv/filter", 3, 3, 2, 4).weight("fused/filter", 1, 1, 4, 8).weight("fused/bias", 8)
                .weight("dw/filter", 3, 3, 8, 1).weight("up/sizes", 4).weight("up/filter", 4, 4, 2, 8)
                .weight("conv3d/filter", 2, 3, 3, 8, 16);
        node("image", "Placeholder", List.of(), null);
        node("conv", "Conv2D", List.of("image", "conv/filter"), nhwc());
        node("fused", "_FusedConv2D", List.of("conv", "fused/filter:0", "fused/bias"), nhwc());
        node("dw", "FusedDepthwiseConv2dNative", List.of("fused", "dw/filter"), nhwc());
        node("up", "Conv2DBackpropInput", List.of("up/sizes", "up/filter", "dw"), nhwc());
        node("vol", "Conv3D", List.of("video", "conv3d/filter"), null);
        Map<String, Map<String, String>> m = importModel();
        assertMetadata(meta("layer.op", "Conv2D", "layer.input_index", "1", "layer.data_format", "NHWC",
                "layer.channel_axis", "3", "layer.reduction_axis", "2", "layer.next_weights", "fused/filter",
                "layer.next_input_axis", "2", "layer.removable", "true"), m.get("conv/filter"));
        assertMetadata(meta("layer.op", "_FusedConv2D", "layer.input_index", "1", "layer.data_format", "NHWC",
                "layer.channel_axis", "3", "layer.reduction_axis", "2", "layer.next_weights", "dw/filter",
                "layer.next_input_axis", "2", "layer.next_depthwise", "true"), m.get("fused/filter"));
        assertMetadata(meta("layer.op", "_FusedConv2D", "layer.input_index", "2", "layer.data_format", "NHWC"),
                m.get("fused/bias"));
        assertMetadata(meta("layer.op", "FusedDepthwiseConv2dNative", "layer.input_index", "1",
                "layer.data_format", "NHWC", "layer.channel_axis", "2", "layer.reduction_axis", "-1"), m.get("dw/filter"));
        assertMetadata(meta("layer.op", "Conv2DBackpropInput", "layer.input_index", "0", "layer.data_format", "NHWC"),
                m.get("up/sizes"));
        assertMetadata(meta("layer.op", "Conv2DBackpropInput", "layer.input_index", "1", "layer.data_format", "NHWC",
                "layer.channel_axis", "2", "layer.reduction_axis", "3"), m.get("up/filter"));
        assertMetadata(meta("layer.op", "Conv3D", "layer.input_index", "1",
                "layer.channel_axis", "4", "layer.reduction_axis", "3"), m.get("conv3d/filter"));
    }

    @Test
    void matMulFollowsTransposeB() throws IOException {
        weight("dense/kernel", 6, 10).weight("head/kernel", 3, 10).weight("head/bias", 3).weight("rank3", 2, 6, 10);
        node("dense", "MatMul", List.of("x", "dense/kernel"), Map.of("transpose_a", Map.of("b", false)));
        node("head", "_FusedMatMul", List.of("dense", "head/kernel", "head/bias"),
                Map.of("transpose_b", Map.of("b", true), "transpose_a", Map.of()));
        node("odd", "MatMul", List.of("x", "rank3"), null);
        Map<String, Map<String, String>> m = importModel();
        assertMetadata(meta("layer.op", "MatMul", "layer.input_index", "1", "layer.transpose_a", "false",
                "layer.transpose_b", "false", "layer.channel_axis", "1", "layer.reduction_axis", "0",
                "layer.next_weights", "head/kernel", "layer.next_input_axis", "1", "layer.removable", "true"),
                m.get("dense/kernel"));
        assertMetadata(meta("layer.op", "_FusedMatMul", "layer.input_index", "1", "layer.transpose_a", "false",
                "layer.transpose_b", "true", "layer.channel_axis", "0", "layer.reduction_axis", "1"),
                m.get("head/kernel"));
        assertMetadata(meta("layer.op", "_FusedMatMul", "layer.input_index", "2", "layer.transpose_a", "false",
                "layer.transpose_b", "true"), m.get("head/bias"));
        assertMetadata(meta("layer.op", "MatMul", "layer.input_index", "1", "layer.transpose_a", "false",
                "layer.transpose_b", "false"), m.get("rank3"));
    }

    @Test
    void inputNamesControlInputsAndPassThroughs() throws IOException {
        weight("a", 3, 3, 2, 4).weight("b", 3, 3, 2, 4).weight("c", 3, 3, 2, 4).weight("d", 3, 3, 2, 4);
        // "^a" is a control dependency and "a:1" another output: neither uses the weight a.
        node("noop", "NoOp", List.of("^a", "a:1"), null);
        node("a_read", "Identity", List.of("a"), null);
        node("conv_a", "Conv2D", List.of("x", "a_read:0"), null);
        node("b_half", "Cast", List.of("b:0"), null);
        node("conv_b", "DepthwiseConv2dNative", List.of("x", "b_half"), null);
        node("c1", "Identity", List.of("c"), null);
        node("c2", "Identity", List.of("c1"), null);
        node("conv_c", "Conv2D", List.of("x", "c2"), null);
        node("d_out", "Identity", List.of("d"), null);
        Map<String, Map<String, String>> m = importModel();
        assertMetadata(meta("layer.op", "Conv2D", "layer.input_index", "1",
                "layer.channel_axis", "3", "layer.reduction_axis", "2"), m.get("a"));
        assertMetadata(meta("layer.op", "DepthwiseConv2dNative", "layer.input_index", "1",
                "layer.channel_axis", "2", "layer.reduction_axis", "-1"), m.get("b"));
        // One hop only; and a pass-through that nothing reads is the consumer itself.
        assertMetadata(meta("layer.op", "Identity", "layer.input_index", "0"), m.get("c"));
        assertMetadata(meta("layer.op", "Identity", "layer.input_index", "0"), m.get("d"));
    }

    @Test
    void disagreeingConsumersAreCountedAndTheFirstWins() throws IOException {
        weight("shared", 1, 1, 4, 4).weight("tied", 1, 1, 4, 4).weight("unused", 2);
        node("scale", "Mul", List.of("x", "shared"), null);
        node("conv", "Conv2D", List.of("scale", "shared"), nhwc());
        node("conv1", "Conv2D", List.of("x", "tied"), nhwc());
        node("conv2", "Conv2D", List.of("conv1", "tied"), nhwc());
        Map<String, Map<String, String>> m = importModel();
        assertMetadata(meta("layer.op", "Mul", "layer.input_index", "1", "layer.consumers", "2"), m.get("shared"));
        // A filter used by two layers in a row reads its own output channels.
        assertMetadata(meta("layer.op", "Conv2D", "layer.input_index", "1", "layer.data_format", "NHWC",
                "layer.channel_axis", "3", "layer.reduction_axis", "2", "layer.next_weights", "tied",
                "layer.next_input_axis", "2"), m.get("tied"));
        assertMetadata(meta(), m.get("unused"));
    }

    private static Map<String, Object> fusedOps(String... ops) {
        List<String> encoded = new ArrayList<>();
        for (String op : ops) {
            encoded.add(Base64.getEncoder().encodeToString(op.getBytes(StandardCharsets.UTF_8)));
        }
        return Map.of("fused_ops", Map.of("list", Map.of("s", encoded)), "num_args", Map.of("i", "1"));
    }

    /** A snippet in the shape the converter writes: Const nodes for weights, fused convolutions, a Keras head. */
    @Test
    void nextLayersThroughChannelPreservingOps() throws IOException {
        weight("stem/w", 3, 3, 3, 8).weight("stem/b", 8).weight("bn/scale", 8).weight("bn/offset", 8)
                .weight("dw/w", 3, 3, 8, 1).weight("pw/w", 1, 1, 8, 16).weight("alpha", 16)
                .weight("fc/w", 16, 10).weight("side/w", 1, 1, 8, 4).weight("cat/w", 1, 1, 12, 4);
        node("image", "Placeholder", List.of(), null);
        for (String w : List.of("stem/w", "stem/b", "bn/scale", "bn/offset", "dw/w", "pw/w", "alpha", "fc/w",
                "side/w", "cat/w")) {
            node(w, "Const", List.of(), null);
        }
        node("stem", "_FusedConv2D", List.of("image", "stem/w", "stem/b"), fusedOps("BiasAdd", "Relu"));
        node("bn", "FusedBatchNormV3", List.of("stem", "bn/scale", "bn/offset", "bn/scale", "bn/offset"), null);
        node("act", "Relu6", List.of("bn:0"), null);
        node("dw/w/read", "Identity", List.of("dw/w"), null);
        node("dw", "FusedDepthwiseConv2dNative", List.of("act", "dw/w/read", "^stem"), fusedOps("BiasAdd"));
        node("side", "Conv2D", List.of("stem", "side/w"), null);
        node("pw", "_FusedConv2D", List.of("dw", "pw/w"), fusedOps("BiasAdd"));
        node("prelu", "Prelu", List.of("pw", "alpha"), null);
        node("pool", "AvgPool", List.of("prelu"), null);
        node("fc", "MatMul", List.of("pool", "fc/w"), null);
        // Channels of side land at 8..11 of the concatenation: nothing is recorded.
        node("cat", "ConcatV2", List.of("dw", "side", "axis"), null);
        node("mix", "Conv2D", List.of("cat", "cat/w"), null);
        Map<String, Map<String, String>> m = importModel();
        assertMetadata(meta("layer.op", "_FusedConv2D", "layer.input_index", "1", "layer.channel_axis", "3",
                "layer.reduction_axis", "2", "layer.next_weights", "dw/w,side/w", "layer.next_input_axis", "2,2",
                "layer.next_depthwise", "true,false"), m.get("stem/w"));
        assertMetadata(meta("layer.op", "FusedDepthwiseConv2dNative", "layer.input_index", "1",
                "layer.channel_axis", "2", "layer.reduction_axis", "-1", "layer.next_weights", "pw/w",
                "layer.next_input_axis", "2"), m.get("dw/w"));
        assertMetadata(meta("layer.op", "_FusedConv2D", "layer.input_index", "1", "layer.channel_axis", "3",
                "layer.reduction_axis", "2", "layer.next_weights", "fc/w", "layer.next_input_axis", "0",
                "layer.removable", "true", "layer.channel_params", "alpha:0"), m.get("pw/w"));
        assertMetadata(meta("layer.op", "Conv2D", "layer.input_index", "1", "layer.channel_axis", "3",
                "layer.reduction_axis", "2"), m.get("side/w"));
        // Biases, batch-norm parameters and the last layer get none.
        assertMetadata(meta("layer.op", "_FusedConv2D", "layer.input_index", "2"), m.get("stem/b"));
        assertMetadata(meta("layer.op", "MatMul", "layer.input_index", "1", "layer.transpose_a", "false",
                "layer.transpose_b", "false", "layer.channel_axis", "1", "layer.reduction_axis", "0"), m.get("fc/w"));
    }

    @Test
    void removableOnlyWhenEveryReaderOfTheChannelsIsKnown() throws IOException {
        weight("a/w", 1, 1, 3, 8).weight("a/b", 8).weight("gain", 1, 1, 1, 8).weight("b/w", 1, 1, 8, 8)
                .weight("c/w", 1, 1, 8, 8).weight("d/w", 1, 1, 8, 8).weight("full", 4, 4, 8).weight("e/w", 1, 1, 8, 8);
        for (String w : List.of("a/w", "a/b", "gain", "b/w", "c/w", "d/w", "full", "e/w")) {
            node(w, "Const", List.of(), null);
        }
        // a: fused bias, then a per-channel Mul, into b: removable, the bias and gain lose the channels too.
        node("a", "_FusedConv2D", List.of("x", "a/w", "a/b"), fusedOps("BiasAdd"));
        node("a1", "Mul", List.of("a", "gain"), null);
        node("b", "Conv2D", List.of("a1", "b/w"), null);
        // b's output joins a residual branch: not removable.
        node("r", "AddV2", List.of("b", "x"), null);
        node("c", "Conv2D", List.of("r", "c/w"), null);
        // c's output is also read by nothing else but an op that adds a full-shape weight: not removable.
        node("c1", "AddV2", List.of("c", "full"), null);
        node("d", "Conv2D", List.of("c1", "d/w"), null);
        // d's output is a graph output (nothing reads it) besides feeding e: not removable.
        node("d1", "Relu", List.of("d"), null);
        node("e", "Conv2D", List.of("d", "e/w"), null);
        Map<String, Map<String, String>> m = importModel();
        assertEquals("true", m.get("a/w").get("layer.removable"));
        assertEquals("a/b:0,gain:3", m.get("a/w").get("layer.channel_params"));
        for (String closedOff : List.of("b/w", "c/w", "d/w")) {
            assertEquals(null, m.get(closedOff).get("layer.removable"), closedOff);
        }
    }

    @Test
    void nextLayerNeedsItsDataInputAndAWeight() throws IOException {
        weight("a", 1, 1, 4, 4).weight("b", 1, 1, 4, 4).weight("mult2", 3, 3, 4, 2).weight("c", 1, 1, 8, 2)
                .weight("head", 4, 4).weight("headT", 4, 4).weight("tail", 4, 4);
        node("a", "Const", List.of(), null);
        node("live", "Placeholder", List.of(), null);
        node("conv_a", "Conv2D", List.of("x", "a"), null);
        node("add", "AddV2", List.of("bias", "conv_a"), null);     // reached on its second input
        node("conv_b", "Conv2D", List.of("add", "b"), null);
        node("conv_live", "Conv2D", List.of("conv_b", "live"), null);  // a filter computed at run time
        node("conv_a2", "Conv2D", List.of("conv_b", "a"), null);
        node("dw", "DepthwiseConv2dNative", List.of("x", "mult2"), null);  // output channel c*2+m
        node("after_dw", "Conv2D", List.of("dw", "c"), null);
        node("m1", "MatMul", List.of("x", "head"), null);
        node("m2", "MatMul", List.of("m1", "headT"), Map.of("transpose_b", Map.of("b", true)));
        node("m3", "MatMul", List.of("m2", "tail"), Map.of("transpose_a", Map.of("b", true)));
        Map<String, Map<String, String>> m = importModel();
        assertEquals(null, m.get("a").get("layer.next_weights"));
        assertEquals("a", m.get("b").get("layer.next_weights"));
        assertEquals(null, m.get("mult2").get("layer.next_weights"));
        assertEquals("headT", m.get("head").get("layer.next_weights"));
        assertEquals("1", m.get("head").get("layer.next_input_axis"));
        assertEquals(null, m.get("headT").get("layer.next_weights"));
    }

    @Test
    void layerKeysComeAfterTheQuantizationKey() throws IOException {
        Files.write(tmp.resolve("w.bin"), new byte[2 * 2 * 3 * 5]);
        String json = "{\"modelTopology\": {\"node\": [{\"name\": \"c\", \"op\": \"Conv2D\", \"input\": [\"x\", \"k\"]}]},"
                + " \"weightsManifest\": [{\"paths\": [\"w.bin\"], \"weights\": [{\"name\": \"k\", \"shape\": [2, 2, 3, 5],"
                + " \"dtype\": \"float32\", \"quantization\": {\"dtype\": \"uint8\", \"min\": -1.0, \"scale\": 0.01}}]}]}";
        Path p = tmp.resolve("q.json");
        Files.writeString(p, json);
        assertMetadata(meta("tfjs.quantization", "uint8", "layer.op", "Conv2D", "layer.input_index", "1",
                "layer.channel_axis", "3", "layer.reduction_axis", "2"),
                new TfjsImporter().importModel(p).tensors().get(0).metadata());
    }

    @Test
    void modelsWithoutANodeListGetNoLayerKeys() throws IOException {
        weight("dense/kernel", 4, 2);
        assertMetadata(meta(), importModel(null).get("dense/kernel"));
        // A layers model's topology is a Keras config.
        Map<String, Object> keras = Map.of("class_name", "Sequential", "config", Map.of("layers", List.of()));
        assertMetadata(meta(), importModel(keras).get("dense/kernel"));
    }

    @Test
    void malformedTopologyIsAFormatError() throws IOException {
        weight("k", 1, 1, 2, 2);
        String notAList = error(Map.of("node", Map.of()));
        assertTrue(notAList.contains("modelTopology.node must be a JSON array"), notAList);
        String noOp = error(Map.of("node", List.of(Map.of("name", "n", "input", List.of("k")))));
        assertTrue(noOp.contains("node[0] (\"n\") has no \"op\""), noOp);
        String badInput = error(Map.of("node", List.of(Map.of("name", "n", "op", "Conv2D", "input", List.of(7L)))));
        assertTrue(badInput.contains("input[0] must be a JSON string"), badInput);
        String badFormat = error(Map.of("node", List.of(Map.of("name", "n", "op", "Conv2D", "input", List.of("x", "k"),
                "attr", Map.of("data_format", Map.of("s", "N*HWC"))))));
        assertTrue(badFormat.contains("attr.data_format.s is not base64"), badFormat);
        String badBool = error(Map.of("node", List.of(Map.of("name", "n", "op", "MatMul", "input", List.of("x", "k"),
                "attr", Map.of("transpose_b", Map.of("b", "yes"))))));
        assertTrue(badBool.contains("node[0] (\"n\") attr.transpose_b.b must be true or false"), badBool);
    }

    private String error(Object topology) throws IOException {
        Path p = write(topology);
        return assertThrows(WpkFormatException.class, () -> new TfjsImporter().importModel(p)).getMessage();
    }

    @Test
    void controlAndOtherOutputNamesAreNotTheWeight() {
        assertEquals("w", TfjsLayerMetadata.producer("w"));
        assertEquals("w", TfjsLayerMetadata.producer("w:0"));
        assertEquals(null, TfjsLayerMetadata.producer("w:1"));
        assertEquals(null, TfjsLayerMetadata.producer("^w"));
        assertEquals("scope/w", TfjsLayerMetadata.producer("scope/w"));
        assertEquals("odd:name", TfjsLayerMetadata.producer("odd:name"));
    }

    /**
     * The quantizer's fallback rules ({@link ChannelAxes}) give the same channel axis for
     * what is recorded here. The reduction axis agrees too except for depthwise filters,
     * where this importer records -1 (no input-channel sum) and ChannelAxes uses the
     * kernel width (1).
     */
    @Test
    void agreesWithTheQuantizersRules() throws IOException {
        weight("conv", 3, 3, 2, 4).weight("dw", 3, 3, 4, 2).weight("up", 4, 4, 2, 8)
                .weight("dense", 6, 10).weight("denseT", 10, 6);
        node("c", "_FusedConv2D", List.of("x", "conv"), null);
        node("d", "DepthwiseConv2dNative", List.of("x", "dw"), null);
        node("u", "Conv2DBackpropInput", List.of("s", "up", "x"), null);
        node("m", "MatMul", List.of("x", "dense"), null);
        node("t", "MatMul", List.of("x", "denseT"), Map.of("transpose_b", Map.of("b", true)));
        for (ImportedTensor t : new TfjsImporter().importModel(write(Map.of("node", nodes))).tensors()) {
            Map<String, String> m = t.metadata();
            LayerAxes rule = ChannelAxes.forLayer(m.get("layer.op"), "tfjs", t.shape().length,
                    "true".equals(m.get("layer.transpose_b")));
            assertEquals(rule.channelAxis(), Integer.parseInt(m.get("layer.channel_axis")), t.name());
            int reduction = Integer.parseInt(m.get("layer.reduction_axis"));
            assertEquals(t.name().equals("dw") ? -1 : rule.reductionAxis(), reduction, t.name());
        }
    }
}
