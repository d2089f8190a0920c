package io.wpack.packer.tfjs;

import io.wpack.formats.DTypes;
import io.wpack.formats.Verify;
import io.wpack.formats.WpkFormatException;
import io.wpack.formats.proto.AffineDequantization;
import io.wpack.formats.proto.DType;
import io.wpack.formats.proto.Dequantization;
import io.wpack.formats.proto.FloatWidening;
import io.wpack.packer.io.SafePaths;
import io.wpack.packer.json.Json;
import io.wpack.packer.json.JsonWriter;
import io.wpack.packer.model.ConcatenatedTensorData;
import io.wpack.packer.model.FileSliceTensorData;
import io.wpack.packer.model.ImportedModel;
import io.wpack.packer.model.ImportedTensor;
import io.wpack.packer.model.ModelImporter;
import io.wpack.packer.model.TensorData;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Imports a TensorFlow.js model: a {@code model.json} (any {@code .json} with a
 * {@code weightsManifest}) and the binary shards it lists, or a folder holding
 * {@code model.json}.
 *
 * <p>The manifest is a list of groups {@code {paths: [...], weights: [...]}}. A group's
 * shards, concatenated in order, hold its weights back to back in the listed order, so a
 * weight may start in one shard and end in the next. Each weight is
 * {@code {name, shape, dtype, quantization?}} with dtype float32, int32 or bool (one byte).
 * A quantized weight is stored as {@code quantization.dtype} and is logically
 * {@code dtype}: uint8/uint16 with {@code value = q * scale + min} (affine), or float16
 * (widened exactly).
 *
 * <p>Size check: a group's weights must add up to exactly its shards' total size. The
 * TF.js converter writes shards with no padding, and all corpus models match to the byte;
 * a shortfall or surplus means the manifest and the shards disagree (a wrong dtype, a
 * stale shard), which would otherwise produce silently shifted weights.
 *
 * <p>Tensor metadata: {@code tfjs.quantization} for a quantized weight, then the consuming
 * layer and the weight's channel and reduction axes ({@code layer.*}, see
 * {@link TfjsLayerMetadata}) when the topology is a graph model's node list.
 */
public final class TfjsImporter implements ModelImporter {
    /** model.json files are mostly topology; the largest real ones are tens of MB. */
    static final long MAX_JSON_BYTES = 512L << 20;

    @Override
    public String formatName() {
        return "tfjs";
    }

    @Override
    public boolean accepts(Path path) {
        if (Files.isDirectory(path)) {
            return Files.isRegularFile(path.resolve("model.json"));
        }
        return Files.isRegularFile(path) && path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
    }

    @Override
    public ImportedModel importModel(Path path) throws IOException {
        Path json = Files.isDirectory(path) ? path.resolve("model.json") : path;
        String file = json.getFileName().toString();
        Verify.verify(Files.isRegularFile(json), "%s: no such TF.js model.json", json);
        long size = Files.size(json);
        Verify.verify(size <= MAX_JSON_BYTES, "%s: %d bytes is more than the %d-byte limit for a model.json", file,
                size, MAX_JSON_BYTES);
        Map<String, Object> root = Json.asObject(Json.parse(Files.readAllBytes(json), file), file);
        Verify.verify(root.containsKey("weightsManifest"), "%s has no \"weightsManifest\"; it is not a TF.js model",
                file);
        Path modelDir = json.toAbsolutePath().getParent();
        TfjsLayerMetadata layers = TfjsLayerMetadata.read(root.get("modelTopology"), file);

        List<ImportedTensor> tensors = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<Object> groups = Json.asList(root.get("weightsManifest"), file + ": weightsManifest");
        layers = layers.withWeightShapes(weightShapes(groups));
        for (int g = 0; g < groups.size(); g++) {
            String groupWhat = file + ": weightsManifest[" + g + "]";
            Map<String, Object> group = Json.asObject(groups.get(g), groupWhat);
            readGroup(file, group, groupWhat, modelDir, names, layers, tensors);
        }

        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("source_format", "tfjs");
        meta.put("producer", text(root.get("generatedBy")));
        if (root.get("format") != null) {
            meta.put("tfjs.format", text(root.get("format")));
        }
        if (root.get("convertedBy") != null) {
            meta.put("tfjs.converted_by", text(root.get("convertedBy")));
        }
        if (root.get("userDefinedMetadata") != null) {
            Map<String, Object> user = Json.asObject(root.get("userDefinedMetadata"), file + ": userDefinedMetadata");
            for (Map.Entry<String, Object> e : user.entrySet()) {
                meta.put("meta." + e.getKey(), text(e.getValue()));
            }
        }
        return new ImportedModel(Collections.unmodifiableMap(meta), List.copyOf(tensors));
    }

    /** A string as is; anything else JSON-encoded. */
    /** Every weight's shape, for the layer metadata; malformed entries are left to the main pass to report. */
    private static Map<String, long[]> weightShapes(List<Object> groups) {
        Map<String, long[]> out = new java.util.HashMap<>();
        for (Object g : groups) {
            try {
                Map<String, Object> group = Json.asObject(g, "group");
                for (Object w : Json.asList(group.get("weights"), "weights")) {
                    Map<String, Object> weight = Json.asObject(w, "weight");
                    out.putIfAbsent(Json.asString(weight.get("name"), "name"), Json.asDims(weight.get("shape"), "shape"));
                }
            } catch (WpkFormatException | RuntimeException e) {
                // reported with its place when the weights are read
            }
        }
        return out;
    }

    private static String text(Object value) {
        if (value == null) {
            return "";
        }
        return value instanceof String ? (String) value : JsonWriter.write(value);
    }

