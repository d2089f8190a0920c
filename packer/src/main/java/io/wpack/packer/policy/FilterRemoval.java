package io.wpack.packer.policy;

import io.wpack.formats.DTypes;
import io.wpack.formats.Verify;
import io.wpack.formats.WpkFormatException;
import io.wpack.packer.model.ImportedTensor;
import io.wpack.packer.model.TensorData;
import io.wpack.quantizer.LayerAxes;
import io.wpack.quantizer.WeightView;
import io.wpack.quantizer.prune.FilterPruner;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Physical removal of filter-pruned channels ({@code pack --remove-pruned-filters}): the
 * pruned filters leave the weight, and the same channels leave the layer's bias, the
 * per-channel weights of the ops in between (BatchNormalization, PRelu, a per-channel Add or
 * Mul) and the input axis of the next layers. Shapes change, so this only happens where the
 * importer found every reader of the layer's output channels ({@code layer.removable}); a layer
 * whose channels reach a residual Add, a Concat, a graph output or a depthwise layer keeps its
 * shape and has its filters zeroed instead, as without the option.
 *
 * <p>A removed channel still carried a constant (its bias through the ops that follow); that
 * constant is dropped with it, which is the approximation structured pruning makes anyway.
 */
public final class FilterRemoval {
    /** Channels {@code channels} (sorted) of {@code axis} leave the tensor. */
    public record Cut(int axis, int[] channels) {
    }

    /** One pruned layer whose filters were removed, and every tensor that lost channels with it. */
    public record Removed(String pruned, int[] filters, List<String> tensors) {
    }

    private final Map<String, List<Cut>> cuts;
    /** The pruning spec of each weight whose filters are removed. */
    private final Map<String, String> specs;
    private final List<Removed> removed;
    private final List<String> kept;

    private FilterRemoval(Map<String, List<Cut>> cuts, Map<String, String> specs, List<Removed> removed,
                          List<String> kept) {
        this.cuts = cuts;
        this.specs = specs;
        this.removed = removed;
        this.kept = kept;
    }

    /** No removal: every tensor keeps its shape. */
    public static FilterRemoval none() {
        return new FilterRemoval(Map.of(), Map.of(), List.of(), List.of());
    }

