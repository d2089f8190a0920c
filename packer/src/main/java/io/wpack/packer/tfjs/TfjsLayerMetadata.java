package io.wpack.packer.tfjs;

import io.wpack.formats.WpkFormatException;
import io.wpack.packer.json.Json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@code layer.*} metadata of each weight of a TF.js graph model: which node of
 * {@code modelTopology.node} consumes it and, from that node's op and attributes, which axis
 * of the weight indexes output channels and which one the node sums over. The quantizer
 * needs both to lay out per-channel scales and groups.
 *
 * <p>Keys, in this order, each written only when it applies:
 * <ul>
 *   <li>{@code layer.op}: the consumer's op ({@code _FusedConv2D}, {@code MatMul}, ...)
 *   <li>{@code layer.input_index}: the input slot the weight fills (convolutions: 1 filter, 2 bias)
 *   <li>{@code layer.transpose_a}, {@code layer.transpose_b}: MatMul and _FusedMatMul
 *       attributes, {@code true} or {@code false}
 *   <li>{@code layer.data_format}: the consumer's {@code data_format} ({@code NHWC}, ...) when set
 *   <li>{@code layer.channel_axis}, {@code layer.reduction_axis}: for the filter slots below
 *   <li>{@code layer.consumers}: how many consumers the weight has, written when they would
 *       not all produce the keys above alike; the keys then describe the first in node order
 *   <li>{@code layer.next_weights}, {@code layer.next_input_axis}, {@code layer.next_depthwise}:
 *       the layers reading this layer's output channels one to one (see below)
 * </ul>
 *
 * <table>
 *   <caption>Filter slots with known axes (TensorFlow's filter layouts do not follow data_format)</caption>
 *   <tr><th>op</th><th>slot</th><th>layout</th><th>channel</th><th>reduction</th></tr>
 *   <tr><td>Conv2D, _FusedConv2D</td><td>1</td><td>H, W, I, O</td><td>3</td><td>2</td></tr>
 *   <tr><td>Conv3D</td><td>1</td><td>D, H, W, I, O</td><td>4</td><td>3</td></tr>
 *   <tr><td>DepthwiseConv2dNative, FusedDepthwiseConv2dNative</td><td>1</td><td>H, W, C, M</td>
 *       <td>2</td><td>-1 (none)</td></tr>
 *   <tr><td>Conv2DBackpropInput</td><td>1</td><td>H, W, O, I</td><td>2</td><td>3</td></tr>
 *   <tr><td>MatMul, _FusedMatMul, transpose_b false</td><td>1</td><td>K, N</td><td>1</td><td>0</td></tr>
 *   <tr><td>MatMul, _FusedMatMul, transpose_b true</td><td>1</td><td>N, K</td><td>0</td><td>1</td></tr>
 * </table>
 * A depthwise filter has no input-channel axis to sum over (each output reads one input
 * channel), hence reduction -1. A weight whose rank does not fit its layout gets no axes;
 * nor do biases and the weights of other ops.
 *
 * <p>A node input names a weight {@code w} as {@code w} or {@code w:0}; {@code ^w} is a
 * control dependency and {@code w:1} another output, and neither counts. A weight feeding
 * {@code Identity}, {@code Cast} or the data input of {@code Dequantize} is followed one
 * hop: the nodes reading that node's output stand in for it. A pass-through whose output
 * nothing reads is itself the consumer.
 *
 * <p><b>Next layers.</b> Filter pruning (DNNShifter) removes output filters of a layer; the
 * input channels that read them in the following layers go dead too. For the filter of a
 * Conv2D, _FusedConv2D, Conv2DBackpropInput, MatMul, _FusedMatMul, or a depthwise convolution
 * with channel multiplier 1 (others put channel {@code c*M+m} at output {@code c*M+m}), the
 * node's output, after any fused ops, is followed forward through ops that keep channel
 * {@code c} at index {@code c}: Relu, Relu6, Elu, Sigmoid, Tanh, Prelu, FusedBatchNorm,
 * FusedBatchNormV3, MaxPool, AvgPool, Identity, BiasAdd, Add, AddV2 and Mul, each only when
 * reached on its first input (the other input of Add / Mul is assumed to be same-shape or
 * broadcast; no shapes are inferred). A path ends at the data input (slot 0) of a Conv2D,
 * _FusedConv2D, DepthwiseConv2dNative, FusedDepthwiseConv2dNative, MatMul or _FusedMatMul
 * (transpose_a false) whose slot 1 is a weight: a {@code Const} node, a name no node
 * produces (a manifest weight the topology leaves out), or either read through one
 * Identity, Cast or Dequantize. Anything else (ConcatV2, Reshape, Split, Transpose, a second
 * input, ...) ends it with nothing recorded, because channel indices no longer map one to
 * one there. Walks stop after {@value #MAX_HOPS} ops and never revisit a node. The next
 * weights of all the weight's consumers are merged, in node order:
 * <ul>
 *   <li>{@code layer.next_weights}: their names, comma-separated
 *   <li>{@code layer.next_input_axis}: for each, the axis this layer's channel {@code c} is
 *       read on: convolutions 2 (H, W, I, O and H, W, C, M); MatMul 0, or 1 with transpose_b
 *   <li>{@code layer.next_depthwise}: for each, {@code true} for a depthwise filter, whose
 *       slice {@code c} on axis 2 is the whole of its filters for that channel (each channel
 *       is its own filter); written only when at least one is depthwise
 * </ul>
 * Pruning a channel that a path carries into Add / Mul makes it dead only if the other
 * operand is too (a residual branch is not); the pruner has to judge that. A path that ends
 * unrecorded leaves the list short, so the keys say which channels are read one to one, not
 * that nothing else reads them.
 *
 * <p>Not covered: nodes inside {@code modelTopology.library.function} bodies, which name
 * their inputs by function argument, and layers models, whose topology is a Keras config
 * rather than a node list. Their weights get no {@code layer.*} keys.
 */
final class TfjsLayerMetadata {
    private static final Set<String> PASS_THROUGH = Set.of("Identity", "Cast", "Dequantize");

    /** Ops whose output holds the channels of their input 0 at the same indices. */
    private static final Set<String> CHANNEL_PRESERVING = Set.of("Relu", "Relu6", "Elu", "Sigmoid", "Tanh",
            "Prelu", "FusedBatchNorm", "FusedBatchNormV3", "MaxPool", "AvgPool", "Identity", "BiasAdd", "Add",
            "AddV2", "Mul");

    /** Channel-preserving ops a walk crosses at most; real models have a handful between two layers. */
    static final int MAX_HOPS = 64;

    /**
     * A graph node, with what the keys need already read and checked; {@code inputs} holds
     * each input's producer, null for a control input or another output.
     */
    private record Node(String name, String op, Map<String, Object> attr, String where, List<String> inputs) {
    }

    /** A weight that reads a layer's output channels one to one, on {@code inputAxis}. */
    private record NextWeight(String name, int inputAxis, boolean depthwise, int order) {
    }

    /** One input slot of one node; {@code order} is the node's position in the list. */
    private record Use(Node node, int slot, int order) {
    }

    static final TfjsLayerMetadata NONE = new TfjsLayerMetadata(Map.of(), Map.of(), Map.of());

    private final Map<String, List<Use>> usesByName;
    private final Map<String, Node> nodesByName;
    /** Shapes of the manifest's weights, for telling per-channel operands from others. */
    private final Map<String, long[]> weightShapes;

    private TfjsLayerMetadata(Map<String, List<Use>> usesByName, Map<String, Node> nodesByName,
                              Map<String, long[]> weightShapes) {
        this.usesByName = usesByName;
        this.nodesByName = nodesByName;
        this.weightShapes = weightShapes;
    }

    /** The same graph, knowing the weights' shapes (needed for {@code layer.removable}). */
    TfjsLayerMetadata withWeightShapes(Map<String, long[]> shapes) {
        return new TfjsLayerMetadata(usesByName, nodesByName, Map.copyOf(shapes));
    }

    /**
     * What removing channels physically would touch, gathered during the walks: whether every
     * reader of the channels is known, and the per-channel weights on the way.
     */
    private static final class Cone {
        boolean closed = true;
        final List<String> channelParams = new ArrayList<>();
    }

    /**
     * Reads the node list of a graph model's {@code modelTopology}; a topology without one
     * (absent, or a layers model's Keras config) gives no metadata.
     */
    static TfjsLayerMetadata read(Object modelTopology, String file) throws WpkFormatException {
        if (modelTopology == null) {
            return NONE;
        }
        Map<String, Object> topology = Json.asObject(modelTopology, file + ": modelTopology");
        if (topology.get("node") == null) {
            return NONE;
        }
        List<Object> nodes = Json.asList(topology.get("node"), file + ": modelTopology.node");
        Map<String, List<Use>> uses = new HashMap<>();
        Map<String, Node> byName = new HashMap<>();
        for (int n = 0; n < nodes.size(); n++) {
            String where = file + ": modelTopology.node[" + n + "]";
            Map<String, Object> json = Json.asObject(nodes.get(n), where);
            String name = json.get("name") == null ? "" : Json.asString(json.get("name"), where + " name");
            if (!name.isEmpty()) {
                where += " (\"" + name + "\")";
            }
            String op = Json.asString(Json.require(json, "op", where), where + " op");
            Map<String, Object> attr = json.get("attr") == null ? Map.of() : Json.asObject(json.get("attr"), where + " attr");
            // Protobuf's JSON form leaves out empty lists, so a node without inputs may have no "input" at all.
            List<Object> inputs = json.get("input") == null ? List.of() : Json.asList(json.get("input"), where + " input");
            List<String> producers = new ArrayList<>(inputs.size());
            for (int i = 0; i < inputs.size(); i++) {
                producers.add(producer(Json.asString(inputs.get(i), where + " input[" + i + "]")));
            }
            Node node = new Node(name, op, attr, where, Collections.unmodifiableList(producers));
            for (int i = 0; i < producers.size(); i++) {
                if (producers.get(i) != null) {
                    uses.computeIfAbsent(producers.get(i), k -> new ArrayList<>()).add(new Use(node, i, n));
                }
            }
            if (!name.isEmpty()) {
                byName.putIfAbsent(name, node);
            }
        }
        return new TfjsLayerMetadata(uses, byName, Map.of());
    }

    /** The node whose first output an input reads, or null for a control input or another output. */
    static String producer(String input) {
        if (input.startsWith("^")) {
            return null;
        }
        int colon = input.lastIndexOf(':');
        if (colon < 0) {
            return input;
        }
        String index = input.substring(colon + 1);
        if (index.equals("0")) {
            return input.substring(0, colon);
        }
        return !index.isEmpty() && index.chars().allMatch(c -> c >= '0' && c <= '9') ? null : input;
    }

    /** The {@code layer.*} keys of the weight {@code name}; empty when no node reads it. */
    Map<String, String> describe(String name, long[] shape) throws WpkFormatException {
        List<Use> consumers = consumers(name);
        if (consumers.isEmpty()) {
            return Map.of();
        }
        Map<String, String> first = describe(consumers.get(0), shape.length);
        for (int i = 1; i < consumers.size(); i++) {
            if (!describe(consumers.get(i), shape.length).equals(first)) {
                first.put("layer.consumers", Integer.toString(consumers.size()));
                break;
            }
        }
        Cone cone = new Cone();
        List<NextWeight> next = nextWeights(consumers, shape, cone);
        if (!next.isEmpty()) {
            first.put("layer.next_weights", next.stream().map(NextWeight::name).collect(Collectors.joining(",")));
            first.put("layer.next_input_axis",
                    next.stream().map(n -> Integer.toString(n.inputAxis)).collect(Collectors.joining(",")));
            if (next.stream().anyMatch(NextWeight::depthwise)) {
                first.put("layer.next_depthwise",
                        next.stream().map(n -> Boolean.toString(n.depthwise)).collect(Collectors.joining(",")));
            }
        }
        if (consumers.size() == 1 && cone.closed && !next.isEmpty() && removableLayer(consumers.get(0), shape, cone)) {
            first.put("layer.removable", "true");
            if (!cone.channelParams.isEmpty()) {
                first.put("layer.channel_params", String.join(",", cone.channelParams));
            }
        }
        return first;
    }

    /**
     * Whether the layer's own extra inputs (a fused op's bias, batch-norm or PRelu arguments)
     * are all weights with one value per output channel; they join the channel parameters.
     * Depthwise layers are not removable: their filter c also reads input channel c.
     */
    private boolean removableLayer(Use layer, long[] shape, Cone cone) throws WpkFormatException {
        Node node = layer.node;
        if (node.op.startsWith("Depthwise") || node.op.startsWith("FusedDepthwise")) {
            return false;
        }
        int[] axes = filterAxes(node.op, shape.length, boolAttr(node, "transpose_b"));
        if (axes == null) {
            return false;
        }
        long channels = shape[axes[0]];
        List<String> own = new ArrayList<>();
        for (int i = 2; i < node.inputs.size(); i++) {
            String input = node.inputs.get(i);
            if (input == null) {
                continue; // a control input
            }
            String w = weightName(input);
            long[] dims = w == null ? null : weightShapes.get(w);
            int axis = dims == null ? -1 : perChannelAxis(dims, channels);
            if (axis == -1) {
                return false;
            }
            if (axis >= 0) {
                own.add(w + ":" + axis);
            }
        }
        own.removeAll(cone.channelParams);
        cone.channelParams.addAll(0, own);
        return true;
    }

    /**
     * The axis of a weight that holds one value per channel of an NHWC (channels-last) output,
     * broadcast on the right: -2 for a scalar, -1 when it is not per channel.
     */
    static int perChannelAxis(long[] dims, long channels) {
        int axis = -2;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == 1 && !(i == dims.length - 1 && channels == 1)) {
                continue;
            }
            if (dims[i] != channels || axis != -2) {
                return -1;
            }
            axis = i;
        }
        return axis == -2 || axis == dims.length - 1 ? axis : -1;
    }

    /** Records a channel-preserving op's other operands as channel parameters, or opens the cone. */
    private void channelParams(Node node, long channels, Cone cone) {
        int from = 1;
        int to;
        switch (node.op) {
            case "FusedBatchNorm":
            case "FusedBatchNormV3":
                to = 4;
                break;
            case "BiasAdd":
            case "Prelu":
            case "Add":
            case "AddV2":
            case "Mul":
                to = 1;
                break;
            default:
                return;
        }
        for (int i = from; i <= to; i++) {
            String input = i < node.inputs.size() ? node.inputs.get(i) : null;
            String w = input == null ? null : weightName(input);
            long[] dims = w == null ? null : weightShapes.get(w);
            int axis = dims == null ? -1 : perChannelAxis(dims, channels);
            if (axis == -1) {
                cone.closed = false;
            } else if (axis >= 0 && !cone.channelParams.contains(w + ":" + axis)) {
                cone.channelParams.add(w + ":" + axis);
            }
        }
    }

    /** The next weights of every consumer that is a layer with this weight as its filter, merged in node order. */
    private List<NextWeight> nextWeights(List<Use> consumers, long[] shape, Cone cone) throws WpkFormatException {
        Map<String, NextWeight> byName = new LinkedHashMap<>();
        for (Use use : consumers) {
            if (isLayerFilter(use, shape)) {
                int[] axes = filterAxes(use.node.op, shape.length, boolAttr(use.node, "transpose_b"));
                long channels = axes == null ? -1 : shape[axes[0]];
                for (NextWeight n : walk(use.node.name, channels, cone)) {
                    byName.putIfAbsent(n.name, n);
                }
            }
        }
        List<NextWeight> out = new ArrayList<>(byName.values());
        out.sort(Comparator.comparingInt(NextWeight::order));
        return out;
    }

    /** Whether {@code use} is the filter slot of a layer whose output channel {@code c} is the filter's channel {@code c}. */
    private static boolean isLayerFilter(Use use, long[] shape) throws WpkFormatException {
        Node node = use.node;
        if (use.slot != 1 || node.name.isEmpty()) {
            return false;
        }
        switch (node.op) {
            case "Conv2D":
            case "_FusedConv2D":
            case "Conv2DBackpropInput":
                return shape.length == 4;
            case "DepthwiseConv2dNative":
            case "FusedDepthwiseConv2dNative":
                return shape.length == 4 && shape[3] == 1;
            case "MatMul":
            case "_FusedMatMul":
                return shape.length == 2;
            default:
                return false;
        }
    }

    /** Follows the output of the node {@code start} forward through channel-preserving ops, breadth first. */
    private List<NextWeight> walk(String start, long channels, Cone cone) throws WpkFormatException {
        List<NextWeight> found = new ArrayList<>();
        Set<String> seen = new HashSet<>(List.of(start));
        List<String> frontier = List.of(start);
        for (int hop = 0; hop <= MAX_HOPS && !frontier.isEmpty(); hop++) {
            List<String> following = new ArrayList<>();
            for (String value : frontier) {
                List<Use> uses = usesByName.getOrDefault(value, List.of());
                if (uses.isEmpty()) {
                    cone.closed = false; // nothing reads it: a graph output
                }
                for (Use use : uses) {
                    Node node = use.node;
                    if (use.slot != 0) {
                        cone.closed = false;
                        continue;
                    }
                    if (CHANNEL_PRESERVING.contains(node.op)) {
                        if (hop < MAX_HOPS && !node.name.isEmpty() && seen.add(node.name)) {
                            following.add(node.name);
                        } else if (hop >= MAX_HOPS || node.name.isEmpty()) {
                            cone.closed = false;
                        }
                        channelParams(node, channels, cone);
                    } else {
                        NextWeight next = nextWeight(use);
                        if (next != null) {
                            found.add(next);
                        }
                        if (next == null || next.depthwise) {
                            cone.closed = false;
                        }
                    }
                }
            }
            frontier = following;
        }
        return found;
    }

    /** The weight of the layer whose data input {@code use} is, with the axis it reads channels on; or null. */
    private NextWeight nextWeight(Use use) throws WpkFormatException {
        Node node = use.node;
        String weight = node.inputs.size() >= 2 ? weightName(node.inputs.get(1)) : null;
        if (weight == null) {
            return null;
        }
        switch (node.op) {
            case "Conv2D":
            case "_FusedConv2D":
                return new NextWeight(weight, 2, false, use.order);
            case "DepthwiseConv2dNative":
            case "FusedDepthwiseConv2dNative":
                return new NextWeight(weight, 2, true, use.order);
            case "MatMul":
            case "_FusedMatMul":
                if (boolAttr(node, "transpose_a")) {
                    return null;
                }
                return new NextWeight(weight, boolAttr(node, "transpose_b") ? 1 : 0, false, use.order);
            default:
                return null;
        }
    }

    /**
     * The weight a layer input names: a Const node or a name no node produces, directly or
     * through one Identity, Cast or Dequantize, as {@link #consumers} allows; else null.
     */
    private String weightName(String input) {
        if (input == null) {
            return null;
        }
        Node producer = nodesByName.get(input);
        if (producer == null || producer.op.equals("Const")) {
            return input;
        }
        if (PASS_THROUGH.contains(producer.op) && !producer.inputs.isEmpty() && producer.inputs.get(0) != null) {
            String source = producer.inputs.get(0);
            Node sourceNode = nodesByName.get(source);
            return sourceNode == null || sourceNode.op.equals("Const") ? source : null;
        }
        return null;
    }

    private List<Use> consumers(String name) {
        List<Use> out = new ArrayList<>();
        for (Use use : usesByName.getOrDefault(name, List.of())) {
            Node node = use.node;
            boolean passes = use.slot == 0 && PASS_THROUGH.contains(node.op) && !node.name.isEmpty();
            List<Use> next = passes ? usesByName.getOrDefault(node.name, List.of()) : List.of();
            if (next.isEmpty()) {
                out.add(use);
            } else {
                out.addAll(next);
            }
        }
        out.sort(Comparator.comparingInt(Use::order).thenComparingInt(Use::slot));
        return out;
    }

    private static Map<String, String> describe(Use use, int rank) throws WpkFormatException {
        Node node = use.node;
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("layer.op", node.op);
        meta.put("layer.input_index", Integer.toString(use.slot));
        boolean transposeB = false;
        if (node.op.equals("MatMul") || node.op.equals("_FusedMatMul")) {
            transposeB = boolAttr(node, "transpose_b");
            meta.put("layer.transpose_a", Boolean.toString(boolAttr(node, "transpose_a")));
            meta.put("layer.transpose_b", Boolean.toString(transposeB));
        }
        String dataFormat = stringAttr(node, "data_format");
        if (!dataFormat.isEmpty()) {
            meta.put("layer.data_format", dataFormat);
        }
        int[] axes = use.slot == 1 ? filterAxes(node.op, rank, transposeB) : null;
        if (axes != null) {
            meta.put("layer.channel_axis", Integer.toString(axes[0]));
            meta.put("layer.reduction_axis", Integer.toString(axes[1]));
        }
        return meta;
    }

    /** {channel, reduction} for the weight in slot 1 of {@code op}, or null (see the table). */
    private static int[] filterAxes(String op, int rank, boolean transposeB) {
        switch (op) {
            case "Conv2D":
            case "_FusedConv2D":
                return rank == 4 ? new int[] {3, 2} : null;
            case "Conv3D":
                return rank == 5 ? new int[] {4, 3} : null;
            case "DepthwiseConv2dNative":
            case "FusedDepthwiseConv2dNative":
                return rank == 4 ? new int[] {2, -1} : null;
            case "Conv2DBackpropInput":
                return rank == 4 ? new int[] {2, 3} : null;
            case "MatMul":
            case "_FusedMatMul":
                if (rank != 2) {
                    return null;
                }
                return transposeB ? new int[] {0, 1} : new int[] {1, 0};
            default:
                return null;
        }
    }

    /** An AttrValue's {@code b}; absent (attribute or field) is false, as in protobuf's JSON form. */
    private static boolean boolAttr(Node node, String name) throws WpkFormatException {
        Object value = node.attr.get(name);
        if (value == null) {
            return false;
        }
        String what = node.where + " attr." + name;
        Object b = Json.asObject(value, what).get("b");
        if (b == null) {
            return false;
        }
        if (!(b instanceof Boolean)) {
            throw new WpkFormatException(what + ".b must be true or false");
        }
        return (Boolean) b;
    }

    /** An AttrValue's {@code s}, which protobuf's JSON form writes as base64; absent is empty. */
    private static String stringAttr(Node node, String name) throws WpkFormatException {
        Object value = node.attr.get(name);
        if (value == null) {
            return "";
        }
        String what = node.where + " attr." + name;
        Object s = Json.asObject(value, what).get("s");
        if (s == null) {
            return "";
        }
        // Protobuf's JSON parsers accept the URL-safe alphabet too, so a model.json may use it.
        String base64 = Json.asString(s, what + ".s").replace('-', '+').replace('_', '/');
        try {
            return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new WpkFormatException(what + ".s is not base64: " + e.getMessage());
        }
    }
}
