package io.wpack.packer.onnx;

import io.wpack.packer.onnx.proto.AttributeProto;
import io.wpack.packer.onnx.proto.GraphProto;
import io.wpack.packer.onnx.proto.NodeProto;
import io.wpack.packer.onnx.proto.TensorProto;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@code layer.*} metadata of each ONNX weight: which node consumes it and, from that
 * node's op type and attributes, which axis of the weight indexes output channels and which
 * one the node sums over. The quantizer needs both to lay out per-channel scales and groups,
 * and neither can be read off the tensor alone.
 *
 * <p>Keys, in this order, each written only when it applies:
 * <ul>
 *   <li>{@code layer.op}: the consumer's op type; outside the default domain, {@code domain:op_type}
 *   <li>{@code layer.input_index}: the input slot the weight fills (Conv: 1 weight, 2 bias)
 *   <li>{@code layer.group}: the Conv / ConvTranspose / ConvInteger / QLinearConv {@code group}
 *       when above 1 (depthwise when it equals the output channels)
 *   <li>{@code layer.transA}, {@code layer.transB}: Gemm's attributes, 0 or 1
 *   <li>{@code layer.channel_axis}, {@code layer.reduction_axis}: for the weight slots below
 *   <li>{@code layer.consumers}: how many consumers the weight has, written when they would
 *       not all produce the keys above alike; the keys then describe the first in graph order
 *   <li>{@code layer.next_weights}, {@code layer.next_input_axis}, {@code layer.next_depthwise}:
 *       the layers reading this layer's output channels one to one (see below)
 * </ul>
 *
 * <table>
 *   <caption>Weight slots with known axes (default domain only)</caption>
 *   <tr><th>op</th><th>slot</th><th>layout</th><th>channel</th><th>reduction</th></tr>
 *   <tr><td>Conv, ConvInteger</td><td>1</td><td>O, I/g, k...</td><td>0</td><td>1</td></tr>
 *   <tr><td>QLinearConv</td><td>3</td><td>O, I/g, k...</td><td>0</td><td>1</td></tr>
 *   <tr><td>ConvTranspose</td><td>1</td><td>I, O/g, k...</td><td>1</td><td>0</td></tr>
 *   <tr><td>Gemm transB=1</td><td>1</td><td>N, K</td><td>0</td><td>1</td></tr>
 *   <tr><td>Gemm transB=0</td><td>1</td><td>K, N</td><td>1</td><td>0</td></tr>
 *   <tr><td>MatMul, MatMulInteger</td><td>1</td><td>..., K, N</td><td>rank-1</td><td>rank-2</td></tr>
 *   <tr><td>QLinearMatMul</td><td>3</td><td>..., K, N</td><td>rank-1</td><td>rank-2</td></tr>
 *   <tr><td>LSTM, GRU, RNN</td><td>1 (W), 2 (R)</td><td>dirs, gates*hidden, in</td><td>1</td><td>2</td></tr>
 * </table>
 * A weight whose rank does not fit its layout gets no axes; nor do biases, LSTM {@code B},
 * and the weights of ops not listed.
 *
 * <p>Consumers are the nodes of every graph, subgraphs included, whose inputs name the
 * weight. ONNX value names are unique across a model and its subgraphs, so an outer-scope
 * name used inside an {@code If} branch is the same weight. A weight feeding the data input
 * of {@code Identity}, {@code Cast}, {@code CastLike} or {@code DequantizeLinear} is
 * followed one hop, because exporters put those between a weight and its layer (fp16
 * weights cast up, QDQ models dequantizing an int8 weight); the nodes reading that node's
 * output stand in for it. A pass-through whose output nothing reads is itself the consumer.
 * Graph order is the importer's: a node, then its subgraphs, then the next node.
 *
 * <p><b>Next layers.</b> Filter pruning (DNNShifter) removes output filters of a layer; the
 * input channels that read them in the following layers go dead too. For the filter weight of
 * a Conv, ConvTranspose (group 1), Gemm or MatMul (the slots with axes above), the node's output
 * is followed forward through ops that keep channel {@code c} at index {@code c}: activations
 * (Relu, LeakyRelu, PRelu, Clip, Sigmoid, Tanh, HardSwish, HardSigmoid), BatchNormalization,
 * MaxPool, AveragePool, GlobalAveragePool, Identity, Dropout, Cast, and Add / Mul, each only
 * when reached on its first input (the other input of Add / Mul is assumed to be same-shape
 * or broadcast; no shapes are inferred). A path ends at the data input of a Conv,
 * ConvTranspose, Gemm or MatMul whose weight is an initializer or Constant (one Identity,
 * Cast, CastLike or DequantizeLinear hop allowed); anything else (Concat, Reshape, Flatten,
 * Split, Transpose, a second input, ...) ends it with nothing recorded, because channel
 * indices no longer map one to one there. Walks stop after {@value #MAX_HOPS} ops and never
 * revisit a value. The next weights of all the weight's consumers are merged, in graph order:
 * <ul>
 *   <li>{@code layer.next_weights}: their names, comma-separated
 *   <li>{@code layer.next_input_axis}: for each, the axis this layer's channel {@code c} is
 *       read on: Conv 1 (O, I, k...); ConvTranspose 0 (I, O/g, k...); Gemm 1 with transB=1,
 *       else 0; MatMul rank-2 (0 for a matrix)
 *   <li>{@code layer.next_depthwise}: for each, {@code true} when it is a grouped Conv with one
 *       input channel per group (weight dim 1 is 1): channel {@code c} is then read only by
 *       filters {@code c*M .. c*M+M-1} on axis 0 (M = O / group), which is the axis given.
 *       Written only when at least one is depthwise.
 * </ul>
 * Other grouped Convs end the path: their dim 1 holds I/group, not I. Conv and ConvTranspose
 * outputs (channels on axis 1) do not pair with MatMul (which reads the last axis), nor the
 * other way round; Gemm's rank-2 tensors pair with both. Pruning a channel that a path
 * carries into Add / Mul makes it dead only if the other operand is too (a residual branch is
 * not); the pruner has to judge that. A path that ends unrecorded leaves the list short, so
 * the keys say which channels are read one to one, not that nothing else reads them.
 */
final class OnnxLayerMetadata {
    private static final Set<String> PASS_THROUGH = Set.of("Identity", "Cast", "CastLike", "DequantizeLinear");

    /** Ops whose output 0 holds the channels of their input 0 at the same indices. */
    private static final Set<String> CHANNEL_PRESERVING = Set.of("Relu", "LeakyRelu", "PRelu", "Clip", "Sigmoid",
            "Tanh", "HardSwish", "HardSigmoid", "BatchNormalization", "MaxPool", "AveragePool", "GlobalAveragePool",
            "Identity", "Dropout", "Cast", "Add", "Mul");

    /** Channel-preserving ops a walk crosses at most; real models have a handful between two layers. */
    static final int MAX_HOPS = 64;

    /** Where a layer's output keeps its channels: axis 1 (Conv), the last axis (MatMul), or both (Gemm's rank 2). */
    private enum ChannelLayout { FIRST, LAST, EITHER }

    /** One input slot of one node; {@code order} numbers nodes depth first across all graphs. */
    private record Use(NodeProto node, int slot, int order) {
    }

    /** A weight that reads a layer's output channels one to one, on {@code inputAxis}. */
    private record NextWeight(String name, int inputAxis, boolean depthwise, int order) {
    }

    private final Map<String, List<Use>> usesByName = new HashMap<>();
    /** Values a graph (or subgraph) returns: channels that leave the graph cannot be removed. */
    private final Set<String> graphOutputs = new HashSet<>();
    /** The node producing each value. */
    private final Map<String, NodeProto> producers = new HashMap<>();
    /** Shapes of the initializers and Constant tensors: the names that are weights. */
    private final Map<String, List<Long>> weightDims = new HashMap<>();
    private int nodeCount;

    OnnxLayerMetadata(GraphProto main) {
        collect(main);
    }

    private void collect(GraphProto graph) {
        for (var output : graph.getOutputList()) {
            graphOutputs.add(output.getName());
        }
        for (TensorProto t : graph.getInitializerList()) {
            weightDims.putIfAbsent(t.getName(), t.getDimsList());
        }
        for (NodeProto node : graph.getNodeList()) {
            int order = nodeCount++;
            for (String output : node.getOutputList()) {
                if (!output.isEmpty()) {
                    producers.putIfAbsent(output, node);
                }
            }
            if (node.getOpType().equals("Constant") && isDefaultDomain(node) && node.getOutputCount() >= 1) {
                for (AttributeProto attr : node.getAttributeList()) {
                    if (attr.getName().equals("value") && attr.hasT()) {
                        weightDims.putIfAbsent(node.getOutput(0), attr.getT().getDimsList());
                    }
                }
            }
            for (int i = 0; i < node.getInputCount(); i++) {
                String input = node.getInput(i);
                if (!input.isEmpty()) { // an empty name is an omitted optional input
                    usesByName.computeIfAbsent(input, k -> new ArrayList<>()).add(new Use(node, i, order));
                }
            }
            for (AttributeProto attr : node.getAttributeList()) {
                if (attr.hasG()) {
                    collect(attr.getG());
                }
                for (GraphProto g : attr.getGraphsList()) {
                    collect(g);
                }
            }
        }
    }

    /** The {@code layer.*} keys of the weight {@code name}; empty when no node reads it. */
    Map<String, String> describe(String name, long[] shape) {
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
        if (consumers.size() == 1 && outputLayout(consumers.get(0), shape.length) != null && cone.closed
                && !next.isEmpty()) {
            Use layer = consumers.get(0);
            String bias = biasOf(layer, shape);
            if (bias != null || layer.node.getInputCount() < 3 || layer.node.getInput(2).isEmpty()) {
                first.put("layer.removable", "true");
                if (bias != null) {
                    first.put("layer.bias", bias);
                }
                if (!cone.channelParams.isEmpty()) {
                    first.put("layer.channel_params", String.join(",", cone.channelParams));
                }
            }
        }
        return first;
    }

    /** The next weights of every consumer that is a layer with this weight as its filter, merged in graph order. */
    private List<NextWeight> nextWeights(List<Use> consumers, long[] shape, Cone cone) {
        int rank = shape.length;
        Map<String, NextWeight> byName = new LinkedHashMap<>();
        for (Use use : consumers) {
            ChannelLayout layout = outputLayout(use, rank);
            if (layout != null) {
                boolean transB = intAttribute(use.node, "transB", 0) != 0;
                int channelAxis = weightAxes(use.node.getOpType(), use.slot, rank, transB)[0];
                for (NextWeight n : walk(use.node.getOutput(0), layout, shape[channelAxis], rank, cone)) {
                    byName.putIfAbsent(n.name, n);
                }
            }
        }
        List<NextWeight> out = new ArrayList<>(byName.values());
        out.sort(Comparator.comparingInt(NextWeight::order));
        return out;
    }

    /**
     * Where the output of the layer {@code use} keeps the channels the weight's channel axis
     * indexes, or null when it is no such layer (a bias, a grouped ConvTranspose, whose output
     * channel is group * O/g + j, or an op without axes).
     */
    private static ChannelLayout outputLayout(Use use, int rank) {
        NodeProto node = use.node;
        if (!isDefaultDomain(node) || node.getOutputCount() < 1 || node.getOutput(0).isEmpty()) {
            return null;
        }
        boolean transB = intAttribute(node, "transB", 0) != 0;
        if (weightAxes(node.getOpType(), use.slot, rank, transB) == null) {
            return null;
        }
        switch (node.getOpType()) {
            case "Conv":
                return ChannelLayout.FIRST;
            case "ConvTranspose":
                return intAttribute(node, "group", 1) == 1 ? ChannelLayout.FIRST : null;
            case "Gemm":
                return ChannelLayout.EITHER;
            case "MatMul":
                return ChannelLayout.LAST;
            default:
                return null;
        }
    }

    /**
     * What removing channels physically would have to touch, gathered during the walks: whether
     * every reader of the channels is known ({@code closed}), and the per-channel weights of the
     * ops in between (BatchNormalization's four, PRelu's slope, a weight added or multiplied).
     */
    private static final class Cone {
        boolean closed = true;
        final List<String> channelParams = new ArrayList<>();
    }

    /** Follows {@code start} forward through channel-preserving ops, breadth first, to the next layers. */
    private List<NextWeight> walk(String start, ChannelLayout layout, long channels, int outRank, Cone cone) {
        List<NextWeight> found = new ArrayList<>();
        Set<String> seen = new HashSet<>(List.of(start));
        List<String> frontier = List.of(start);
        for (int hop = 0; hop <= MAX_HOPS && !frontier.isEmpty(); hop++) {
            List<String> following = new ArrayList<>();
            for (String value : frontier) {
                if (graphOutputs.contains(value)) {
                    cone.closed = false;
                }
                for (Use use : usesByName.getOrDefault(value, List.of())) {
                    NodeProto node = use.node;
                    if (use.slot != 0 || !isDefaultDomain(node)) {
                        cone.closed = false;
                        continue;
                    }
                    if (CHANNEL_PRESERVING.contains(node.getOpType())) {
                        String out = node.getOutputCount() >= 1 ? node.getOutput(0) : "";
                        if (hop < MAX_HOPS && !out.isEmpty() && seen.add(out)) {
                            following.add(out);
                        } else if (hop >= MAX_HOPS || out.isEmpty()) {
                            cone.closed = false;
                        }
                        channelParams(node, layout, channels, outRank, cone);
                    } else {
                        NextWeight next = nextWeight(use, layout);
                        if (next != null && !next.depthwise) {
                            found.add(next);
                        } else {
                            if (next != null) {
                                found.add(next);
                            }
                            cone.closed = false;
                        }
                    }
                }
            }
            frontier = following;
        }
        return found;
    }

    /**
     * Records the per-channel weights of a channel-preserving op for removal; an operand that is
     * not a weight with one value per channel (a residual branch, a full-shape tensor) opens the cone.
     */
    private void channelParams(NodeProto node, ChannelLayout layout, long channels, int outRank, Cone cone) {
        String op = node.getOpType();
        int from;
        int to;
        switch (op) {
            case "BatchNormalization":
                from = 1;
                to = 4;
                break;
            case "PRelu":
            case "Add":
            case "Mul":
                from = 1;
                to = 1;
                break;
            default:
                return; // Clip's min and max are scalars; the rest take one input
        }
        for (int i = from; i <= to; i++) {
            if (i >= node.getInputCount() || node.getInput(i).isEmpty()) {
                if (!op.equals("BatchNormalization")) {
                    cone.closed = false;
                }
                continue;
            }
            String w = weightName(node.getInput(i));
            if (w == null) {
                cone.closed = false;
                continue;
            }
            List<Long> dims = weightDims.get(w);
            int axis = op.equals("BatchNormalization")
                    ? (dims.size() == 1 && dims.get(0) == channels ? 0 : -1)
                    : perChannelAxis(dims, layout, channels, outRank);
            if (axis == -2) {
                continue; // a scalar broadcasts to every channel
            }
            if (axis < 0) {
                cone.closed = false;
            } else if (!cone.channelParams.contains(w + ":" + axis)) {
                cone.channelParams.add(w + ":" + axis);
            }
        }
    }

    /**
     * The axis of {@code dims} that holds one value per channel when broadcast against the layer
     * output (numpy rules: aligned on the right): -2 when every dim is 1 (a scalar), -1 when it is
     * not per channel. Conv outputs hold channels on axis 1 of {@code outRank}; MatMul and Gemm on the last.
     */
    static int perChannelAxis(List<Long> dims, ChannelLayout layout, long channels, int outRank) {
        int axis = -2;
        for (int i = 0; i < dims.size(); i++) {
            if (dims.get(i) == 1) {
                continue;
            }
            if (dims.get(i) != channels || axis != -2) {
                return -1;
            }
            axis = i;
        }
        if (axis == -2) {
            return -2;
        }
        int outAxis = axis + (layout == ChannelLayout.FIRST ? outRank - dims.size() : 0);
        if (layout == ChannelLayout.FIRST) {
            return outAxis == 1 ? axis : -1;
        }
        return axis == dims.size() - 1 ? axis : -1;
    }

    /** The layer's bias weight when it has one value per output channel, else null. */
    private String biasOf(Use layer, long[] shape) {
        NodeProto node = layer.node;
        if (node.getInputCount() < 3 || node.getInput(2).isEmpty()) {
            return null;
        }
        String op = node.getOpType();
        if (!op.equals("Conv") && !op.equals("ConvTranspose") && !op.equals("Gemm")) {
            return null;
        }
        String w = weightName(node.getInput(2));
        if (w == null) {
            return null;
        }
        List<Long> dims = weightDims.get(w);
        boolean transB = intAttribute(node, "transB", 0) != 0;
        long channels = shape[weightAxes(op, layer.slot, shape.length, transB)[0]];
        return dims.size() == 1 && dims.get(0) == channels ? w : null;
    }

    /** The weight of the layer whose data input {@code use} is, with the axis it reads channels on; or null. */
    private NextWeight nextWeight(Use use, ChannelLayout layout) {
        NodeProto node = use.node;
        if (node.getInputCount() < 2) {
            return null;
        }
        String weight = weightName(node.getInput(1));
        if (weight == null) {
            return null;
        }
        List<Long> dims = weightDims.get(weight);
        int rank = dims.size();
        switch (node.getOpType()) {
            case "Conv": {
                if (layout == ChannelLayout.LAST || rank < 3) {
                    return null;
                }
                if (intAttribute(node, "group", 1) == 1) {
                    return new NextWeight(weight, 1, false, use.order);
                }
                return dims.get(1) == 1 ? new NextWeight(weight, 0, true, use.order) : null;
            }
            case "ConvTranspose":
                return layout == ChannelLayout.LAST || rank < 3 ? null : new NextWeight(weight, 0, false, use.order);
            case "Gemm":
                if (intAttribute(node, "transA", 0) != 0 || rank != 2) {
                    return null;
                }
                return new NextWeight(weight, intAttribute(node, "transB", 0) != 0 ? 1 : 0, false, use.order);
            case "MatMul":
                return layout == ChannelLayout.FIRST || rank < 2 ? null
                        : new NextWeight(weight, rank - 2, false, use.order);
            default:
                return null;
        }
    }

    /**
     * The weight a layer input names: an initializer or Constant, or one read through a single
     * Identity, Cast, CastLike or DequantizeLinear, as {@link #consumers} allows; else null.
     */
    private String weightName(String input) {
        if (weightDims.containsKey(input)) {
            return input;
        }
        NodeProto producer = producers.get(input);
        if (producer != null && isDefaultDomain(producer) && PASS_THROUGH.contains(producer.getOpType())
                && producer.getInputCount() >= 1 && producer.getOutput(0).equals(input)
                && weightDims.containsKey(producer.getInput(0))) {
            return producer.getInput(0);
        }
        return null;
    }

    private List<Use> consumers(String name) {
        List<Use> out = new ArrayList<>();
        for (Use use : usesByName.getOrDefault(name, List.of())) {
            List<Use> next = passesThrough(use) ? usesByName.getOrDefault(use.node.getOutput(0), List.of()) : List.of();
            if (next.isEmpty()) {
                out.add(use);
            } else {
                out.addAll(next);
            }
        }
        out.sort(Comparator.comparingInt(Use::order).thenComparingInt(Use::slot));
        return out;
    }

    private static boolean passesThrough(Use use) {
        NodeProto node = use.node;
        return use.slot == 0 && isDefaultDomain(node) && PASS_THROUGH.contains(node.getOpType())
                && node.getOutputCount() >= 1 && !node.getOutput(0).isEmpty();
    }

    private static boolean isDefaultDomain(NodeProto node) {
        return node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx");
    }

    private static Map<String, String> describe(Use use, int rank) {
        NodeProto node = use.node;
        String op = node.getOpType();
        Map<String, String> meta = new LinkedHashMap<>();
        boolean standard = isDefaultDomain(node);
        meta.put("layer.op", standard ? op : node.getDomain() + ":" + op);
        meta.put("layer.input_index", Integer.toString(use.slot));
        if (!standard) {
            return meta;
        }
        boolean transB = false;
        switch (op) {
            case "Conv":
            case "ConvTranspose":
            case "ConvInteger":
            case "QLinearConv": {
                long group = intAttribute(node, "group", 1);
                if (group > 1) {
                    meta.put("layer.group", Long.toString(group));
                }
                break;
            }
            case "Gemm":
                transB = intAttribute(node, "transB", 0) != 0;
                meta.put("layer.transA", intAttribute(node, "transA", 0) != 0 ? "1" : "0");
                meta.put("layer.transB", transB ? "1" : "0");
                break;
            default:
                break;
        }
        int[] axes = weightAxes(op, use.slot, rank, transB);
        if (axes != null) {
            meta.put("layer.channel_axis", Integer.toString(axes[0]));
            meta.put("layer.reduction_axis", Integer.toString(axes[1]));
        }
        return meta;
    }

    /** {channel, reduction} for a weight in {@code slot} of a default-domain {@code op}, or null (see the table). */
    private static int[] weightAxes(String op, int slot, int rank, boolean transB) {
        switch (op) {
            case "Conv":
            case "ConvInteger":
                return slot == 1 && rank >= 3 ? new int[] {0, 1} : null;
            case "QLinearConv":
                return slot == 3 && rank >= 3 ? new int[] {0, 1} : null;
            case "ConvTranspose":
                return slot == 1 && rank >= 3 ? new int[] {1, 0} : null;
            case "Gemm":
                if (slot != 1 || rank != 2) {
                    return null;
                }
                return transB ? new int[] {0, 1} : new int[] {1, 0};
            case "MatMul":
            case "MatMulInteger":
                return slot == 1 && rank >= 2 ? new int[] {rank - 1, rank - 2} : null;
            case "QLinearMatMul":
                return slot == 3 && rank >= 2 ? new int[] {rank - 1, rank - 2} : null;
            case "LSTM":
            case "GRU":
            case "RNN":
                return (slot == 1 || slot == 2) && rank == 3 ? new int[] {1, 2} : null;
            default:
                return null;
        }
    }

    private static long intAttribute(NodeProto node, String name, long absent) {
        for (AttributeProto attr : node.getAttributeList()) {
            if (attr.getName().equals(name)) {
                return attr.getI();
            }
        }
        return absent;
    }
}
