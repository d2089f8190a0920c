package io.wpack.packer.policy;

import io.wpack.formats.DTypes;
import io.wpack.formats.FloatBits;
import io.wpack.formats.Verify;
import io.wpack.formats.WpkFormatException;
import io.wpack.formats.proto.CodebookDequantization;
import io.wpack.formats.proto.DType;
import io.wpack.formats.proto.Dequantization;
import io.wpack.formats.proto.FloatWidening;
import io.wpack.formats.proto.IntegerDequantization;
import io.wpack.packer.model.ImportedTensor;
import io.wpack.packer.model.TensorData;
import io.wpack.quantizer.ChannelAxes;
import io.wpack.quantizer.CodebookQuantization;
import io.wpack.quantizer.CodebookQuantizer;
import io.wpack.quantizer.FloatFormat;
import io.wpack.quantizer.FloatQuantization;
import io.wpack.quantizer.FloatQuantizer;
import io.wpack.quantizer.IntegerQuantization;
import io.wpack.quantizer.IntegerQuantizer;
import io.wpack.quantizer.LayerAxes;
import io.wpack.quantizer.QuantizationError;
import io.wpack.quantizer.QuantizedTensor;
import io.wpack.quantizer.WeightView;
import io.wpack.quantizer.prune.BcrPruner;
import io.wpack.quantizer.prune.BlockPruner;
import io.wpack.quantizer.prune.FilterPruner;
import io.wpack.quantizer.prune.MagnitudePruner;
import io.wpack.quantizer.prune.NmPruner;
import io.wpack.quantizer.prune.PatternPruner;
import io.wpack.quantizer.prune.PruningMask;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Applies a policy decision to one tensor: prune, then quantize the survivors, and measure
 * the error against the original. The result is a tensor whose payload is the codes and
 * whose dequantization record lets the loader rebuild, bit for bit, the reconstruction the
 * error was measured on.
 */
public final class LossyStage {
    private LossyStage() {
    }

    /**
     * The lossy tensor and what it cost. {@code reconstruction} is what the error was measured on and what the
     * loader must return for the tensor, bit for bit.
     */
    public record Result(ImportedTensor tensor, String scheme, QuantizationError error, float[] reconstruction,
                         int[] removedFilters) {
    }

