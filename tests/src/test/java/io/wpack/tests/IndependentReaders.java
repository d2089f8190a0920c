package io.wpack.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wpack.packer.onnx.proto.AttributeProto;
import io.wpack.packer.onnx.proto.GraphProto;
import io.wpack.packer.onnx.proto.ModelProto;
import io.wpack.packer.onnx.proto.NodeProto;
import io.wpack.packer.onnx.proto.TensorProto;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Slow, independent readings of the source formats, written for the tests only: they share
 * no code with the importers under test (ONNX through the raw protobuf messages, JSON through
 * Jackson, zip through java.util.zip). Dtypes are safetensors-style names (F32, I64, ...).
 */
final class IndependentReaders {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Tensor(String dtype, long[] shape, byte[] bytes) {
        @Override
        public String toString() {
            return dtype + Arrays.toString(shape);
        }
    }

    private IndependentReaders() {
    }

    // ---- ONNX ----

    static Map<String, Tensor> onnx(Path file) throws IOException {
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(file));
        Map<String, Tensor> out = new LinkedHashMap<>();
        Path base = file.toAbsolutePath().getParent();
        for (TensorProto t : m.getGraph().getInitializerList()) {
            out.put(t.getName(), onnxTensor(t, base));
        }
        collectConstants(m.getGraph(), out, base);
        return out;
    }

    private static void collectConstants(GraphProto g, Map<String, Tensor> out, Path base) throws IOException {
        for (NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("Constant")) {
                for (AttributeProto a : n.getAttributeList()) {
                    if (a.getName().equals("value")) {
                        out.putIfAbsent(n.getOutput(0), onnxTensor(a.getT(), base));
                    } else if (a.getName().equals("value_float")) {
                        out.putIfAbsent(n.getOutput(0), new Tensor("F32", new long[0],
                                le(4).putFloat(a.getF()).array()));
                    } else if (a.getName().equals("value_int")) {
                        out.putIfAbsent(n.getOutput(0), new Tensor("I64", new long[0], le(8).putLong(a.getI()).array()));
                    } else if (a.getName().equals("value_ints")) {
                        ByteBuffer b = le(8 * a.getIntsCount());
                        a.getIntsList().forEach(b::putLong);
                        out.putIfAbsent(n.getOutput(0), new Tensor("I64", new long[] {a.getIntsCount()}, b.array()));
                    } else if (a.getName().equals("value_floats")) {
                        ByteBuffer b = le(4 * a.getFloatsCount());
                        a.getFloatsList().forEach(b::putFloat);
                        out.putIfAbsent(n.getOutput(0), new Tensor("F32", new long[] {a.getFloatsCount()}, b.array()));
                    }
                }
            }
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    collectSubgraph(a.getG(), out, base);
                }
                for (GraphProto sub : a.getGraphsList()) {
                    collectSubgraph(sub, out, base);
                }
            }
        }
    }

    private static void collectSubgraph(GraphProto g, Map<String, Tensor> out, Path base) throws IOException {
        for (TensorProto t : g.getInitializerList()) {
            out.putIfAbsent(t.getName(), onnxTensor(t, base));
        }
        collectConstants(g, out, base);
    }

    private static final String[] ONNX_TYPES = {null, "F32", "U8", "I8", "U16", "I16", "I32", "I64", null, "BOOL",
            "F16", "F64", "U32", "U64", null, null, "BF16", "F8_E4M3", null, "F8_E5M2"};
    private static final int[] ONNX_SIZES = {0, 4, 1, 1, 2, 2, 4, 8, 0, 1, 2, 8, 4, 8, 0, 0, 2, 1, 0, 1};

    private static Tensor onnxTensor(TensorProto t, Path base) throws IOException {
        int type = t.getDataType();
        String dtype = ONNX_TYPES[type];
        int size = ONNX_SIZES[type];
        long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        byte[] bytes;
        if (t.getDataLocation() == 1) {
            String loc = null;
            long offset = 0;
            long length = -1;
            for (var kv : t.getExternalDataList()) {
                switch (kv.getKey()) {
                    case "location" -> loc = kv.getValue();
                    case "offset" -> offset = Long.parseLong(kv.getValue());
                    case "length" -> length = Long.parseLong(kv.getValue());
                    default -> { }
                }
            }
            byte[] all = Files.readAllBytes(base.resolve(loc));
            bytes = Arrays.copyOfRange(all, (int) offset, (int) (length < 0 ? all.length : offset + length));
        } else if (t.hasRawData()) {
            bytes = t.getRawData().toByteArray();
        } else {
            ByteBuffer b = le((int) (n * size));
            if (t.getFloatDataCount() > 0) {
                t.getFloatDataList().forEach(b::putFloat);
            } else if (t.getInt64DataCount() > 0) {
                t.getInt64DataList().forEach(b::putLong);
            } else if (t.getDoubleDataCount() > 0) {
                t.getDoubleDataList().forEach(b::putDouble);
            } else if (t.getUint64DataCount() > 0) {
                for (long v : t.getUint64DataList()) {
                    if (size == 4) {
                        b.putInt((int) v);
                    } else {
                        b.putLong(v);
                    }
                }
            } else {
                for (int v : t.getInt32DataList()) {
                    if (size == 1) {
                        b.put((byte) v);
                    } else if (size == 2) {
                        b.putShort((short) v);
                    } else {
                        b.putInt(v);
                    }
                }
            }
            bytes = b.array();
        }
        return new Tensor(dtype, shape, bytes);
    }

    // ---- safetensors ----

    static Map<String, Tensor> safetensors(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        JsonNode header = JSON.readTree(new String(all, 8, (int) n, StandardCharsets.UTF_8));
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            JsonNode t = e.getValue();
            long[] shape = new long[t.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = t.get("shape").get(i).asLong();
            }
            int begin = 8 + (int) n + t.get("data_offsets").get(0).asInt();
            int end = 8 + (int) n + t.get("data_offsets").get(1).asInt();
            out.put(e.getKey(), new Tensor(t.get("dtype").asText(), shape, Arrays.copyOfRange(all, begin, end)));
        }
        return out;
    }

    // ---- NumPy npz ----

    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([<>|=])([a-z])(\\d+)'");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    static Map<String, Tensor> npz(Path file) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                byte[] npy = zip.readAllBytes();
                String name = e.getName().endsWith(".npy") ? e.getName().substring(0, e.getName().length() - 4) : e.getName();
                out.put(name, npy(npy));
            }
        }
        return out;
    }

    static Tensor npy(byte[] npy) {
        int major = npy[6];
        int headerLen = major == 1 ? (npy[8] & 0xFF) | (npy[9] & 0xFF) << 8
                : ByteBuffer.wrap(npy, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int start = major == 1 ? 10 : 12;
        String header = new String(npy, start, headerLen, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !s.find() || header.contains("'fortran_order': True")) {
            throw new IllegalArgumentException("unexpected npy header " + header);
        }
        String kind = d.group(2);
        int size = Integer.parseInt(d.group(3));
        String dtype = switch (kind) {
            case "f" -> "F" + size * 8;
            case "i" -> "I" + size * 8;
            case "u" -> "U" + size * 8;
            case "b" -> "BOOL";
            default -> throw new IllegalArgumentException(kind);
        };
        long[] shape = Arrays.stream(s.group(1).split(",")).map(String::trim).filter(x -> !x.isEmpty())
                .mapToLong(Long::parseLong).toArray();
        byte[] data = Arrays.copyOfRange(npy, start + headerLen, npy.length);
        if (d.group(1).equals(">") && size > 1) {
            for (int i = 0; i < data.length; i += size) {
                for (int a = 0, b = size - 1; a < b; a++, b--) {
                    byte tmp = data[i + a];
                    data[i + a] = data[i + b];
                    data[i + b] = tmp;
                }
            }
        }
        return new Tensor(dtype, shape, data);
    }

    // ---- TensorFlow.js ----

    /** Stored bytes as in the shards (uint8 codes for quantized weights), and the logical dtype. */
    record TfjsWeight(Tensor stored, String logicalDtype, JsonNode quantization) {
    }

    static Map<String, TfjsWeight> tfjs(Path modelJson) throws IOException {
        JsonNode root = JSON.readTree(modelJson.toFile());
        Map<String, TfjsWeight> out = new LinkedHashMap<>();
        Path base = modelJson.toAbsolutePath().getParent();
        for (JsonNode group : root.get("weightsManifest")) {
            ByteArrayOutputStream concat = new ByteArrayOutputStream();
            for (JsonNode p : group.get("paths")) {
                try (InputStream in = Files.newInputStream(base.resolve(p.asText()))) {
                    in.transferTo(concat);
                }
            }
            byte[] all = concat.toByteArray();
            int pos = 0;
            for (JsonNode w : group.get("weights")) {
                long[] shape = new long[w.get("shape").size()];
                long n = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = w.get("shape").get(i).asLong();
                    n *= shape[i];
                }
                String logical = switch (w.get("dtype").asText()) {
                    case "float32" -> "F32";
                    case "int32" -> "I32";
                    case "bool" -> "BOOL";
                    default -> throw new IllegalArgumentException(w.get("dtype").asText());
                };
                JsonNode q = w.get("quantization");
                String stored = q == null ? logical : switch (q.get("dtype").asText()) {
                    case "uint8" -> "U8";
                    case "uint16" -> "U16";
                    case "float16" -> "F16";
                    default -> throw new IllegalArgumentException(q.toString());
                };
                int size = switch (stored) {
                    case "U8", "BOOL" -> 1;
                    case "U16", "F16" -> 2;
                    default -> 4;
                };
                int len = (int) (n * size);
                out.put(w.get("name").asText(), new TfjsWeight(new Tensor(stored, shape,
                        Arrays.copyOfRange(all, pos, pos + len)), logical, q));
                pos += len;
            }
        }
        return out;
    }

    /** TF.js dequantization as tfjs-core does it: q * scale + min in double, stored in a Float32Array. */
    static byte[] tfjsDequantize(TfjsWeight w) {
        byte[] s = w.stored().bytes();
        JsonNode q = w.quantization();
        String kind = q.get("dtype").asText();
        int n = kind.equals("uint8") ? s.length : s.length / 2;
        ByteBuffer out = le(n * 4);
        ByteBuffer in = ByteBuffer.wrap(s).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            switch (kind) {
                case "uint8" -> out.putFloat((float) ((in.get() & 0xFF) * q.get("scale").asDouble() + q.get("min").asDouble()));
                case "uint16" -> out.putFloat((float) ((in.getShort() & 0xFFFF) * q.get("scale").asDouble()
                        + q.get("min").asDouble()));
                default -> out.putFloat(halfToFloat(in.getShort() & 0xFFFF));
            }
        }
        return out.array();
    }

    /** binary16 to float32 via double arithmetic, independent of FloatBits. */
    static float halfToFloat(int h) {
        int sign = (h >> 15) == 1 ? -1 : 1;
        int e = (h >> 10) & 0x1F;
        int m = h & 0x3FF;
        if (e == 0x1F) {
            return m == 0 ? sign * Float.POSITIVE_INFINITY : Float.intBitsToFloat(((h & 0x8000) << 16) | 0x7F800000 | (m << 13));
        }
        double v = e == 0 ? m * Math.pow(2, -24) : (1 + m / 1024.0) * Math.pow(2, e - 15);
        return (float) (sign * v);
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
