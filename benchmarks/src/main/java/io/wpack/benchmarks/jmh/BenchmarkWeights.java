package io.wpack.benchmarks.jmh;

import io.wpack.benchmarks.ModelSets;
import io.wpack.benchmarks.ModelSource;
import io.wpack.benchmarks.ProjectPaths;
import io.wpack.benchmarks.SyntheticModels;
import io.wpack.formats.DTypes;
import io.wpack.formats.FloatBits;
import io.wpack.formats.WpkFormatException;
import io.wpack.formats.proto.DType;
import io.wpack.formats.proto.Dequantization;
import io.wpack.packer.demo.SyntheticTensors;
import io.wpack.packer.model.ImportedModel;
import io.wpack.packer.model.ImportedTensor;
import io.wpack.packer.policy.TensorPolicy;
import io.wpack.quantizer.ChannelAxes;
import io.wpack.quantizer.IntegerQuantizer;
import io.wpack.quantizer.LayerAxes;
import io.wpack.quantizer.WeightView;
import io.wpack.quantizer.prune.MagnitudePruner;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;

/**
 * The data the JMH benchmarks run on, the same models as the tests and the pipeline driver:
 * from the corpus when it is there ({@code ../shared/corpus} above the working folder, or
 * {@code -Dwpack.corpus}; JMH passes {@code -jvmArgs} to its forks), synthetic otherwise.
 * Each setup prints which it used.
 */
final class BenchmarkWeights {
    /** Corpus models with float32 weights, in order of preference. */
    static final List<String> FLOAT32_MODELS = List.of("tfjs/mobilefacenet.json", "npz/mobilefacenet_f32.npz",
            "tfjs/posenet.json", "tfjs/efficientpose.json");

    /**
     * Corpus models whose int8 codes make the byte-codec data: three different float32 networks
     * (mobilefacenet is in the corpus three times, once per format; a repeat would hand LZ
     * coders a free match that real packages do not have).
     */
    static final List<String> INT8_MODELS = List.of("tfjs/mobilefacenet.json", "tfjs/posenet.json",
            "tfjs/efficientpose.json");

    /**
     * Shape of the synthetic stand-in for a dense k×k convolution, which the corpus lacks: its
     * k×k kernels are depthwise, or a few thousand weights.
     */
    static final long[] SYNTHETIC_CONV_SHAPE = {256, 128, 3, 3};

    private BenchmarkWeights() {
    }