    public static Result apply(ImportedTensor t, TensorPolicy.Decision d, String sourceFormat) throws IOException {
        float[] values = logicalFloats(t);
        long[] shape = t.shape();
        LayerAxes axes = axesFor(t, d, sourceFormat);
        WeightView view = WeightView.of(t.name(), values, shape, axes);

        PruneSpec pruneSpec = d.prune();
        int[] spatial = null;
        if (pruneSpec.kind() == PruneSpec.Kind.PATTERN) {
            spatial = kernelAxes(shape, sourceFormat);
            if (spatial == null) {
                // Kernel patterns only exist in k×k convolutions; other tensors under the same rule are only quantized.
                pruneSpec = PruneSpec.NONE;
            }
        }
        PruningMask mask;
        int[] removedFilters = null;
        if (pruneSpec.kind() == PruneSpec.Kind.PATTERN) {
            mask = PatternPruner.prune(view, spatial[0], spatial[1], pruneSpec.patterns(), pruneSpec.sparsity()).mask();
        } else if (pruneSpec.kind() == PruneSpec.Kind.FILTER) {
            var filters = FilterPruner.prune(view, pruneSpec.sparsity());
            mask = filters.mask();
            removedFilters = filters.prunedFilters().clone();
            java.util.Arrays.sort(removedFilters);
        } else {
            mask = prune(view, pruneSpec);
        }
        boolean[] keep = mask == null ? null : mask.keep();

        Map<String, String> meta = new LinkedHashMap<>(t.metadata());
        meta.put("lossy.quant", d.quant().text());
        meta.put("lossy.prune", pruneSpec.text());
        if (t.dtype() != DType.F32) {
            meta.put("lossy.source_dtype", DTypes.displayName(t.dtype()));
        }
        if (axes.channelAxis() >= 0) {
            meta.put("lossy.channel_axis", Integer.toString(axes.channelAxis()));
        }
        if (axes.reductionAxis() >= 0) {
            meta.put("lossy.reduction_axis", Integer.toString(axes.reductionAxis()));
        }

        ImportedTensor out;
        float[] reconstruction;
        QuantSpec q = d.quant();
        switch (q.kind()) {
            case NONE: {
                io.wpack.quantizer.FiniteValues.require(view);
                reconstruction = values.clone();
                if (keep != null) {
                    for (int i = 0; i < keep.length; i++) {
                        if (!keep[i]) {
                            reconstruction[i] = 0f;
                        }
                    }
                }
                out = new ImportedTensor(t.name(), DType.F32, shape, DType.F32, null, meta, TensorData.of(floatBytes(reconstruction)));
                break;
            }
            case INTEGER: {
                IntegerQuantizer.Builder b = IntegerQuantizer.builder().bits(q.bits()).signed(q.signed())
                        .halfScales(q.halfPrecision());
                b = q.symmetric() ? b.symmetric() : b.affine();
                b = switch (q.granularity()) {
                    case TENSOR -> b.perTensor();
                    case CHANNEL -> axes.channelAxis() >= 0 ? b.perChannel() : b.perTensor();
                    case GROUP -> b.perGroup(q.groupSize());
                };
                IntegerQuantization iq = b.build().quantize(view, keep);
                if (q.mergeSteps() > 0) {
                    iq = mergeBlocks(t.name(), iq, shape, axes, q.mergeSteps(), meta);
                }
                IntegerDequantization.Builder dq = IntegerDequantization.newBuilder().setBits(q.bits())
                        .setGranularity(switch (iq.granularity()) {
                            case PER_TENSOR -> io.wpack.formats.proto.Granularity.PER_TENSOR;
                            case PER_CHANNEL -> io.wpack.formats.proto.Granularity.PER_CHANNEL;
                            case PER_GROUP -> io.wpack.formats.proto.Granularity.PER_GROUP;
                        })
                        .setChannelAxis(iq.axes().channelAxis()).setReductionAxis(iq.axes().reductionAxis())
                        .setGroupSize(iq.groupSize());
                if (iq.halfScales()) {
                    byte[] half = new byte[2 * iq.scales().length];
                    for (int i = 0; i < iq.scales().length; i++) {
                        short h = io.wpack.formats.FloatBits.floatToHalf(iq.scales()[i]);
                        half[2 * i] = (byte) h;
                        half[2 * i + 1] = (byte) (h >> 8);
                    }
                    dq.setHalfScales(com.google.protobuf.ByteString.copyFrom(half));
                } else {
                    for (float s : iq.scales()) {
                        dq.addScales(s);
                    }
                }
                boolean anyZero = false;
                for (int z : iq.zeroPoints()) {
                    anyZero |= z != 0;
                }
                if (anyZero) {
                    for (int z : iq.zeroPoints()) {
                        dq.addZeroPoints(z);
                    }
                }
                reconstruction = iq.dequantize();
                out = new ImportedTensor(t.name(), DType.F32, shape, q.signed() ? DType.I8 : DType.U8,
                        Dequantization.newBuilder().setInteger(dq).build(), meta, TensorData.of(iq.codes()));
                check(iq, reconstruction);
                break;
            }
            case CODEBOOK: {
                CodebookQuantizer.Builder b = CodebookQuantizer.builder().entries(q.entries())
                        .centroidFormat(q.halfPrecision() ? CodebookQuantizer.CentroidFormat.F16
                                : CodebookQuantizer.CentroidFormat.F32);
                b = q.granularity() == QuantSpec.Granularity.CHANNEL && axes.channelAxis() >= 0 ? b.perChannel()
                        : b.perTensor();
                CodebookQuantization cq = b.build().quantize(view, keep);
                CodebookDequantization.Builder dq = CodebookDequantization.newBuilder().setEntries(cq.entries())
                        .setPerChannel(cq.codebookCount() > 1 || q.granularity() == QuantSpec.Granularity.CHANNEL
                                && axes.channelAxis() >= 0)
                        .setChannelAxis(Math.max(0, cq.axes().channelAxis())).setHalfPrecision(q.halfPrecision());
                for (float c : cq.codebooks()) {
                    dq.addCodebooks(c);
                }
                reconstruction = cq.dequantize();
                out = new ImportedTensor(t.name(), DType.F32, shape, DType.U8,
                        Dequantization.newBuilder().setCodebook(dq).build(), meta, TensorData.of(cq.codes()));
                break;
            }
            case FLOAT: {
                FloatFormat f = switch (q.floatFormat()) {
                    case "fp16" -> FloatFormat.F16;
                    case "bf16" -> FloatFormat.BF16;
                    case "fp8_e5m2" -> FloatFormat.F8_E5M2;
                    default -> FloatFormat.F8_E4M3;
                };
                FloatQuantization fq = FloatQuantizer.of(f).quantize(view, keep);
                reconstruction = fq.dequantize();
                short[] codes = fq.codes();
                byte[] bytes;
                if (f.bits() == 16) {
                    ByteBuffer bb = ByteBuffer.allocate(codes.length * 2).order(ByteOrder.LITTLE_ENDIAN);
                    for (short c : codes) {
                        bb.putShort(c);
                    }
                    bytes = bb.array();
                } else {
                    bytes = new byte[codes.length];
                    for (int i = 0; i < codes.length; i++) {
                        bytes[i] = (byte) codes[i];
                    }
                }
                out = new ImportedTensor(t.name(), DType.F32, shape, f.dtype(),
                        Dequantization.newBuilder().setWidening(FloatWidening.getDefaultInstance()).build(), meta,
                        TensorData.of(bytes));
                break;
            }
            default:
                throw new IllegalStateException();
        }
        QuantizationError error = QuantizationError.measure(values, reconstruction,
                out.data().byteSize() * 8.0 / Math.max(1, values.length));
        if (removedFilters != null) {
            StringBuilder sb = new StringBuilder();
            for (int f : removedFilters) {
                sb.append(sb.length() == 0 ? "" : ",").append(f);
            }
            meta.put("prune.removed_filters", sb.toString());
        }
        meta.put("error.sqnr_db", format(error.sqnrDb()));
        meta.put("error.max_abs", format(error.maxAbsError()));
        meta.put("error.sparsity", format(error.sparsity()));
        String scheme = pruneSpec.isNone() ? q.text() : pruneSpec.text() + "+" + q.text();
        return new Result(out, scheme, error, reconstruction, removedFilters);
    }