    /**
     * Plans the removal for every tensor whose decision is filter pruning. Runs the filter
     * pruner once per such tensor; {@link LossyStage} later prunes nothing more from the cut weight.
     *
     * @param decisions one per tensor, global sparsities already applied
     */
    public static FilterRemoval plan(List<ImportedTensor> tensors, List<TensorPolicy.Decision> decisions,
                                     String sourceFormat) throws IOException {
        Map<String, ImportedTensor> byName = new HashMap<>();
        for (ImportedTensor t : tensors) {
            byName.put(t.name(), t);
        }
        Map<String, List<Cut>> cuts = new LinkedHashMap<>();
        Map<String, String> specs = new HashMap<>();
        List<Removed> removed = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < tensors.size(); i++) {
            ImportedTensor t = tensors.get(i);
            TensorPolicy.Decision d = decisions.get(i);
            if (d.prune().kind() != PruneSpec.Kind.FILTER) {
                continue;
            }
            if (!"true".equals(t.metadata().get("layer.removable"))) {
                kept.add(t.name() + ": the graph does not show every reader of its output channels");
                continue;
            }
            LayerAxes axes = LossyStage.axesFor(t, d, sourceFormat);
            float[] values = LossyStage.logicalFloats(t);
            int[] filters = FilterPruner.prune(WeightView.of(t.name(), values, t.shape(), axes), d.prune().sparsity())
                    .prunedFilters().clone();
            Arrays.sort(filters);
            if (filters.length == 0) {
                continue;
            }
            long channels = t.shape()[axes.channelAxis()];
            Map<String, Integer> targets = new LinkedHashMap<>();
            targets.put(t.name(), axes.channelAxis());
            String bias = t.metadata().get("layer.bias");
            if (bias != null) {
                targets.put(bias, 0);
            }
            String reason = addTargets(t.metadata().get("layer.channel_params"), null, targets);
            if (reason == null) {
                reason = addTargets(t.metadata().get("layer.next_weights"), t.metadata().get("layer.next_input_axis"),
                        targets);
            }
            if (reason == null) {
                reason = check(targets, byName, channels, cuts);
            }
            if (reason != null) {
                kept.add(t.name() + ": " + reason);
                continue;
            }
            targets.forEach((name, axis) -> cuts.computeIfAbsent(name, k -> new ArrayList<>()).add(new Cut(axis, filters)));
            removed.add(new Removed(t.name(), filters, List.copyOf(targets.keySet())));
            specs.put(t.name(), d.prune().text());
        }
        return new FilterRemoval(cuts, specs, List.copyOf(removed), List.copyOf(kept));
    }

    /** Parses "name:axis,..." (axes null) or names with a parallel axis list; a reason when malformed. */
    private static String addTargets(String names, String axes, Map<String, Integer> out) {
        if (names == null) {
            return null;
        }
        String[] n = names.split(",");
        String[] a = axes == null ? null : axes.split(",");
        if (a != null && a.length != n.length) {
            return "the importer's next-layer hints disagree";
        }
        for (int i = 0; i < n.length; i++) {
            String name = n[i];
            String axis;
            if (a == null) {
                int colon = name.lastIndexOf(':');
                if (colon < 0) {
                    return "malformed channel parameter hint '" + name + "'";
                }
                axis = name.substring(colon + 1);
                name = name.substring(0, colon);
            } else {
                axis = a[i].trim();
            }
            try {
                Integer previous = out.putIfAbsent(name, Integer.parseInt(axis));
                if (previous != null && previous != Integer.parseInt(axis)) {
                    return "'" + name + "' reads the channels on two axes";
                }
            } catch (NumberFormatException e) {
                return "malformed axis hint '" + axis + "'";
            }
        }
        return null;
    }

    private static String check(Map<String, Integer> targets, Map<String, ImportedTensor> byName, long channels,
                                Map<String, List<Cut>> cuts) {
        for (Map.Entry<String, Integer> e : targets.entrySet()) {
            ImportedTensor target = byName.get(e.getKey());
            if (target == null) {
                return "'" + e.getKey() + "' is not a tensor of the model";
            }
            int axis = e.getValue();
            if (axis < 0 || axis >= target.shape().length || target.shape()[axis] != channels) {
                return "'" + e.getKey() + "' does not hold " + channels + " channels on axis " + axis;
            }
            if (target.dequantization() != null && !target.dequantization().hasAffine()
                    && !target.dequantization().hasWidening()) {
                return "'" + e.getKey() + "' is stored with per-channel dequantization";
            }
            for (Cut c : cuts.getOrDefault(e.getKey(), List.of())) {
                if (c.axis() == axis) {
                    return "'" + e.getKey() + "' already loses channels on axis " + axis + " to another layer";
                }
            }
        }
        return null;
    }

    /**
     * A tensor's scheme as reports show it, given the scheme of its remaining lossy stage
     * ("lossless" when none) and its metadata: the removed filters' pruning first, then the
     * stage, then the shape it was cut from.
     */
    public static String describe(String scheme, Map<String, String> metadata) {
        String filters = metadata.get("prune.filters_removed");
        if (filters != null) {
            scheme = filters + ("lossless".equals(scheme) ? "" : "+" + scheme);
        }
        String original = metadata.get("prune.original_shape");
        return original == null ? scheme : scheme + ", cut from [" + original + "]";
    }

    /** True when the tensor is a filter-pruned weight whose filters this plan removes. */
    public boolean removesFiltersOf(String name) {
        for (Removed r : removed) {
            if (r.pruned().equals(name)) {
                return true;
            }
        }
        return false;
    }

    public List<Removed> removed() {
        return removed;
    }

    /** Filter-pruned weights that keep their shape, each with the reason. */
    public List<String> kept() {
        return kept;
    }

    /**
     * The tensor with its planned channels cut out, held in memory, with the cut recorded in its
     * metadata ({@code prune.original_shape}, {@code prune.removed_channels.axisA}, and on the pruned weight
     * {@code prune.filters_removed}, its pruning spec); the tensor itself when nothing is cut.
     */
    public ImportedTensor apply(ImportedTensor t) throws IOException {
        List<Cut> mine = cuts.get(t.name());
        if (mine == null) {
            return t;
        }
        int elem = DTypes.byteSize(t.storedDtype());
        long size = t.data().byteSize();
        Verify.verify(size <= Integer.MAX_VALUE - 16, "tensor '%s' is too large (%d bytes) to remove channels from",
                t.name(), size);
        byte[] bytes = new byte[(int) size];
        try (InputStream in = t.data().open()) {
            int n = in.readNBytes(bytes, 0, bytes.length);
            Verify.verify(n == bytes.length, "tensor '%s': the source ended early", t.name());
        }
        long[] shape = t.shape().clone();
        Map<String, String> meta = new LinkedHashMap<>(t.metadata());
        meta.put("prune.original_shape", join(shape));
        if (specs.containsKey(t.name())) {
            meta.put("prune.filters_removed", specs.get(t.name()));
        }
        for (Cut c : mine) {
            bytes = cut(bytes, shape, elem, c);
            shape[c.axis()] -= c.channels().length;
            meta.put("prune.removed_channels.axis" + c.axis(), join(c.channels()));
        }
        return new ImportedTensor(t.name(), t.dtype(), shape, t.storedDtype(), t.dequantization(), meta,
                TensorData.of(bytes));
    }

    /** Row-major bytes without the slices {@code c.channels()} of axis {@code c.axis()}. */
    static byte[] cut(byte[] src, long[] shape, int elem, Cut c) throws WpkFormatException {
        long outer = 1;
        for (int i = 0; i < c.axis(); i++) {
            outer = Math.multiplyExact(outer, shape[i]);
        }
        long inner = elem;
        for (int i = c.axis() + 1; i < shape.length; i++) {
            inner = Math.multiplyExact(inner, shape[i]);
        }
        int dim = Math.toIntExact(shape[c.axis()]);
        boolean[] drop = new boolean[dim];
        for (int ch : c.channels()) {
            drop[ch] = true;
        }
        int keep = dim - c.channels().length;
        byte[] out = new byte[Math.toIntExact(Math.multiplyExact(Math.multiplyExact(outer, keep), inner))];
        int run = (int) inner;
        int o = 0;
        int s = 0;
        for (long x = 0; x < outer; x++) {
            for (int k = 0; k < dim; k++, s += run) {
                if (!drop[k]) {
                    System.arraycopy(src, s, out, o, run);
                    o += run;
                }
            }
        }
        return out;
    }

    private static String join(long[] v) {
        StringBuilder sb = new StringBuilder();
        for (long x : v) {
            sb.append(sb.length() == 0 ? "" : ",").append(x);
        }
        return sb.toString();
    }

    private static String join(int[] v) {
        StringBuilder sb = new StringBuilder();
        for (int x : v) {
            sb.append(sb.length() == 0 ? "" : ",").append(x);
        }
        return sb.toString();
    }
}