    /** The first corpus model of {@link #FLOAT32_MODELS} that exists, or null. */
    static Path corpusModel() throws IOException {
        Path corpus = ProjectPaths.corpus(ProjectPaths.findRoot());
        if (corpus == null) {
            return null;
        }
        for (String m : FLOAT32_MODELS) {
            Path p = corpus.resolve(m);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    /** A model for the loader benchmark: a float32 corpus model, else the synthetic float32 MLP. */
    static ModelSource model() throws IOException {
        Path p = corpusModel();
        return p != null ? ModelSource.corpusFile(p.getParent().getFileName() + "/" + p.getFileName(), p)
                : ModelSource.generated(SyntheticModels.GAUSSIAN_F32);
    }

    /**
     * Up to {@code maxBytes} of float32 weights: the float32 tensors of {@link #model()}, back to
     * back in model order (the last one cut at an element boundary).
     */
    static byte[] float32(int maxBytes, StringBuilder source) throws IOException {
        ModelSource m = model();
        ImportedModel model = m.importModel();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        for (ImportedTensor t : model.tensors()) {
            if (t.storedDtype() != DType.F32 || out.size() >= maxBytes) {
                continue;
            }
            try (InputStream in = t.data().open()) {
                int r;
                while ((r = in.read(buf)) > 0 && out.size() < maxBytes) {
                    out.write(buf, 0, Math.min(r, maxBytes - out.size()));
                }
            }
        }
        byte[] b = out.toByteArray();
        source.append(m.id()).append(", ").append(b.length / 4).append(" float32 weights");
        return Arrays.copyOf(b, b.length / 4 * 4);
    }

    /**
     * Byte-codec input of one kind, at most {@code maxBytes} and a multiple of 4 bytes (so every
     * codec, floatplanes included, takes it):
     * <ul>
     *   <li>{@code f32}: {@link #float32};</li>
     *   <li>{@code int8}: int8 symmetric per-channel codes of the tensors of {@link #INT8_MODELS}
     *       the packer's {@code int8} preset quantizes (float, rank 2 and up, not tiny), with its
     *       axes;</li>
     *   <li>{@code int8-mag80}: the same after 80% magnitude pruning per tensor (the
     *       {@code mag80-int8} preset): 80% of the codes are 0.</li>
     * </ul>
     * Without a corpus, the synthetic float32 MLP stands in for the models.
     */
    static byte[] codecData(String kind, int maxBytes, StringBuilder source) throws IOException {
        byte[] b;
        switch (kind) {
            case "f32":
                b = float32(maxBytes, source);
                break;
            case "int8":
                b = int8Codes(maxBytes, 0, source);
                break;
            case "int8-mag80":
                b = int8Codes(maxBytes, 0.8, source);
                break;
            default:
                throw new IllegalArgumentException("unknown data '" + kind + "'; expected f32, int8 or int8-mag80");
        }
        b = Arrays.copyOf(b, b.length / 4 * 4);
        CRC32 crc = new CRC32();
        crc.update(b);
        source.append(String.format(Locale.ROOT, "; %d bytes, CRC32 %08x", b.length, crc.getValue()));
        return b;
    }

    private static byte[] int8Codes(int maxBytes, double sparsity, StringBuilder source) throws IOException {
        List<ModelSource> models = new ArrayList<>();
        Path corpus = ProjectPaths.corpus(ProjectPaths.findRoot());
        for (String m : corpus == null ? List.<String>of() : INT8_MODELS) {
            Path p = corpus.resolve(m);
            if (Files.isRegularFile(p)) {
                models.add(ModelSource.corpusFile(m, p));
            }
        }
        if (models.isEmpty()) {
            models.add(ModelSource.generated(SyntheticModels.GAUSSIAN_F32));
        }
        IntegerQuantizer int8 = IntegerQuantizer.builder().bits(8).symmetric().perChannel().build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> used = new ArrayList<>();
        for (ModelSource m : models) {
            if (out.size() >= maxBytes) {
                break;
            }
            used.add(m.id());
            for (ImportedTensor t : m.importModel().tensors()) {
                // What the int8 preset quantizes: it keeps 1-D and tiny tensors lossless.
                if (!DTypes.isFloat(t.dtype()) || t.shape().length < 2
                        || DTypes.elementCount(t.shape()) < TensorPolicy.TINY_ELEMENTS || out.size() >= maxBytes) {
                    continue;
                }
                WeightView view = view(t, logicalFloats(t));
                boolean[] keep = sparsity > 0 ? MagnitudePruner.prune(view, sparsity).keep() : null;
                byte[] codes = int8.quantize(view, keep).codes();
                out.write(codes, 0, Math.min(codes.length, maxBytes - out.size()));
            }
        }
        source.append(String.join(" + ", used)).append(", int8 per-channel codes")
                .append(sparsity > 0 ? String.format(Locale.ROOT, " after %.0f%% magnitude pruning", sparsity * 100) : "");
        return out.toByteArray();
    }

    /**
     * A float tensor with its logical values, for the quantizer, pruner and layout benchmarks.
     *
     * @param source   the model id, {@code synthetic} for a generated tensor
     * @param storedAs how the source stores it, e.g. {@code float32} or {@code float32 stored as uint8}
     * @param axes     channel and reduction axes, as the packer would choose them
     */
    record FloatTensor(String source, String name, long[] shape, String storedAs, LayerAxes axes, float[] values) {
        static FloatTensor of(String source, ImportedTensor t) throws IOException {
            String stored = DTypes.displayName(t.dtype()) + (t.storedDtype() == t.dtype() ? ""
                    : " stored as " + DTypes.displayName(t.storedDtype()));
            return new FloatTensor(source, t.name(), t.shape(), stored, axesOf(t), logicalFloats(t));
        }

        WeightView view() throws WpkFormatException {
            return WeightView.of(name, values, shape, axes);
        }

        String describe() {
            return String.format(Locale.ROOT, "%s '%s' %s, %s, %d weights", source, name, Arrays.toString(shape),
                    storedAs, values.length);
        }
    }

    /**
     * A tensor by role:
     * <ul>
     *   <li>{@code largest}: the float tensor with the most elements across every corpus model
     *       (first in model order on a tie), whatever it is stored as;</li>
     *   <li>{@code largest-f32}: the same among tensors stored as float32, i.e. with
     *       full-precision values (the largest one may come from a model shipped as uint8, with
     *       at most 256 distinct values, which is easy for k-means);</li>
     *   <li>{@code conv3x3}: a seeded Gaussian OIHW {@link #SYNTHETIC_CONV_SHAPE} weight.</li>
     * </ul>
     * Without a corpus, {@code largest} and {@code largest-f32} are the largest tensor of the
     * synthetic float32 MLP.
     */
    static FloatTensor tensor(String role) throws IOException {
        if ("conv3x3".equals(role)) {
            return FloatTensor.of("synthetic",
                    SyntheticTensors.weights("conv.weight", DType.F32, SYNTHETIC_CONV_SHAPE, 77));
        }
        boolean f32Only;
        if ("largest".equals(role)) {
            f32Only = false;
        } else if ("largest-f32".equals(role)) {
            f32Only = true;
        } else {
            throw new IllegalArgumentException("unknown tensor '" + role + "'; expected largest, largest-f32 or conv3x3");
        }
        Path corpus = ProjectPaths.corpus(ProjectPaths.findRoot());
        List<ModelSource> models = corpus == null ? List.of() : ModelSets.corpus(corpus);
        if (models.isEmpty()) {
            models = List.of(ModelSource.generated(SyntheticModels.GAUSSIAN_F32));
        }
        ModelSource bestModel = null;
        ImportedTensor best = null;
        long bestCount = -1;
        for (ModelSource m : models) {
            for (ImportedTensor t : m.importModel().tensors()) {
                long n = DTypes.elementCount(t.shape());
                if (DTypes.isFloat(t.dtype()) && (!f32Only || t.storedDtype() == DType.F32) && n > bestCount) {
                    bestModel = m;
                    best = t;
                    bestCount = n;
                }
            }
        }
        if (best == null) {
            throw new IllegalStateException("no float tensor in " + models);
        }
        return FloatTensor.of(bestModel.id(), best);
    }

    /** A view with {@link #axesOf} the tensor. */
    static WeightView view(ImportedTensor t, float[] values) throws WpkFormatException {
        return WeightView.of(t.name(), values, t.shape(), axesOf(t));
    }

    /**
     * The axes the packer chooses (its {@code LossyStage.axesFor} without policy overrides): the
     * importer's {@code layer.channel_axis} and {@code layer.reduction_axis} where the graph gave
     * them; else the first axis longer than 1 is the channel and groups run along the longest
     * other axis; a depthwise kernel, which reduces only over its window, groups along the last
     * other axis. Below rank 2, the defaults of {@link ChannelAxes}.
     */
    static LayerAxes axesOf(ImportedTensor t) {
        long[] shape = t.shape();
        int rank = shape.length;
        if (rank < 2) {
            return ChannelAxes.defaultFor(rank);
        }
        String ch = t.metadata().get("layer.channel_axis");
        String red = t.metadata().get("layer.reduction_axis");
        int c = -1;
        int r = -1;
        if (ch != null) {
            c = Integer.parseInt(ch);
            r = red != null ? Integer.parseInt(red) : -1;
        } else {
            for (int i = 0; i < rank && c < 0; i++) {
                if (shape[i] > 1) {
                    c = i;
                }
            }
            c = Math.max(c, 0);
            for (int i = 0; i < rank; i++) {
                if (i != c && (r < 0 || shape[i] >= shape[r])) {
                    r = i;
                }
            }
        }
        if (c < 0 || c >= rank) {
            c = 0;
        }
        if (r < 0 || r >= rank || r == c) {
            r = c == rank - 1 ? rank - 2 : rank - 1;
        }
        return new LayerAxes(c, r);
    }

    /** The tensor's logical values as float32, as the loader computes them (an affine uint8 source dequantized). */
    static float[] logicalFloats(ImportedTensor t) throws IOException {
        int count = Math.toIntExact(DTypes.elementCount(t.shape()));
        byte[] raw;
        try (InputStream in = t.data().open()) {
            raw = in.readNBytes(Math.toIntExact(t.data().byteSize()));
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        Dequantization dq = t.dequantization();
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            double v;
            switch (t.storedDtype()) {
                case F32:
                    v = b.getFloat();
                    break;
                case F64:
                    v = b.getDouble();
                    break;
                case F16:
                    v = FloatBits.halfToFloat(b.getShort());
                    break;
                case BF16:
                    v = FloatBits.bf16ToFloat(b.getShort());
                    break;
                case U8:
                    v = b.get() & 0xFF;
                    break;
                case U16:
                    v = b.getShort() & 0xFFFF;
                    break;
                default:
                    throw new IllegalArgumentException("tensor '" + t.name() + "' is stored as "
                            + DTypes.displayName(t.storedDtype()) + ", not a float or dequantized integer");
            }
            if (dq != null && dq.hasAffine()) {
                v = v * dq.getAffine().getScale() + dq.getAffine().getMin();
            }
            out[i] = (float) v;
        }
        return out;
    }

    /**
     * A convolution weight in OIHW order, for the layout loader: {@code conv3x3} (synthetic) or
     * {@code corpus-conv}, the corpus's largest rank-4 weight of a dense (not depthwise)
     * convolution stored as float32, transposed from TF.js HWIO where it comes from TF.js.
     * Without such a tensor in the corpus, {@code corpus-conv} falls back to {@code conv3x3}.
     */
    static FloatTensor convOihw(String role) throws IOException {
        if ("conv3x3".equals(role)) {
            return tensor(role);
        }
        if (!"corpus-conv".equals(role)) {
            throw new IllegalArgumentException("unknown tensor '" + role + "'; expected conv3x3 or corpus-conv");
        }
        Path corpus = ProjectPaths.corpus(ProjectPaths.findRoot());
        ModelSource bestModel = null;
        ImportedTensor best = null;
        long bestCount = -1;
        for (ModelSource m : corpus == null ? List.<ModelSource>of() : ModelSets.corpus(corpus)) {
            for (ImportedTensor t : m.importModel().tensors()) {
                String op = t.metadata().getOrDefault("layer.op", "");
                boolean dense = op.equals("Conv") || op.equals("Conv2D") || op.equals("_FusedConv2D");
                long n = DTypes.elementCount(t.shape());
                if (dense && t.shape().length == 4 && t.storedDtype() == DType.F32 && n > bestCount) {
                    bestModel = m;
                    best = t;
                    bestCount = n;
                }
            }
        }
        if (best == null) {
            return tensor("conv3x3");
        }
        FloatTensor src = FloatTensor.of(bestModel.id(), best);
        if (best.metadata().getOrDefault("layer.op", "").equals("Conv")) {
            return src;
        }
        float[] v = src.values();
        long[] s = best.shape();
        // TF.js: [H, W, I, O] -> [O, I, H, W]
        int h = (int) s[0];
        int w = (int) s[1];
        int in = (int) s[2];
        int o = (int) s[3];
        float[] t = new float[v.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int i = 0; i < in; i++) {
                    for (int k = 0; k < o; k++) {
                        t[((k * in + i) * h + y) * w + x] = v[((y * w + x) * in + i) * o + k];
                    }
                }
            }
        }
        return new FloatTensor(src.source(), src.name() + " (HWIO as OIHW)", new long[] {o, in, h, w},
                src.storedAs(), new LayerAxes(0, 1), t);
    }
}