    /**
     * The optional lossy block merge ({@code :mergeS}): blocks of four codes along the reduction
     * axis move to a frequent block within S steps with the same zeros. Records how many moved.
     */
    private static IntegerQuantization mergeBlocks(String name, IntegerQuantization iq, long[] shape, LayerAxes axes,
                                                   int steps, Map<String, String> meta) {
        if (shape.length == 0) {
            return iq;
        }
        int axis = axes.reductionAxis() >= 0 && axes.reductionAxis() < shape.length ? axes.reductionAxis()
                : shape.length - 1;
        io.wpack.patterns.CodeTensor codes = new io.wpack.patterns.CodeTensor(name, iq.codes(), shape, axis);
        io.wpack.patterns.PatternPlan plan = io.wpack.patterns.DictionaryPlanner.plan(codes,
                io.wpack.patterns.PatternMiner.countValues(codes, io.wpack.patterns.BlockShape.ROW_4));
        io.wpack.patterns.BlockMerger.Merged m = io.wpack.patterns.BlockMerger.merge(codes, plan, steps);
        meta.put("lossy.merged_blocks", Long.toString(m.blocksChanged()));
        return m.blocksChanged() == 0 ? iq : iq.withCodes(m.tensor().codes());
    }

    private static void check(QuantizedTensor q, float[] reconstruction) {
        if (reconstruction.length != q.size()) {
            throw new IllegalStateException("reconstruction size");
        }
    }

    private static String format(double v) {
        return Double.isInfinite(v) ? (v > 0 ? "inf" : "-inf") : String.format(Locale.ROOT, "%.6g", v);
    }

    private static PruningMask prune(WeightView view, PruneSpec p) throws WpkFormatException {
        return switch (p.kind()) {
            case NONE -> null;
            case MAGNITUDE -> MagnitudePruner.prune(view, p.sparsity());
            case NM -> NmPruner.prune(view, p.n(), p.m());
            case BLOCK -> BlockPruner.prune(view, p.rows(), p.cols(), p.sparsity());
            case BCR -> BcrPruner.prune(view, p.rows(), p.cols(), p.sparsity());
            case PATTERN -> PatternPruner.prune(view, p.patterns(), p.sparsity()).mask();
            case FILTER -> FilterPruner.prune(view, p.sparsity()).mask();
        };
    }

    /**
     * The spatial axes of a convolution kernel that PatDNN patterns apply to: H and W of ONNX's OIHW, of
     * TF.js's HWIO; null when the tensor is not a k×k kernel with room for a 4-entry pattern plus pruning.
     */
    static int[] kernelAxes(long[] shape, String sourceFormat) {
        if (shape.length != 4) {
            return null;
        }
        int[] axes = "tfjs".equals(sourceFormat) ? new int[] {0, 1} : new int[] {2, 3};
        long kh = shape[axes[0]];
        long kw = shape[axes[1]];
        return kh >= 2 && kw >= 2 && kh <= 11 && kw <= 11 && kh * kw > 4 ? axes : null;
    }

