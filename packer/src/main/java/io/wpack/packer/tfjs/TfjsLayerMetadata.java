package io.wpack.packer.tfjs;

import io.wpack.formats.WpkFormatException;
import io.wpack.packer.json.Json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 * <p>Not covered: nodes inside {@code modelTopology.library.function} bodies, which name
 * their inputs by function argument, and layers models, whose topology is a Keras config
 * rather than a node list. Their weights get no {@code layer.*} keys.
 */
final class TfjsLayerMetadata {
    private static final Set<String> PASS_THROUGH = Set.of("Identity", "Cast", "Dequantize");

    /** A graph node, with what the keys need already read and checked. */
    private record Node(String name, String op, Map<String, Object> attr, String where) {
    }

    /** One input slot of one node; {@code order} is the node's position in the list. */
    private record Use(Node node, int slot, int order) {
    }

    static final TfjsLayerMetadata NONE = new TfjsLayerMetadata(Map.of());

    private final Map<String, List<Use>> usesByName;

    private TfjsLayerMetadata(Map<String, List<Use>> usesByName) {
        this.usesByName = usesByName;
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
        for (int n = 0; n < nodes.size(); n++) {
            String where = file + ": modelTopology.node[" + n + "]";
            Map<String, Object> json = Json.asObject(nodes.get(n), where);
            String name = json.get("name") == null ? "" : Json.asString(json.get("name"), where + " name");
            if (!name.isEmpty()) {
                where += " (\"" + name + "\")";
            }
            String op = Json.asString(Json.require(json, "op", where), where + " op");
            Map<String, Object> attr = json.get("attr") == null ? Map.of() : Json.asObject(json.get("attr"), where + " attr");
            Node node = new Node(name, op, attr, where);
            // Protobuf's JSON form leaves out empty lists, so a node without inputs may have no "input" at all.
            List<Object> inputs = json.get("input") == null ? List.of() : Json.asList(json.get("input"), where + " input");
            for (int i = 0; i < inputs.size(); i++) {
                String producer = producer(Json.asString(inputs.get(i), where + " input[" + i + "]"));
                if (producer != null) {
                    uses.computeIfAbsent(producer, k -> new ArrayList<>()).add(new Use(node, i, n));
                }
            }
        }
        return new TfjsLayerMetadata(uses);
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
        return first;
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
