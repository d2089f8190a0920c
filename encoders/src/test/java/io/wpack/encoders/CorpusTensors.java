package io.wpack.encoders;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads the float tensors of the real-model corpus ({@code ../shared/corpus}) as little-endian
 * bytes, with just enough of each format (TF.js JSON manifest, NumPy npz, ONNX protobuf) for
 * measurements. The packer's importers are the real readers; this module cannot depend on them.
 */
final class CorpusTensors {
    /** A tensor's payload: 4 bytes per element for fp32, 2 for fp16, 1 for uint8. */
    static final class Tensor {
        final String name;
        final int width;
        final byte[] bytes;

        Tensor(String name, int width, byte[] bytes) {
            this.name = name;
            this.width = width;
            this.bytes = bytes;
        }
    }

    private CorpusTensors() {
    }

    /** The corpus folder, looked for beside the project root, or null when absent. */
    static Path find() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("../shared/corpus").normalize();
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
            Path sibling = dir.resolve("shared/corpus");
            if (Files.isDirectory(sibling)) {
                return sibling;
            }
        }
        return null;
    }

    /** Every float model of the corpus by name, each with its fp32 or fp16 tensors. */
    static Map<String, List<Tensor>> floatModels(Path corpus) throws IOException {
        Map<String, List<Tensor>> models = new LinkedHashMap<>();
        for (String name : new String[] {"posenet", "mobilefacenet", "efficientpose", "selfie"}) {
            models.put("tfjs/" + name, tfjs(corpus.resolve("tfjs/" + name + ".json")));
        }
        models.put("npz/mobilefacenet_f32", npz(corpus.resolve("npz/mobilefacenet_f32.npz")));
        models.put("npz/mobilefacenet_f16_compressed", npz(corpus.resolve("npz/mobilefacenet_f16_compressed.npz")));
        models.put("onnx/silero_vad_legacy", onnx(corpus.resolve("onnx/silero_vad_legacy.onnx")));
        models.put("onnx/silero_vad_v5", onnx(corpus.resolve("onnx/silero_vad_v5.onnx")));
        return models;
    }

    // ---- TF.js: weightsManifest entries in shard order; float16 is a quantization dtype.

    static List<Tensor> tfjs(Path json) throws IOException {
        return tfjs(json, false);
    }

    /** The tensors stored as uint8 (TF.js quantized weights), one byte per element. */
    static List<Tensor> tfjsUint8(Path json) throws IOException {
        return tfjs(json, true);
    }

    @SuppressWarnings("unchecked")
    private static List<Tensor> tfjs(Path json, boolean uint8) throws IOException {
        Map<String, Object> model = (Map<String, Object>) new Json(Files.readString(json)).value();
        List<Tensor> tensors = new ArrayList<>();
        for (Object group : (List<Object>) model.get("weightsManifest")) {
            Map<String, Object> g = (Map<String, Object>) group;
            java.io.ByteArrayOutputStream shards = new java.io.ByteArrayOutputStream();
            for (Object path : (List<Object>) g.get("paths")) {
                shards.write(Files.readAllBytes(json.resolveSibling((String) path)));
            }
            byte[] data = shards.toByteArray();
            int offset = 0;
            for (Object weight : (List<Object>) g.get("weights")) {
                Map<String, Object> w = (Map<String, Object>) weight;
                long elements = 1;
                for (Object d : (List<Object>) w.get("shape")) {
                    elements *= ((Number) d).longValue();
                }
                String dtype = (String) w.get("dtype");
                Map<String, Object> q = (Map<String, Object>) w.get("quantization");
                if (q != null) {
                    dtype = (String) q.get("dtype");
                }
                int size = dtype.equals("uint8") ? 1 : dtype.equals("uint16") || dtype.equals("float16") ? 2 : 4;
                int bytes = (int) (elements * size);
                if (uint8 ? dtype.equals("uint8") : dtype.equals("float32") || dtype.equals("float16")) {
                    tensors.add(new Tensor((String) w.get("name"), size,
                            java.util.Arrays.copyOfRange(data, offset, offset + bytes)));
                }
                offset += bytes;
            }
        }
        return tensors;
    }

    // ---- NumPy npz: a zip of .npy files; header "\x93NUMPY", version, header length, a dict.

    static List<Tensor> npz(Path file) throws IOException {
        List<Tensor> tensors = new ArrayList<>();
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
                int width = header.contains("'<f4'") ? 4 : header.contains("'<f2'") ? 2 : 0;
                if (width > 0) {
                    tensors.add(new Tensor(entry.getName(), width, java.util.Arrays.copyOfRange(npy, dataStart, npy.length)));
                }
            }
        }
        return tensors;
    }

    // ---- ONNX: ModelProto.graph (7); GraphProto.initializer (5) and node (1); NodeProto.attribute (5);
    // AttributeProto.t (5), g (6), graphs (11); TensorProto dims (1), data_type (2, FLOAT = 1),
    // float_data (4), name (8), raw_data (9).

    static List<Tensor> onnx(Path file) throws IOException {
        List<Tensor> tensors = new ArrayList<>();
        ByteBuffer model = ByteBuffer.wrap(Files.readAllBytes(file));
        forEachField(model, (field, value) -> {
            if (field == 7) {
                graph(value, tensors);
            }
        });
        return tensors;
    }

    private static void graph(ByteBuffer graph, List<Tensor> out) {
        forEachField(graph, (field, value) -> {
            if (field == 5) {
                tensor(value, out);
            } else if (field == 1) {
                forEachField(value, (nodeField, attribute) -> {
                    if (nodeField == 5) {
                        forEachField(attribute, (attrField, v) -> {
                            if (attrField == 5) {
                                tensor(v, out);
                            } else if (attrField == 6 || attrField == 11) {
                                graph(v, out);
                            }
                        });
                    }
                });
            }
        });
    }

    private static void tensor(ByteBuffer tensor, List<Tensor> out) {
        String[] name = {""};
        long[] dataType = {0};
        java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
        forEachField(tensor, (field, value) -> {
            if (field == 8) {
                name[0] = StandardCharsets.UTF_8.decode(value).toString();
            } else if (field == 2) {
                dataType[0] = value.getLong(0);
            } else if (field == 9 || field == 4) {
                byte[] bytes = new byte[value.remaining()];
                value.get(bytes);
                data.write(bytes, 0, bytes.length);
            }
        });
        if (dataType[0] == 1) {
            out.add(new Tensor(name[0], 4, data.toByteArray()));
        }
    }

    interface FieldVisitor {
        /** Varint fields arrive as an 8-byte buffer holding the value; length-delimited ones as a view. */
        void field(int number, ByteBuffer value);
    }

    private static void forEachField(ByteBuffer message, FieldVisitor visitor) {
        ByteBuffer b = message.duplicate();
        while (b.hasRemaining()) {
            long key = varint(b);
            int number = (int) (key >>> 3);
            switch ((int) key & 7) {
                case 0:
                    visitor.field(number, ByteBuffer.allocate(8).putLong(0, varint(b)));
                    break;
                case 1:
                    b.position(b.position() + 8);
                    break;
                case 5:
                    b.position(b.position() + 4);
                    break;
                case 2:
                    int length = (int) varint(b);
                    ByteBuffer value = b.slice();
                    value.limit(length);
                    b.position(b.position() + length);
                    visitor.field(number, value);
                    break;
                default:
                    throw new IllegalArgumentException("wire type " + (key & 7));
            }
        }
    }

    private static long varint(ByteBuffer b) {
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            int x = b.get() & 0xFF;
            value |= (long) (x & 0x7F) << shift;
            if (x < 0x80) {
                return value;
            }
        }
    }

    /** A minimal JSON reader: objects to LinkedHashMap, arrays to List, numbers to Double. */
    static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object value() {
            skipSpace();
            char c = s.charAt(i);
            if (c == '{') {
                Map<String, Object> map = new LinkedHashMap<>();
                i++;
                skipSpace();
                if (s.charAt(i) == '}') {
                    i++;
                    return map;
                }
                while (true) {
                    skipSpace();
                    String key = string();
                    skipSpace();
                    i++; // ':'
                    map.put(key, value());
                    skipSpace();
                    if (s.charAt(i++) == '}') {
                        return map;
                    }
                }
            }
            if (c == '[') {
                List<Object> list = new ArrayList<>();
                i++;
                skipSpace();
                if (s.charAt(i) == ']') {
                    i++;
                    return list;
                }
                while (true) {
                    list.add(value());
                    skipSpace();
                    if (s.charAt(i++) == ']') {
                        return list;
                    }
                }
            }
            if (c == '"') {
                return string();
            }
            int start = i;
            while (i < s.length() && "+-0123456789.eEtruefalsn".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            String token = s.substring(start, i);
            switch (token) {
                case "true":
                    return Boolean.TRUE;
                case "false":
                    return Boolean.FALSE;
                case "null":
                    return null;
                default:
                    return Double.valueOf(token);
            }
        }

        private String string() {
            StringBuilder out = new StringBuilder();
            i++; // opening quote
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return out.toString();
                }
                if (c == '\\') {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n':
                            out.append('\n');
                            break;
                        case 't':
                            out.append('\t');
                            break;
                        case 'u':
                            out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                            break;
                        default:
                            out.append(e);
                    }
                } else {
                    out.append(c);
                }
            }
        }

        private void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }
    }
}