    /** Channel and reduction axes: the rule's override, else what the importer read from the graph, else a default by rank. */
    static LayerAxes axesFor(ImportedTensor t, TensorPolicy.Decision d, String sourceFormat) {
        long[] shape = t.shape();
        int rank = shape.length;
        String ch = t.metadata().get("layer.channel_axis");
        String red = t.metadata().get("layer.reduction_axis");
        int c;
        int r;
        if (ch != null) {
            c = Integer.parseInt(ch);
            r = red != null ? Integer.parseInt(red) : -1;
        } else {
            // No graph to ask (npz, safetensors): the channel is the first axis longer than 1, so that the
            // singleton axes of [1,1,in,out] kernels do not collapse per-channel scales to one; groups run
            // along the longest other axis, so that they hold whole runs of weights.
            c = -1;
            for (int i = 0; i < rank && c < 0; i++) {
                if (shape[i] > 1) {
                    c = i;
                }
            }
            if (c < 0) {
                c = rank > 0 ? 0 : -1;
            }
            r = -1;
            for (int i = 0; i < rank; i++) {
                if (i != c && (r < 0 || shape[i] >= shape[r])) {
                    r = i;
                }
            }
        }
        if (d.channelAxis() != null) {
            c = d.channelAxis();
        }
        if (d.reductionAxis() != null) {
            r = d.reductionAxis();
        }
        if (c >= rank) {
            c = rank > 0 ? 0 : -1;
        }
        if (rank > 0 && (r < 0 || r >= rank || r == c)) {
            // Depthwise kernels reduce only over their window: quantize groups along the last other axis.
            r = c == rank - 1 ? rank - 2 : rank - 1;
        }
        if (rank == 1) {
            c = -1; // a vector has no channels: per-channel becomes per-tensor
            r = 0;
        }
        return new LayerAxes(c, r);
    }

    /**
     * Turns {@code magnitude:S:global} decisions into per-tensor sparsities: one threshold on
     * |w| over all the tensors those decisions select, chosen so that S of their weights fall
     * below it. Reads those tensors once, up front.
     */
    public static java.util.Map<String, Double> globalSparsities(java.util.List<ImportedTensor> tensors,
                                                                 java.util.List<TensorPolicy.Decision> decisions)
            throws IOException {
        java.util.Map<Double, java.util.List<Integer>> bySparsity = new java.util.LinkedHashMap<>();
        for (int i = 0; i < tensors.size(); i++) {
            PruneSpec p = decisions.get(i).prune();
            if (p.kind() == PruneSpec.Kind.MAGNITUDE && p.global()) {
                bySparsity.computeIfAbsent(p.sparsity(), k -> new java.util.ArrayList<>()).add(i);
            }
        }
        java.util.Map<String, Double> out = new java.util.HashMap<>();
        for (var group : bySparsity.entrySet()) {
            java.util.List<float[]> magnitudes = new java.util.ArrayList<>();
            long total = 0;
            for (int i : group.getValue()) {
                float[] v = logicalFloats(tensors.get(i));
                for (int k = 0; k < v.length; k++) {
                    v[k] = Math.abs(v[k]);
                }
                magnitudes.add(v);
                total += v.length;
            }
            float[] all = new float[Verify.toIntSize(total, "global pruning set")];
            int pos = 0;
            for (float[] v : magnitudes) {
                System.arraycopy(v, 0, all, pos, v.length);
                pos += v.length;
            }
            java.util.Arrays.sort(all);
            long remove = total - io.wpack.quantizer.prune.Sparsity.keepCount(total, group.getKey());
            float threshold = remove == 0 ? Float.NEGATIVE_INFINITY : all[(int) remove - 1];
            for (int j = 0; j < group.getValue().size(); j++) {
                float[] v = magnitudes.get(j);
                long below = 0;
                for (float f : v) {
                    below += f <= threshold ? 1 : 0;
                }
                out.put(tensors.get(group.getValue().get(j)).name(), v.length == 0 ? 0.0 : Math.min(
                        Math.nextDown(1.0), (double) below / v.length));
            }
        }
        return out;
    }

    /** The tensor's logical values as float32, computed as the loader would. */
    static float[] logicalFloats(ImportedTensor t) throws IOException {
        long n = DTypes.elementCount(t.shape());
        int count = Verify.toIntSize(n, "tensor '" + t.name() + "' element count");
        byte[] raw;
        try (InputStream in = t.data().open()) {
            raw = in.readNBytes(Verify.toIntSize(t.data().byteSize(), "tensor '" + t.name() + "'"));
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[count];
        DType stored = t.storedDtype();
        Dequantization dq = t.dequantization();
        for (int i = 0; i < count; i++) {
            double v = switch (stored) {
                case F32 -> b.getFloat();
                case F64 -> b.getDouble();
                case F16 -> FloatBits.halfToFloat(b.getShort());
                case BF16 -> FloatBits.bf16ToFloat(b.getShort());
                case U8 -> b.get() & 0xFF;
                case U16 -> b.getShort() & 0xFFFF;
                default -> throw new WpkFormatException("tensor '" + t.name() + "': lossy schemes need a float tensor, not "
                        + DTypes.displayName(stored));
            };
            if (dq != null && dq.hasAffine()) {
                v = v * dq.getAffine().getScale() + dq.getAffine().getMin();
            }
            out[i] = (float) v;
        }
        return out;
    }

    private static byte[] floatBytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }
}