    private record Shard(Path file, long size) {
    }

    private static void readGroup(String file, Map<String, Object> group, String groupWhat, Path modelDir,
                                  Set<String> names, TfjsLayerMetadata layers, List<ImportedTensor> out)
            throws IOException {
        List<Object> paths = Json.asList(Json.require(group, "paths", groupWhat), groupWhat + " paths");
        List<Object> weights = Json.asList(Json.require(group, "weights", groupWhat), groupWhat + " weights");
        List<Shard> shards = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < paths.size(); i++) {
            String p = Json.asString(paths.get(i), groupWhat + " paths[" + i + "]");
            Path shard = SafePaths.resolveFileInside(modelDir, p, groupWhat + " shard");
            long size = Files.size(shard);
            shards.add(new Shard(shard, size));
            total = Verify.addSize(total, size, groupWhat + " shard size");
        }

        record Planned(String name, DType dtype, long[] shape, DType stored, Dequantization deq,
                       Map<String, String> meta, long offset, long length) {
        }
        List<Planned> planned = new ArrayList<>();
        long offset = 0;
        for (int i = 0; i < weights.size(); i++) {
            String what = groupWhat + " weights[" + i + "]";
            Map<String, Object> w = Json.asObject(weights.get(i), what);
            String name = Json.asString(Json.require(w, "name", what), what + " name");
            what = file + ": weight \"" + name + "\"";
            Verify.verify(names.add(name), "%s appears twice in the manifest", what);
            long[] shape = Json.asDims(Json.require(w, "shape", what), what + " shape");
            String dtypeName = Json.asString(Json.require(w, "dtype", what), what + " dtype");
            DType dtype = dtypeOf(dtypeName, what);
            DType stored = dtype;
            Dequantization deq = null;
            Map<String, String> meta = new LinkedHashMap<>();
            Object q = w.get("quantization");
            if (q != null) {
                Map<String, Object> quant = Json.asObject(q, what + " quantization");
                String qType = Json.asString(Json.require(quant, "dtype", what + " quantization"),
                        what + " quantization dtype");
                Object original = quant.get("original_dtype");
                if (original != null) {
                    String o = Json.asString(original, what + " quantization original_dtype");
                    Verify.verify(o.equals(dtypeName), "%s: quantization original_dtype \"%s\" differs from its "
                            + "dtype \"%s\"", what, o, dtypeName);
                }
                switch (qType) {
                    case "uint8":
                    case "uint16": {
                        Verify.verify(dtype == DType.F32 || dtype == DType.I32,
                                "%s: %s quantization of a %s weight is not supported", what, qType, dtypeName);
                        double min = Json.asDouble(Json.require(quant, "min", what + " quantization"),
                                what + " quantization min");
                        double scale = Json.asDouble(Json.require(quant, "scale", what + " quantization"),
                                what + " quantization scale");
                        stored = qType.equals("uint8") ? DType.U8 : DType.U16;
                        deq = Dequantization.newBuilder().setAffine(
                                AffineDequantization.newBuilder().setScale(scale).setMin(min)).build();
                        break;
                    }
                    case "float16":
                        Verify.verify(dtype == DType.F32, "%s: float16 quantization of a %s weight is not supported",
                                what, dtypeName);
                        stored = DType.F16;
                        deq = Dequantization.newBuilder().setWidening(FloatWidening.getDefaultInstance()).build();
                        break;
                    default:
                        throw new WpkFormatException(what + " has the quantization dtype \"" + qType
                                + "\", which is not supported (known: uint8, uint16, float16)");
                }
                meta.put("tfjs.quantization", qType);
            }
            meta.putAll(layers.describe(name, shape));
            long length = Verify.multiplySize(DTypes.elementCount(shape), DTypes.byteSize(stored), what + " byte size");
            Verify.verify(length <= total - offset, "%s needs bytes [%d, %d) of its group's shards, which hold "
                    + "only %d bytes", what, offset, Verify.addSize(offset, length, what), total);
            planned.add(new Planned(name, dtype, shape, stored, deq, meta, offset, length));
            offset += length;
        }
        Verify.verify(offset == total, "%s: the weights take %d bytes but the shards hold %d; manifest and shards "
                + "disagree", groupWhat, offset, total);

        for (Planned p : planned) {
            TensorData data = slice(shards, p.offset, p.length);
            out.add(new ImportedTensor(p.name, p.dtype, p.shape, p.stored, p.deq,
                    Collections.unmodifiableMap(p.meta), data));
        }
    }

    /** Bytes [offset, offset + length) of the shards' concatenation, as one slice or several. */
    private static TensorData slice(List<Shard> shards, long offset, long length) throws IOException {
        List<FileSliceTensorData> pieces = new ArrayList<>();
        long shardStart = 0;
        long end = offset + length;
        for (Shard s : shards) {
            long shardEnd = shardStart + s.size;
            long from = Math.max(offset, shardStart);
            long to = Math.min(end, shardEnd);
            if (from < to) {
                pieces.add(new FileSliceTensorData(s.file, from - shardStart, to - from));
            }
            shardStart = shardEnd;
        }
        if (pieces.isEmpty()) {
            return TensorData.of(new byte[0]);
        }
        return pieces.size() == 1 ? pieces.get(0) : new ConcatenatedTensorData(pieces);
    }

    private static DType dtypeOf(String name, String what) throws WpkFormatException {
        switch (name) {
            case "float32":
                return DType.F32;
            case "int32":
                return DType.I32;
            case "bool":
                return DType.BOOL;
            default:
                throw new WpkFormatException(what + " has the dtype \"" + name + "\", which is not supported "
                        + "(known: float32, int32, bool)");
        }
    }
}
