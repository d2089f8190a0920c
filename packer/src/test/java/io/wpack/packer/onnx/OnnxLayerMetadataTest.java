package io.wpack.packer.onnx;

import com.google.protobuf.ByteString;
import io.wpack.packer.model.ImportedModel;
import io.wpack.packer.model.ImportedTensor;
import io.wpack.packer.onnx.proto.AttributeProto;
import io.wpack.packer.onnx.proto.GraphProto;
import io.wpack.packer.onnx.proto.ModelProto;
import io.wpack.packer.onnx.proto.NodeProto;
import io.wpack.packer.onnx.proto.OperatorSetIdProto;
import io.wpack.packer.onnx.proto.TensorProto;
import io.wpack.quantizer.ChannelAxes;
import io.wpack.quantizer.LayerAxes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The {@code layer.*} tensor metadata, on small hand-built graphs. */
class OnnxLayerMetadataTest {
    // ONNX AttributeProto.AttributeType numbers.
    private static final int ATTRIBUTE_INT = 2;
    private static final int ATTRIBUTE_GRAPH = 5;

    @TempDir
    Path tmp;

    /** A zero-filled float initializer. */
    private static TensorProto weight(String name, long... dims) {
        long count = Arrays.stream(dims).reduce(1, (a, b) -> a * b);
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(OnnxImporter.FLOAT)
                .setRawData(ByteString.copyFrom(new byte[(int) (4 * count)]));
        for (long d : dims) {
            b.addDims(d);
        }
        return b.build();
    }

    private static NodeProto node(String op, List<String> inputs, String output, AttributeProto... attrs) {
        return NodeProto.newBuilder().setOpType(op).addAllInput(inputs).addOutput(output)
                .addAllAttribute(Arrays.asList(attrs)).build();
    }

