package io.wpack.packer.onnx;

import io.wpack.packer.onnx.proto.AttributeProto;
import io.wpack.packer.onnx.proto.GraphProto;
import io.wpack.packer.onnx.proto.NodeProto;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 */
final class OnnxLayerMetadata {
    private static final Set<String> PASS_THROUGH = Set.of("Identity", "Cast", "CastLike", "DequantizeLinear");

    /** One input slot of one node; {@code order} numbers nodes depth first across all graphs. */
    private record Use(NodeProto node, int slot, int order) {
    }

    private final Map<String, List<Use>> usesByName = new HashMap<>();
    private int nodeCount;

    OnnxLayerMetadata(GraphProto main) {
        collect(main);
    }

    private void collect(GraphProto graph) {
        for (NodeProto node : graph.getNodeList()) {
            int order = nodeCount++;
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
        return first;
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
