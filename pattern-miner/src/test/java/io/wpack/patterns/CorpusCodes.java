package io.wpack.patterns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wpack.quantizer.IntegerQuantizer;
import io.wpack.quantizer.LayerAxes;
import io.wpack.quantizer.WeightView;
import io.wpack.quantizer.prune.MagnitudePruner;
import io.wpack.quantizer.prune.PruningMask;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * int8 codes of the real-model corpus, made as {@code wpack pack --prune magnitude:S --quant
 * int8:channel} would: the float weights of rank 2 and up with at least 256 elements (the rest
 * stay lossless), magnitude-pruned to sparsity S and quantized symmetric int8 per channel with
 * the quantizer module. Axes follow the packer: TF.js filters take theirs from the consuming
 * node (as {@code TfjsLayerMetadata} and {@code LossyStage.axesFor} do), NumPy arrays the
 * {@code [out, in, ...]} default.
 */
final class CorpusCodes {
    /** A float tensor of the corpus with the axes the packer would quantize it by. */
    record FloatTensor(String name, float[] values, long[] shape, int channelAxis, int reductionAxis) {
    }

    private CorpusCodes() {
    }

    /** {@code -Dwpack.corpus}, else {@code ../shared/corpus} from the project root or any parent; null when absent. */
    static Path find() {
        String property = System.getProperty("wpack.corpus");
        if (property != null) {
            Path p = Path.of(property);
            return Files.isDirectory(p) ? p : null;
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("../shared/corpus").normalize();
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** The corpus float models by name. */
    static Map<String, List<FloatTensor>> models(Path corpus) throws IOException {
        Map<String, List<FloatTensor>> models = new LinkedHashMap<>();
        for (String name : new String[] {"mobilefacenet", "posenet", "efficientpose", "handtrack", "selfie"}) {
            Path json = corpus.resolve("tfjs/" + name + ".json");
            if (Files.exists(json)) {
                models.put("tfjs/" + name, tfjs(json));
            }
        }
        Path npz = corpus.resolve("npz/mobilefacenet_f32.npz");
        if (Files.exists(npz)) {
            models.put("npz/mobilefacenet_f32", npz(npz));
        }
        return models;
    }

    /** The codes of one tensor after pruning to {@code sparsity} and int8 per-channel quantization. */
    static CodeTensor codes(FloatTensor t, double sparsity) throws IOException {
        WeightView view = WeightView.of(t.name(), t.values(), t.shape(), new LayerAxes(t.channelAxis(), t.reductionAxis()));
        PruningMask mask = MagnitudePruner.prune(view, sparsity);
        byte[] codes = IntegerQuantizer.builder().bits(8).symmetric().perChannel().build()
                .quantize(view, mask.keep()).codes();
        return new CodeTensor(t.name(), codes, t.shape(), t.reductionAxis());
    }

    /** Whether the packer's default policy would make the tensor lossy: rank 2 and up, 256 elements and up. */
    static boolean lossy(FloatTensor t) {
        return t.shape().length >= 2 && t.values().length >= 256;
    }

    // ---- TF.js

    static List<FloatTensor> tfjs(Path json) throws IOException {
        JsonNode model = new ObjectMapper().readTree(Files.readString(json, StandardCharsets.UTF_8));
        Map<String, String> consumerOp = new HashMap<>();
        for (JsonNode node : model.path("modelTopology").path("node")) {
            JsonNode inputs = node.path("input");
            if (inputs.size() > 1) {
                String input = inputs.get(1).asText();
                if (input.endsWith(":0")) {
                    input = input.substring(0, input.length() - 2);
                }
                consumerOp.putIfAbsent(input, node.path("op").asText());
            }
        }
        List<FloatTensor> tensors = new ArrayList<>();
        for (JsonNode group : model.path("weightsManifest")) {
            ByteArrayOutputStream shards = new ByteArrayOutputStream();
            for (JsonNode path : group.path("paths")) {
                shards.write(Files.readAllBytes(json.resolveSibling(path.asText())));
            }
            ByteBuffer data = ByteBuffer.wrap(shards.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
            for (JsonNode w : group.path("weights")) {
                long[] shape = new long[w.path("shape").size()];
                long elements = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = w.path("shape").get(i).asLong();
                    elements *= shape[i];
                }
                String dtype = w.path("dtype").asText();
                JsonNode q = w.get("quantization");
                String stored = q == null ? dtype : q.path("dtype").asText();
                int size = stored.equals("uint8") ? 1 : stored.equals("uint16") || stored.equals("float16") ? 2 : 4;
                int start = data.position();
                data.position(start + (int) (elements * size));
                if (!dtype.equals("float32")) {
                    continue;
                }
                float[] values = new float[(int) elements];
                for (int i = 0; i < values.length; i++) {
                    int at = start + i * size;
                    values[i] = switch (stored) {
                        case "float32" -> data.getFloat(at);
                        case "float16" -> halfToFloat(data.getShort(at));
                        case "uint8" -> (float) ((data.get(at) & 0xFF) * q.path("scale").asDouble() + q.path("min").asDouble());
                        default -> (float) ((data.getShort(at) & 0xFFFF) * q.path("scale").asDouble()
                                + q.path("min").asDouble());
                    };
                }
                String name = w.path("name").asText();
                int[] axes = axes(consumerOp.get(name), shape.length);
                tensors.add(new FloatTensor(name, values, shape, axes[0], axes[1]));
            }
        }
        return tensors;
    }

    /** The packer's axes: the filter table of TfjsLayerMetadata, then LossyStage.axesFor's fix-ups. */
    private static int[] axes(String op, int rank) {
        int c = rank >= 2 ? 0 : -1;
        int r = rank >= 2 ? 1 : rank - 1;
        if (op != null) {
            switch (op) {
                case "Conv2D", "_FusedConv2D" -> {
                    if (rank == 4) {
                        c = 3;
                        r = 2;
                    }
                }
                case "DepthwiseConv2dNative", "FusedDepthwiseConv2dNative" -> {
                    if (rank == 4) {
                        c = 2;
                        r = -1;
                    }
                }
                case "MatMul", "_FusedMatMul" -> {
                    if (rank == 2) {
                        c = 1;
                        r = 0;
                    }
                }
                default -> {
                }
            }
        }
        if (rank > 0 && (r < 0 || r >= rank || r == c)) {
            r = c == rank - 1 ? rank - 2 : rank - 1;
        }
        return new int[] {c, r};
    }

    // ---- NumPy npz: a zip of .npy files, float32 little-endian, C order.

    static List<FloatTensor> npz(Path file) throws IOException {
        List<FloatTensor> tensors = new ArrayList<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                byte[] npy;
                try (InputStream in = zip.getInputStream(entry)) {
                    npy = in.readAllBytes();
                }
                int major = npy[6];
                int headerLength = major == 1 ? (npy[8] & 0xFF | (npy[9] & 0xFF) << 8)
                        : ByteBuffer.wrap(npy, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
                int dataStart = (major == 1 ? 10 : 12) + headerLength;
                String header = new String(npy, major == 1 ? 10 : 12, headerLength, StandardCharsets.ISO_8859_1);
                if (!header.contains("'<f4'") || header.contains("'fortran_order': True")) {
                    continue;
                }
                String dims = header.substring(header.indexOf("'shape': (") + 10);
                dims = dims.substring(0, dims.indexOf(')'));
                List<Long> shapeList = new ArrayList<>();
                for (String d : dims.split(",")) {
                    if (!d.isBlank()) {
                        shapeList.add(Long.parseLong(d.trim()));
                    }
                }
                long[] shape = shapeList.stream().mapToLong(Long::longValue).toArray();
                ByteBuffer data = ByteBuffer.wrap(npy, dataStart, npy.length - dataStart).order(ByteOrder.LITTLE_ENDIAN);
                float[] values = new float[(npy.length - dataStart) / 4];
                data.asFloatBuffer().get(values);
                String name = entry.getName().endsWith(".npy")
                        ? entry.getName().substring(0, entry.getName().length() - 4) : entry.getName();
                int rank = shape.length;
                tensors.add(new FloatTensor(name, values, shape, rank >= 2 ? 0 : -1, rank >= 2 ? 1 : rank - 1));
            }
        }
        return tensors;
    }

    /** IEEE binary16 to binary32 (Float.float16ToFloat needs Java 20). */
    static float halfToFloat(short h) {
        int bits = h & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1F;
        int mantissa = bits & 0x3FF;
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | mantissa << 13);
        }
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | (exponent + 112) << 23 | mantissa << 13);
    }
}