    private static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(ATTRIBUTE_INT).setI(value).build();
    }

    private static AttributeProto graphAttr(String name, GraphProto g) {
        return AttributeProto.newBuilder().setName(name).setType(ATTRIBUTE_GRAPH).setG(g).build();
    }

    private Map<String, Map<String, String>> importGraph(GraphProto graph) throws IOException {
        ModelProto model = ModelProto.newBuilder().setIrVersion(9)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).setGraph(graph).build();
        Path p = tmp.resolve("layers.onnx");
        Files.write(p, model.toByteArray());
        ImportedModel m = new OnnxImporter().importModel(p);
        Map<String, Map<String, String>> byName = new LinkedHashMap<>();
        for (ImportedTensor t : m.tensors()) {
            byName.put(t.name(), t.metadata());
        }
        return byName;
    }

    /** The expected metadata of a main-graph initializer: origin and graph_path, then the given pairs in order. */
    private static Map<String, String> initializer(String... layerPairs) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("origin", "initializer");
        m.put("graph_path", "main");
        for (int i = 0; i < layerPairs.length; i += 2) {
            m.put(layerPairs[i], layerPairs[i + 1]);
        }
        return m;
    }

    /** Map.equals ignores order; the keys' order is part of the contract. */
    private static void assertMetadata(Map<String, String> expected, Map<String, String> actual) {
        assertEquals(expected, actual);
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()));
    }

    @Test
    void convWeightAndBias() throws IOException {
        GraphProto g = GraphProto.newBuilder()
                .addInitializer(weight("conv.w", 8, 3, 3, 3))
                .addInitializer(weight("conv.b", 8))
                .addInitializer(weight("dw.w", 8, 1, 3, 3))
                .addNode(node("Conv", List.of("x", "conv.w", "conv.b"), "y", intAttr("group", 1)))
                .addNode(node("Conv", List.of("y", "dw.w"), "z", intAttr("group", 8)))
                .build();
        Map<String, Map<String, String>> meta = importGraph(g);
        // The depthwise layer reads conv.w's channel c with its filter c (axis 0).
        assertMetadata(initializer("layer.op", "Conv", "layer.input_index", "1",
                "layer.channel_axis", "0", "layer.reduction_axis", "1", "layer.next_weights", "dw.w",
                "layer.next_input_axis", "0", "layer.next_depthwise", "true"), meta.get("conv.w"));
        assertMetadata(initializer("layer.op", "Conv", "layer.input_index", "2"), meta.get("conv.b"));
        // Depthwise: group equals the output channels; the layout is still O, I/g, kH, kW.
        assertMetadata(initializer("layer.op", "Conv", "layer.input_index", "1", "layer.group", "8",
                "layer.channel_axis", "0", "layer.reduction_axis", "1"), meta.get("dw.w"));
    }

    @Test
    void convTransposeIsInputMajor() throws IOException {
        GraphProto g = GraphProto.newBuilder()
                .addInitializer(weight("up.w", 16, 8, 4, 4))
                .addNode(node("ConvTranspose", List.of("x", "up.w"), "y"))
                .build();
        assertMetadata(initializer("layer.op", "ConvTranspose", "layer.input_index", "1",
                "layer.channel_axis", "1", "layer.reduction_axis", "0"), importGraph(g).get("up.w"));
    }

    @Test
    void gemmFollowsTransB() throws IOException {
        GraphProto g = GraphProto.newBuilder()
                .addInitializer(weight("fc1.w", 10, 4))  // [N, K]
                .addInitializer(weight("fc1.b", 10))
                .addInitializer(weight("fc2.w", 10, 3))  // [K, N]
                .addNode(node("Gemm", List.of("x", "fc1.w", "fc1.b"), "h", intAttr("transB", 1)))
                .addNode(node("Gemm", List.of("h", "fc2.w"), "y", intAttr("transA", 0)))
                .build();
        Map<String, Map<String, String>> meta = importGraph(g);
        assertMetadata(initializer("layer.op", "Gemm", "layer.input_index", "1", "layer.transA", "0",
                "layer.transB", "1", "layer.channel_axis", "0", "layer.reduction_axis", "1",
                "layer.next_weights", "fc2.w", "layer.next_input_axis", "0", "layer.removable", "true",
                "layer.bias", "fc1.b"), meta.get("fc1.w"));
        assertMetadata(initializer("layer.op", "Gemm", "layer.input_index", "2", "layer.transA", "0",
                "layer.transB", "1"), meta.get("fc1.b"));
        assertMetadata(initializer("layer.op", "Gemm", "layer.input_index", "1", "layer.transA", "0",
                "layer.transB", "0", "layer.channel_axis", "1", "layer.reduction_axis", "0"), meta.get("fc2.w"));
    }

    @Test
    void matMulWeightIsTheSecondInput() throws IOException {
        GraphProto g = GraphProto.newBuilder()
                .addInitializer(weight("proj", 4, 6))
                .addInitializer(weight("batched", 2, 4, 6))
                .addInitializer(weight("left", 6, 4))
                .addNode(node("MatMul", List.of("x", "proj"), "a"))
                .addNode(node("MatMul", List.of("x", "batched"), "b"))
                .addNode(node("MatMul", List.of("left", "x"), "c"))
                .build();
        Map<String, Map<String, String>> meta = importGraph(g);
        assertMetadata(initializer("layer.op", "MatMul", "layer.input_index", "1",
                "layer.channel_axis", "1", "layer.reduction_axis", "0"), meta.get("proj"));
        assertMetadata(initializer("layer.op", "MatMul", "layer.input_index", "1",
                "layer.channel_axis", "2", "layer.reduction_axis", "1"), meta.get("batched"));
        // A constant left operand is not a weight layout we know.
        assertMetadata(initializer("layer.op", "MatMul", "layer.input_index", "0"), meta.get("left"));
    }

    @Test
    void recurrentWeightsAndBias() throws IOException {
        GraphProto g = GraphProto.newBuilder()
                .addInitializer(weight("W", 1, 32, 5))
                .addInitializer(weight("R", 1, 32, 8))
                .addInitializer(weight("B", 1, 64))
                .addNode(node("LSTM", List.of("x", "W", "R", "B"), "y", intAttr("hidden_size", 8)))
                .build();
        Map<String, Map<String, String>> meta = importGraph(g);
        assertMetadata(initializer("layer.op", "LSTM", "layer.input_index", "1",
                "layer.channel_axis", "1", "layer.reduction_axis", "2"), meta.get("W"));
        assertMetadata(initializer("layer.op", "LSTM", "layer.input_index", "2",
                "layer.channel_axis", "1", "layer.reduction_axis", "2"), meta.get("R"));
        assertMetadata(initializer("layer.op", "LSTM", "layer.input_index", "3"), meta.get("B"));
    }

    @Test
    void oneHopThroughIdentityCastAndDequantize() throws IOException {
        GraphProto g = GraphProto.newBuilder()
                .addInitializer(weight("w_id", 8, 3, 1, 1))
                .addInitializer(weight("w_cast", 5, 4))
                .addInitializer(weight("w_q", 4, 6))
                .addInitializer(weight("w_scale", 6))
                .addInitializer(weight("w_twice", 8, 3, 1, 1))
                .addInitializer(weight("w_dangling", 2, 2))
                .addNode(node("Identity", List.of("w_id"), "w_id_copy"))
                .addNode(node("Conv", List.of("x", "w_id_copy"), "a"))
                .addNode(node("Cast", List.of("w_cast"), "w_cast_f", intAttr("to", OnnxImporter.FLOAT)))
                .addNode(node("Gemm", List.of("x", "w_cast_f"), "b", intAttr("transB", 1)))
                .addNode(node("DequantizeLinear", List.of("w_q", "w_scale"), "w_dq"))
                .addNode(node("MatMul", List.of("x", "w_dq"), "c"))
                .addNode(node("Identity", List.of("w_twice"), "hop1"))
                .addNode(node("Identity", List.of("hop1"), "hop2"))
                .addNode(node("Conv", List.of("x", "hop2"), "d"))
                .addNode(node("Identity", List.of("w_dangling"), "unused"))
                .build();
        Map<String, Map<String, String>> meta = importGraph(g);
        assertMetadata(initializer("layer.op", "Conv", "layer.input_index", "1",
                "layer.channel_axis", "0", "layer.reduction_axis", "1"), meta.get("w_id"));
        assertMetadata(initializer("layer.op", "Gemm", "layer.input_index", "1", "layer.transA", "0",
                "layer.transB", "1", "layer.channel_axis", "0", "layer.reduction_axis", "1"), meta.get("w_cast"));
        assertMetadata(initializer("layer.op", "MatMul", "layer.input_index", "1",
                "layer.channel_axis", "1", "layer.reduction_axis", "0"), meta.get("w_q"));
        // Only the data input of DequantizeLinear passes through; the scale stays with it.
        assertMetadata(initializer("layer.op", "DequantizeLinear", "layer.input_index", "1"), meta.get("w_scale"));
        // One hop only: the second Identity is the consumer.
        assertMetadata(initializer("layer.op", "Identity", "layer.input_index", "0"), meta.get("w_twice"));
        assertMetadata(initializer("layer.op", "Identity", "layer.input_index", "0"), meta.get("w_dangling"));
    }

    @Test
    void disagreeingConsumersAreCountedAndTheFirstWins() throws IOException {
        GraphProto g = GraphProto.newBuilder()
                .addInitializer(weight("shared", 4, 4))
                .addInitializer(weight("tied", 4, 4))
                .addNode(node("Gemm", List.of("x", "shared"), "a", intAttr("transB", 1)))
                .addNode(node("Identity", List.of("shared"), "shared_copy"))
                .addNode(node("MatMul", List.of("a", "shared_copy"), "b"))
                .addNode(node("Add", List.of("b", "shared"), "c"))
                .addNode(node("MatMul", List.of("x", "tied"), "d"))
                .addNode(node("MatMul", List.of("d", "tied"), "e"))
                .build();
        Map<String, Map<String, String>> meta = importGraph(g);
        assertMetadata(initializer("layer.op", "Gemm", "layer.input_index", "1", "layer.transA", "0",
                "layer.transB", "1", "layer.channel_axis", "0", "layer.reduction_axis", "1",
                "layer.consumers", "3", "layer.next_weights", "shared", "layer.next_input_axis", "0"), meta.get("shared"));
        // Two consumers that describe the weight alike are not a disagreement; the second reads the first's output.
        assertMetadata(initializer("layer.op", "MatMul", "layer.input_index", "1", "layer.channel_axis", "1",
                "layer.reduction_axis", "0", "layer.next_weights", "tied", "layer.next_input_axis", "0"), meta.get("tied"));
    }

    @Test
    void consumersInsideSubgraphsCount() throws IOException {
        GraphProto thenBranch = GraphProto.newBuilder()
                .addNode(node("MatMul", List.of("x", "outer_w"), "t"))
                .build();
        GraphProto body = GraphProto.newBuilder()
                .addNode(NodeProto.newBuilder().setOpType("Constant").addOutput("inner_w")
                        .addAttribute(AttributeProto.newBuilder().setName("value").setT(weight("", 6, 2, 3, 3))))
                .addNode(node("Conv", List.of("x", "inner_w"), "u", intAttr("group", 2)))
                .build();
        GraphProto g = GraphProto.newBuilder()
                .addInitializer(weight("outer_w", 3, 7))
                .addNode(node("If", List.of("cond"), "r", graphAttr("then_branch", thenBranch)))
                // Graph order: the If's branch comes before this later main-graph node.
                .addNode(node("Gemm", List.of("x", "outer_w"), "s", intAttr("transB", 1)))
                .addNode(node("Loop", List.of("n", ""), "l", graphAttr("body", body)))
                .build();
        Map<String, Map<String, String>> meta = importGraph(g);
        assertMetadata(initializer("layer.op", "MatMul", "layer.input_index", "1",
                "layer.channel_axis", "1", "layer.reduction_axis", "0", "layer.consumers", "2"), meta.get("outer_w"));
        Map<String, String> inner = new LinkedHashMap<>();
        inner.put("origin", "constant");
        inner.put("graph_path", "main/Loop_2.body");
        inner.put("layer.op", "Conv");
        inner.put("layer.input_index", "1");
        inner.put("layer.group", "2");
        inner.put("layer.channel_axis", "0");
        inner.put("layer.reduction_axis", "1");
        assertMetadata(inner, meta.get("inner_w"));
    }

    @Test
    void unknownLayoutsGetNoAxes() throws IOException {
        GraphProto g = GraphProto.newBuilder()
                .addInitializer(weight("custom", 8, 3, 3, 3))
                .addInitializer(weight("flat_conv", 8, 3))
                .addInitializer(weight("table", 100, 16))
                .addInitializer(weight("unused", 4, 4))
                .addNode(NodeProto.newBuilder().setOpType("FusedConv").setDomain("com.microsoft")
                        .addInput("x").addInput("custom").addOutput("a"))
                .addNode(node("Conv", List.of("x", "flat_conv"), "b"))
                .addNode(node("Gather", List.of("table", "ids"), "c"))
                .build();
        Map<String, Map<String, String>> meta = importGraph(g);
        assertMetadata(initializer("layer.op", "com.microsoft:FusedConv", "layer.input_index", "1"), meta.get("custom"));
        assertMetadata(initializer("layer.op", "Conv", "layer.input_index", "1"), meta.get("flat_conv"));
        assertMetadata(initializer("layer.op", "Gather", "layer.input_index", "0"), meta.get("table"));
        assertMetadata(initializer(), meta.get("unused"));
    }

    /** The layer keys of a Conv weight [O, I, 3, 3] with no consumer of its own beyond the walk. */
    private static Map<String, String> convWith(String... nextPairs) {
        String[] pairs = new String[8 + nextPairs.length];
        System.arraycopy(new String[] {"layer.op", "Conv", "layer.input_index", "1",
                "layer.channel_axis", "0", "layer.reduction_axis", "1"}, 0, pairs, 0, 8);
        System.arraycopy(nextPairs, 0, pairs, 8, nextPairs.length);
        return initializer(pairs);
    }

    @Test
    void nextLayerThroughAnActivation() throws IOException {
        GraphProto g = GraphProto.newBuilder()
                .addInitializer(weight("c1.w", 8, 3, 3, 3))
                .addInitializer(weight("c1.b", 8))
                .addInitializer(weight("c2.w", 16, 8, 3, 3))
                .addNode(node("Conv", List.of("x", "c1.w", "c1.b"), "a"))
                .addNode(node("Relu", List.of("a"), "r"))
                .addNode(node("Conv", List.of("r", "c2.w"), "y"))
                .build();
        Map<String, Map<String, String>> meta = importGraph(g);
        assertMetadata(convWith("layer.next_weights", "c2.w", "layer.next_input_axis", "1",
                "layer.removable", "true", "layer.bias", "c1.b"), meta.get("c1.w"));
        // Only the filter carries the keys, and the last layer has no next.
        assertMetadata(initializer("layer.op", "Conv", "layer.input_index", "2"), meta.get("c1.b"));
        assertMetadata(convWith(), meta.get("c2.w"));
    }

    @Test
    void nextGemmThroughBatchNormAndPooling() throws IOException {
        GraphProto g = GraphProto.newBuilder()
                .addInitializer(weight("conv.w", 8, 3, 3, 3))
                .addInitializer(weight("bn.scale", 8)).addInitializer(weight("bn.bias", 8))
                .addInitializer(weight("bn.mean", 8)).addInitializer(weight("bn.var", 8))
                .addInitializer(weight("fc.w", 10, 8))
                .addNode(node("Conv", List.of("x", "conv.w"), "a"))
                .addNode(node("BatchNormalization", List.of("a", "bn.scale", "bn.bias", "bn.mean", "bn.var"), "n"))
                .addNode(node("MaxPool", List.of("n"), "p", intAttr("ceil_mode", 0)))
                .addNode(node("Gemm", List.of("p", "fc.w"), "y", intAttr("transB", 1)))
                .build();
        assertMetadata(convWith("layer.next_weights", "fc.w", "layer.next_input_axis", "1", "layer.removable", "true",
                "layer.channel_params", "bn.scale:0,bn.bias:0,bn.mean:0,bn.var:0"), importGraph(g).get("conv.w"));
    }

    @Test
    void concatAndOtherReshufflingOpsRecordNothing() throws IOException {
        GraphProto g = GraphProto.newBuilder()
                .addInitializer(weight("c1.w", 8, 3, 3, 3))
                .addInitializer(weight("c2.w", 4, 3, 3, 3))
                .addInitializer(weight("c3.w", 16, 12, 3, 3))
                .addInitializer(weight("c4.w", 16, 8, 3, 3))
                .addNode(node("Conv", List.of("x", "c1.w"), "a"))
                .addNode(node("Conv", List.of("x", "c2.w"), "b"))
                .addNode(NodeProto.newBuilder().setOpType("Concat").addInput("a").addInput("b").addOutput("ab")
                        .addAttribute(intAttr("axis", 1)))
                .addNode(node("Conv", List.of("ab", "c3.w"), "c"))
                .addNode(node("Transpose", List.of("c"), "t"))
                .addNode(node("Conv", List.of("t", "c4.w"), "d"))
                .build();
        Map<String, Map<String, String>> meta = importGraph(g);
        assertMetadata(convWith(), meta.get("c1.w"));
        assertMetadata(convWith(), meta.get("c2.w"));
        assertMetadata(convWith(), meta.get("c3.w"));
    }

    @Test
    void addAndMulPassOnTheirFirstInputOnly() throws IOException {
        GraphProto g = GraphProto.newBuilder()
                .addInitializer(weight("main.w", 8, 3, 1, 1))
                .addInitializer(weight("skip.w", 8, 3, 1, 1))
                .addInitializer(weight("gain", 8, 1, 1))
                .addInitializer(weight("next.w", 4, 8, 1, 1))
                .addNode(node("Conv", List.of("x", "main.w"), "m"))
                .addNode(node("Conv", List.of("x", "skip.w"), "s"))
                .addNode(node("Add", List.of("m", "s"), "sum"))
                .addNode(node("Mul", List.of("sum", "gain"), "scaled"))
                .addNode(node("Conv", List.of("scaled", "next.w"), "y"))
                .build();
        Map<String, Map<String, String>> meta = importGraph(g);
        assertMetadata(convWith("layer.next_weights", "next.w", "layer.next_input_axis", "1"), meta.get("main.w"));
        assertMetadata(convWith(), meta.get("skip.w"));
    }

    @Test
    void nextLayersAreMergedInGraphOrder() throws IOException {
        GraphProto g = GraphProto.newBuilder()
                .addInitializer(weight("w", 8, 3, 3, 3))
                .addInitializer(weight("pw_half", 4, 8, 1, 1))
                .addInitializer(weight("dw", 16, 1, 3, 3))      // depthwise, multiplier 2
                .addInitializer(weight("grouped", 8, 4, 3, 3))  // two groups of 4 inputs: not one to one
                .addInitializer(weight("up", 8, 2, 2, 2))
                .addNode(node("Conv", List.of("x", "w"), "a"))
                .addNode(node("Cast", List.of("pw_half"), "pw", intAttr("to", OnnxImporter.FLOAT)))
                .addNode(node("Relu", List.of("a"), "r"))
                .addNode(node("Conv", List.of("r", "dw"), "b", intAttr("group", 8)))
                .addNode(node("Conv", List.of("r", "grouped"), "c", intAttr("group", 2)))
                .addNode(node("Conv", List.of("a", "pw"), "d"))
                .addNode(node("ConvTranspose", List.of("r", "up"), "e"))
                .build();
        assertMetadata(convWith("layer.next_weights", "dw,pw_half,up", "layer.next_input_axis", "0,1,0",
                "layer.next_depthwise", "true,false,false"), importGraph(g).get("w"));
    }

    @Test
    void channelFirstAndChannelLastLayersDoNotPair() throws IOException {
        GraphProto g = GraphProto.newBuilder()
                .addInitializer(weight("conv1d", 8, 3, 5))
                .addInitializer(weight("proj", 20, 6))   // a MatMul after Conv1d contracts the length axis
                .addInitializer(weight("m1", 4, 6))
                .addInitializer(weight("m2", 2, 6, 5))
                .addInitializer(weight("c", 7, 6, 1))    // a Conv after MatMul reads axis 1, not the features
                .addNode(node("Conv", List.of("x", "conv1d"), "a"))
                .addNode(node("MatMul", List.of("a", "proj"), "b"))
                .addNode(node("MatMul", List.of("x", "m1"), "h"))
                .addNode(node("Tanh", List.of("h"), "t"))
                .addNode(node("MatMul", List.of("t", "m2"), "u"))
                .addNode(node("Conv", List.of("t", "c"), "v"))
                .build();
        Map<String, Map<String, String>> meta = importGraph(g);
        assertMetadata(initializer("layer.op", "Conv", "layer.input_index", "1",
                "layer.channel_axis", "0", "layer.reduction_axis", "1"), meta.get("conv1d"));
        assertMetadata(initializer("layer.op", "MatMul", "layer.input_index", "1", "layer.channel_axis", "1",
                "layer.reduction_axis", "0", "layer.next_weights", "m2", "layer.next_input_axis", "1"), meta.get("m1"));
    }

    @Test
    void removableOnlyWhenEveryReaderOfTheChannelsIsKnown() throws IOException {
        GraphProto g = GraphProto.newBuilder()
                .addInitializer(weight("a.w", 8, 3, 1, 1)).addInitializer(weight("a.b", 8))
                .addInitializer(weight("gain", 1, 8, 1, 1)).addInitializer(weight("shift", 8, 1, 1))
                .addInitializer(weight("slope", 8, 1, 1)).addInitializer(weight("scalar", 1))
                .addInitializer(weight("b.w", 8, 8, 1, 1))
                .addInitializer(weight("c.w", 8, 8, 1, 1))
                .addInitializer(weight("d.w", 8, 8, 1, 1))
                .addInitializer(weight("e.w", 8, 8, 1, 1))
                .addInitializer(weight("full", 8, 4, 4))
                .addInitializer(weight("f.w", 8, 8, 1, 1))
                // a: per-channel Mul, Add and PRelu and a scalar Mul on the way to b: removable.
                .addNode(node("Conv", List.of("x", "a.w", "a.b"), "a"))
                .addNode(node("Mul", List.of("a", "gain"), "a1"))
                .addNode(node("Add", List.of("a1", "shift"), "a2"))
                .addNode(node("PRelu", List.of("a2", "slope"), "a3"))
                .addNode(node("Mul", List.of("a3", "scalar"), "a4"))
                .addNode(node("Conv", List.of("a4", "b.w"), "b"))
                // b's output is added to a residual branch: not removable.
                .addNode(node("Add", List.of("b", "x"), "r"))
                .addNode(node("Conv", List.of("r", "c.w"), "c"))
                // c's output is also a graph output: not removable.
                .addNode(node("Conv", List.of("c", "d.w"), "d"))
                // d's output is added to a full-shape weight, not one value per channel: not removable.
                .addNode(node("Add", List.of("d", "full"), "d1"))
                .addNode(node("Conv", List.of("d1", "e.w"), "e"))
                // e feeds a depthwise layer: not removable.
                .addNode(node("Conv", List.of("e", "f.w"), "f", intAttr("group", 8)))
                .addOutput(io.wpack.packer.onnx.proto.ValueInfoProto.newBuilder().setName("c"))
                .build();
        Map<String, Map<String, String>> meta = importGraph(g);
        assertEquals("true", meta.get("a.w").get("layer.removable"));
        assertEquals("a.b", meta.get("a.w").get("layer.bias"));
        assertEquals("gain:1,shift:0,slope:0", meta.get("a.w").get("layer.channel_params"));
        for (String closedOff : List.of("b.w", "c.w", "d.w", "e.w")) {
            assertEquals(null, meta.get(closedOff).get("layer.removable"), closedOff);
            assertEquals(null, meta.get(closedOff).get("layer.channel_params"), closedOff);
        }
    }

    @Test
    void walksAreBoundedAndEndOnCycles() throws IOException {
        GraphProto.Builder g = GraphProto.newBuilder()
                .addInitializer(weight("near", 8, 3, 1, 1))
                .addInitializer(weight("far", 8, 3, 1, 1))
                .addInitializer(weight("looped", 8, 3, 1, 1))
                .addInitializer(weight("end", 4, 8, 1, 1));
        g.addNode(node("Conv", List.of("x", "near"), "n0"));
        g.addNode(node("Conv", List.of("x", "far"), "f0"));
        for (int i = 0; i < OnnxLayerMetadata.MAX_HOPS; i++) {
            g.addNode(node("Relu", List.of("n" + i), "n" + (i + 1)));
            g.addNode(node("Relu", List.of("f" + i), "f" + (i + 1)));
        }
        g.addNode(node("Relu", List.of("f" + OnnxLayerMetadata.MAX_HOPS), "f_over"));
        g.addNode(node("Conv", List.of("n" + OnnxLayerMetadata.MAX_HOPS, "end"), "y1"));
        g.addNode(node("Conv", List.of("f_over", "end"), "y2"));
        // Not valid ONNX, but a file can say it: l1 -> Relu -> l2 -> Relu -> l1.
        g.addNode(node("Conv", List.of("x", "looped"), "l1"));
        g.addNode(node("Relu", List.of("l1"), "l2"));
        g.addNode(node("Relu", List.of("l2"), "l1"));
        g.addNode(node("Conv", List.of("l2", "end"), "y3"));
        Map<String, Map<String, String>> meta = importGraph(g.build());
        assertMetadata(convWith("layer.next_weights", "end", "layer.next_input_axis", "1", "layer.removable", "true"),
                meta.get("near"));
        assertMetadata(convWith(), meta.get("far"));
        assertMetadata(convWith("layer.next_weights", "end", "layer.next_input_axis", "1", "layer.removable", "true"),
                meta.get("looped"));
    }

    /**
     * The quantizer's own fallback rules ({@link ChannelAxes}) must give the same axes for
     * what is recorded here, so a replay from {@code layer.op} and the shape agrees.
     */
    @Test
    void agreesWithTheQuantizersRules() throws IOException {
        GraphProto g = GraphProto.newBuilder()
                .addInitializer(weight("conv", 8, 3, 3, 3))
                .addInitializer(weight("convT", 8, 3, 3, 3))
                .addInitializer(weight("gemmT", 5, 4))
                .addInitializer(weight("gemm", 4, 5))
                .addInitializer(weight("matmul", 2, 4, 5))
                .addNode(node("Conv", List.of("x", "conv"), "a"))
                .addNode(node("ConvTranspose", List.of("x", "convT"), "b"))
                .addNode(node("Gemm", List.of("x", "gemmT"), "c", intAttr("transB", 1)))
                .addNode(node("Gemm", List.of("x", "gemm"), "d"))
                .addNode(node("MatMul", List.of("x", "matmul"), "e"))
                .build();
        ModelProto model = ModelProto.newBuilder().setIrVersion(9)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).setGraph(g).build();
        Path p = tmp.resolve("rules.onnx");
        Files.write(p, model.toByteArray());
        for (ImportedTensor t : new OnnxImporter().importModel(p).tensors()) {
            Map<String, String> m = t.metadata();
            LayerAxes expected = ChannelAxes.forLayer(m.get("layer.op"), "onnx", t.shape().length,
                    "1".equals(m.get("layer.transB")));
            LayerAxes recorded = new LayerAxes(Integer.parseInt(m.get("layer.channel_axis")),
                    Integer.parseInt(m.get("layer.reduction_axis")));
            assertEquals(expected, recorded, t.name());
        }
    }
}
