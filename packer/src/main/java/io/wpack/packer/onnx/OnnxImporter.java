package io.wpack.packer.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.wpack.formats.DTypes;
import io.wpack.formats.Verify;
import io.wpack.formats.WpkFormatException;
import io.wpack.formats.proto.DType;
import io.wpack.packer.io.SafePaths;
import io.wpack.packer.model.FileSliceTensorData;
import io.wpack.packer.model.ImportedModel;
import io.wpack.packer.model.ImportedTensor;
import io.wpack.packer.model.ModelImporter;
import io.wpack.packer.model.TensorData;
import io.wpack.packer.onnx.proto.AttributeProto;
import io.wpack.packer.onnx.proto.GraphProto;
import io.wpack.packer.onnx.proto.ModelProto;
import io.wpack.packer.onnx.proto.NodeProto;
import io.wpack.packer.onnx.proto.OperatorSetIdProto;
import io.wpack.packer.onnx.proto.StringStringEntryProto;
import io.wpack.packer.onnx.proto.TensorProto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Imports the weights of an ONNX model: the initializers of every graph and the values of
 * {@code Constant} nodes, including those inside the subgraphs of {@code If}, {@code Loop},
 * {@code Scan} or any other node with graph attributes.
 *
 * <p>Order: the main graph's initializers in file order, then its nodes depth first. A
 * node that is a Constant contributes its value; a node with graph attributes is followed
 * by its subgraphs, each contributing its own initializers and then its nodes the same way.
 *
 * <p>Names: an initializer keeps its name, a Constant takes its node's first output. A
 * name used by two tensors anywhere in the model is an error. ONNX requires every value
 * name to be unique across a model including its subgraphs (SSA form), and the corpus
 * bears this out: silero_vad_v5's 341 Constants, spread over 30 nested If branches, all
 * have distinct names, because exporters prefix inlined names with the branch.
 *
 * <p>Tensor metadata: {@code origin} ({@code initializer} or {@code constant}),
 * {@code graph_path} ({@code main}, {@code main/If_3.then_branch}, ...), {@code doc_string}
 * when set, then the consuming layer and the weight's channel and reduction axes
 * ({@code layer.*}, see {@link OnnxLayerMetadata}).
 */
public final class OnnxImporter implements ModelImporter {
    /** Protobuf nesting allowed; each level of subgraph costs three (graph, node, attribute). */
    static final int RECURSION_LIMIT = 300;

    // ONNX TensorProto.DataType numbers.
    static final int FLOAT = 1;
    static final int UINT8 = 2;
    static final int INT8 = 3;
    static final int UINT16 = 4;
    static final int INT16 = 5;
    static final int INT32 = 6;
    static final int INT64 = 7;
    static final int STRING = 8;
    static final int BOOL = 9;
    static final int FLOAT16 = 10;
    static final int DOUBLE = 11;
    static final int UINT32 = 12;
    static final int UINT64 = 13;
    static final int COMPLEX64 = 14;
    static final int COMPLEX128 = 15;
    static final int BFLOAT16 = 16;
    static final int FLOAT8E4M3FN = 17;
    static final int FLOAT8E4M3FNUZ = 18;
    static final int FLOAT8E5M2 = 19;
    static final int FLOAT8E5M2FNUZ = 20;
    static final int UINT4 = 21;
    static final int INT4 = 22;

    static final int LOCATION_DEFAULT = 0;
    static final int LOCATION_EXTERNAL = 1;

    @Override
    public String formatName() {
        return "onnx";
    }

    @Override
    public boolean accepts(Path path) {
        return Files.isRegularFile(path) && path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
    }

    @Override
    public ImportedModel importModel(Path path) throws IOException {
        String file = path.getFileName().toString();
        ModelProto model = parse(path, file);
        Verify.verify(model.hasGraph(), "%s: ONNX model has no graph (is this an ONNX file?)", file);
        Path modelDir = path.toAbsolutePath().getParent();

        Walker walker = new Walker(file, modelDir);
        walker.visitGraph(model.getGraph(), "main");
        List<ImportedTensor> tensors = walker.build(new OnnxLayerMetadata(model.getGraph()));

        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("source_format", "onnx");
        meta.put("producer", (model.getProducerName() + " " + model.getProducerVersion()).trim());
        meta.put("onnx.ir_version", Long.toString(model.getIrVersion()));
        List<String> opsets = new ArrayList<>();
        for (OperatorSetIdProto op : model.getOpsetImportList()) {
            opsets.add((op.getDomain().isEmpty() ? "ai.onnx" : op.getDomain()) + ":" + op.getVersion());
        }
        meta.put("onnx.opset", String.join(",", opsets));
        meta.put("onnx.graph_name", model.getGraph().getName());
        if (!model.getDocString().isEmpty()) {
            meta.put("onnx.doc_string", model.getDocString());
        }
        if (!model.getDomain().isEmpty()) {
            meta.put("onnx.domain", model.getDomain());
        }
        if (model.hasModelVersion()) {
            meta.put("onnx.model_version", Long.toString(model.getModelVersion()));
        }
        for (StringStringEntryProto e : model.getMetadataPropsList()) {
            String key = "meta." + e.getKey();
            Verify.verify(!meta.containsKey(key), "%s: metadata_props has the key \"%s\" twice", file, e.getKey());
            meta.put(key, e.getValue());
        }
        return new ImportedModel(Collections.unmodifiableMap(meta), List.copyOf(tensors));
    }

    private static ModelProto parse(Path path, String file) throws IOException {
        long size = Files.size(path);
        // Protobuf messages cannot exceed 2 GiB; bigger ONNX models keep weights in external files.
        Verify.verify(size <= Integer.MAX_VALUE - 8,
                "%s: %d bytes is larger than a protobuf message can be (2 GiB); ONNX models this big "
                        + "must store weights as external data", file, size);
        byte[] bytes = Files.readAllBytes(path);
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        // raw_data fields then share the file's array instead of being copied.
        in.enableAliasing(true);
        in.setRecursionLimit(RECURSION_LIMIT);
        try {
            return ModelProto.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw new WpkFormatException(file + ": not a valid ONNX protobuf: " + e.getMessage(), e);
        }
    }

    /** One tensor found in the model, before names are checked. */
    private record Found(String name, String graphPath, boolean constant, String docString, DType dtype,
                         long[] shape, TensorData data) {
    }

    private static final class Walker {
        private final String file;
        private final Path modelDir;
        private final List<Found> found = new ArrayList<>();

        Walker(String file, Path modelDir) {
            this.file = file;
            this.modelDir = modelDir;
        }

        void visitGraph(GraphProto graph, String graphPath) throws IOException {
            for (int i = 0; i < graph.getInitializerCount(); i++) {
                TensorProto t = graph.getInitializer(i);
                String name = t.getName();
                Verify.verify(!name.isEmpty(), "%s: initializer #%d of graph %s has no name", file, i, graphPath);
                String what = describe(name, graphPath);
                found.add(convert(t, name, graphPath, false, t.getDocString(), what));
            }
            if (graph.getSparseInitializerCount() > 0) {
                String name = graph.getSparseInitializer(0).getValues().getName();
                throw new WpkFormatException(file + ": " + describe(name, graphPath)
                        + " is a sparse_initializer; sparse ONNX tensors are not supported");
            }
            for (int i = 0; i < graph.getNodeCount(); i++) {
                NodeProto node = graph.getNode(i);
                if (isConstant(node)) {
                    found.add(constant(node, i, graphPath));
                }
                String label = node.getName().isEmpty() ? node.getOpType() + "_" + i : node.getName();
                for (AttributeProto attr : node.getAttributeList()) {
                    if (attr.hasG()) {
                        visitGraph(attr.getG(), graphPath + "/" + label + "." + attr.getName());
                    }
                    for (int j = 0; j < attr.getGraphsCount(); j++) {
                        visitGraph(attr.getGraphs(j), graphPath + "/" + label + "." + attr.getName() + "[" + j + "]");
                    }
                }
            }
        }

        private static boolean isConstant(NodeProto node) {
            return node.getOpType().equals("Constant")
                    && (node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx"));
        }

        private Found constant(NodeProto node, int index, String graphPath) throws IOException {
            String nodeLabel = "Constant node " + (node.getName().isEmpty() ? "#" + index : "\"" + node.getName() + "\"")
                    + " in graph " + graphPath;
            Verify.verify(node.getOutputCount() >= 1 && !node.getOutput(0).isEmpty(),
                    "%s: %s has no output name", file, nodeLabel);
            String name = node.getOutput(0);
            String what = describe(name, graphPath);
            Verify.verify(node.getAttributeCount() == 1,
                    "%s: %s (Constant) must have exactly one attribute, has %d", file, what, node.getAttributeCount());
            AttributeProto attr = node.getAttribute(0);
            String doc = node.getDocString();
            switch (attr.getName()) {
                case "value": {
                    Verify.verify(attr.hasT(), "%s: %s (Constant) has a 'value' attribute without a tensor", file, what);
                    TensorProto t = attr.getT();
                    return convert(t, name, graphPath, true, doc.isEmpty() ? t.getDocString() : doc, what);
                }
                case "value_float": {
                    byte[] b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(attr.getF()).array();
                    return new Found(name, graphPath, true, doc, DType.F32, new long[0], TensorData.of(b));
                }
                case "value_floats": {
                    ByteBuffer b = ByteBuffer.allocate(4 * attr.getFloatsCount()).order(ByteOrder.LITTLE_ENDIAN);
                    for (int i = 0; i < attr.getFloatsCount(); i++) {
                        b.putFloat(attr.getFloats(i));
                    }
                    return new Found(name, graphPath, true, doc, DType.F32, new long[] {attr.getFloatsCount()},
                            TensorData.of(b.array()));
                }
                case "value_int": {
                    byte[] b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(attr.getI()).array();
                    return new Found(name, graphPath, true, doc, DType.I64, new long[0], TensorData.of(b));
                }
                case "value_ints": {
                    ByteBuffer b = ByteBuffer.allocate(8 * attr.getIntsCount()).order(ByteOrder.LITTLE_ENDIAN);
                    for (int i = 0; i < attr.getIntsCount(); i++) {
                        b.putLong(attr.getInts(i));
                    }
                    return new Found(name, graphPath, true, doc, DType.I64, new long[] {attr.getIntsCount()},
                            TensorData.of(b.array()));
                }
                case "value_string":
                case "value_strings":
                    throw new WpkFormatException(file + ": " + what + " (Constant) holds strings ('"
                            + attr.getName() + "'); string tensors are not supported");
                case "sparse_value":
                    throw new WpkFormatException(file + ": " + what
                            + " (Constant) holds a sparse tensor; sparse ONNX tensors are not supported");
                default:
                    throw new WpkFormatException(file + ": " + what + " (Constant) has the unknown attribute '"
                            + attr.getName() + "'");
            }
        }

        private String describe(String name, String graphPath) {
            return "tensor \"" + name + "\"" + (graphPath.equals("main") ? "" : " (in " + graphPath + ")");
        }

        private Found convert(TensorProto t, String name, String graphPath, boolean constant, String doc,
                              String what) throws IOException {
            String where = file + ": " + what;
            DType dtype = dtypeOf(t.getDataType(), where);
            long[] shape = new long[t.getDimsCount()];
            for (int i = 0; i < shape.length; i++) {
                long d = t.getDims(i);
                Verify.verify(d >= 0, "%s has the negative dimension %d", where, d);
                shape[i] = d;
            }
            long count = elementCount(shape, where);
            long expectedBytes = Verify.multiplySize(count, DTypes.byteSize(dtype), where + " byte size");
            TensorData data = data(t, dtype, count, expectedBytes, where);
            return new Found(name, graphPath, constant, doc, dtype, shape, data);
        }

        private TensorData data(TensorProto t, DType dtype, long count, long expectedBytes, String where)
                throws IOException {
            int typedFields = (t.getFloatDataCount() > 0 ? 1 : 0) + (t.getInt32DataCount() > 0 ? 1 : 0)
                    + (t.getInt64DataCount() > 0 ? 1 : 0) + (t.getDoubleDataCount() > 0 ? 1 : 0)
                    + (t.getUint64DataCount() > 0 ? 1 : 0) + (t.getStringDataCount() > 0 ? 1 : 0);
            int location = t.getDataLocation();
            Verify.verify(location == LOCATION_DEFAULT || location == LOCATION_EXTERNAL,
                    "%s has the unknown data_location %d", where, location);
            if (location == LOCATION_EXTERNAL) {
                Verify.verify(!t.hasRawData() && typedFields == 0,
                        "%s has data_location EXTERNAL but also holds data in the model", where);
                return external(t, expectedBytes, where);
            }
            Verify.verify(t.getExternalDataCount() == 0,
                    "%s has external_data entries but data_location is not EXTERNAL", where);
            if (t.hasRawData()) {
                Verify.verify(typedFields == 0, "%s holds data both in raw_data and in a typed field", where);
                ByteString raw = t.getRawData();
                Verify.verify(raw.size() == expectedBytes,
                        "%s: raw_data has %d bytes but %d elements of %s need %d", where, raw.size(), count,
                        DTypes.displayName(dtype), expectedBytes);
                return new ByteStringTensorData(raw);
            }
            Verify.verify(typedFields <= 1, "%s holds data in more than one typed field", where);
            if (typedFields == 0) {
                Verify.verify(count == 0, "%s has %d elements but no data", where, count);
                return TensorData.of(new byte[0]);
            }
            return typed(t, dtype, count, where);
        }

        /** Typed repeated fields, re-encoded as little-endian elements of the tensor's own width. */
        private TensorData typed(TensorProto t, DType dtype, long count, String where) throws IOException {
            int onnxType = t.getDataType();
            int n;
            String field;
            if (t.getFloatDataCount() > 0) {
                n = t.getFloatDataCount();
                field = "float_data";
            } else if (t.getInt32DataCount() > 0) {
                n = t.getInt32DataCount();
                field = "int32_data";
            } else if (t.getInt64DataCount() > 0) {
                n = t.getInt64DataCount();
                field = "int64_data";
            } else if (t.getDoubleDataCount() > 0) {
                n = t.getDoubleDataCount();
                field = "double_data";
            } else if (t.getUint64DataCount() > 0) {
                n = t.getUint64DataCount();
                field = "uint64_data";
            } else {
                n = t.getStringDataCount();
                field = "string_data";
            }
            Verify.verify(expectedField(onnxType).equals(field), "%s: %s is stored in %s, which cannot hold %s",
                    where, DTypes.displayName(dtype), field, DTypes.displayName(dtype));
            Verify.verify(n == count, "%s: %s has %d values but the shape needs %d", where, field, n, count);
            int width = DTypes.byteSize(dtype);
            ByteBuffer out = ByteBuffer.allocate(Verify.toIntSize((long) n * width, where)).order(ByteOrder.LITTLE_ENDIAN);
            switch (field) {
                case "float_data":
                    for (int i = 0; i < n; i++) {
                        out.putFloat(t.getFloatData(i));
                    }
                    break;
                case "int64_data":
                    for (int i = 0; i < n; i++) {
                        out.putLong(t.getInt64Data(i));
                    }
                    break;
                case "double_data":
                    for (int i = 0; i < n; i++) {
                        out.putDouble(t.getDoubleData(i));
                    }
                    break;
                case "uint64_data":
                    for (int i = 0; i < n; i++) {
                        long v = t.getUint64Data(i);
                        if (width == 4) {
                            Verify.verify(v >= 0 && v <= 0xFFFF_FFFFL, "%s: uint64_data[%d] = %s does not fit uint32",
                                    where, i, Long.toUnsignedString(v));
                            out.putInt((int) v);
                        } else {
                            out.putLong(v);
                        }
                    }
                    break;
                case "int32_data":
                    int32Data(t, onnxType, width, out, where);
                    break;
                default:
                    throw new WpkFormatException(where + ": string data is not supported");
            }
            return TensorData.of(out.array());
        }

        /**
         * int32_data carries every type of 32 bits or fewer: integers as their values, and
         * float16, bfloat16 and float8 as their bit patterns (zero-extended, as ONNX's
         * helpers write them; a sign-extended pattern is accepted too).
         */
        private static void int32Data(TensorProto t, int onnxType, int width, ByteBuffer out, String where) throws WpkFormatException {
            long min;
            long max;
            switch (onnxType) {
                case INT32: min = Integer.MIN_VALUE; max = Integer.MAX_VALUE; break;
                case INT16: min = Short.MIN_VALUE; max = Short.MAX_VALUE; break;
                case UINT16: min = 0; max = 0xFFFF; break;
                case INT8: min = Byte.MIN_VALUE; max = Byte.MAX_VALUE; break;
                case UINT8: min = 0; max = 0xFF; break;
                case BOOL: min = 0; max = 1; break;
                case FLOAT16:
                case BFLOAT16: min = Short.MIN_VALUE; max = 0xFFFF; break;
                default: min = Byte.MIN_VALUE; max = 0xFF; break; // float8 bit patterns
            }
            for (int i = 0; i < t.getInt32DataCount(); i++) {
                int v = t.getInt32Data(i);
                Verify.verify(v >= min && v <= max, "%s: int32_data[%d] = %d is out of range [%d, %d] for this type",
                        where, i, v, min, max);
                if (width == 4) {
                    out.putInt(v);
                } else if (width == 2) {
                    out.putShort((short) v);
                } else {
                    out.put((byte) v);
                }
            }
        }

        private static String expectedField(int onnxType) {
            switch (onnxType) {
                case FLOAT:
                    return "float_data";
                case INT64:
                    return "int64_data";
                case DOUBLE:
                    return "double_data";
                case UINT32:
                case UINT64:
                    return "uint64_data";
                default:
                    return "int32_data";
            }
        }

        private TensorData external(TensorProto t, long expectedBytes, String where) throws IOException {
            Map<String, String> entries = new HashMap<>();
            for (StringStringEntryProto e : t.getExternalDataList()) {
                Verify.verify(entries.put(e.getKey(), e.getValue()) == null,
                        "%s: external_data has the key \"%s\" twice", where, e.getKey());
            }
            String location = entries.get("location");
            Verify.verify(location != null && !location.isEmpty(), "%s: external_data has no location", where);
            long offset = parseNonNegative(entries.get("offset"), 0, where, "offset");
            long length = parseNonNegative(entries.get("length"), expectedBytes, where, "length");
            Verify.verify(length == expectedBytes, "%s: external data length %d does not match the %d bytes "
                    + "its shape and dtype need", where, length, expectedBytes);
            Path dataFile = SafePaths.resolveFileInside(modelDir, location, where + ": external data");
            long fileSize = Files.size(dataFile);
            Verify.verify(offset <= fileSize && length <= fileSize - offset,
                    "%s: external data [%d, +%d) lies outside %s (%d bytes)", where, offset, length, location, fileSize);
            return new FileSliceTensorData(dataFile, offset, length);
        }

        private static long parseNonNegative(String s, long absent, String where, String key) throws WpkFormatException {
            if (s == null) {
                return absent;
            }
            try {
                long v = Long.parseLong(s.trim());
                Verify.verify(v >= 0, "%s: external data %s %d is negative", where, key, v);
                return v;
            } catch (NumberFormatException e) {
                throw new WpkFormatException(where + ": external data " + key + " \"" + s + "\" is not a number");
            }
        }

        /** Checks that names are unique and builds the imported tensors. */
        List<ImportedTensor> build(OnnxLayerMetadata layers) throws WpkFormatException {
            Map<String, Found> byName = new HashMap<>();
            List<ImportedTensor> out = new ArrayList<>(found.size());
            for (Found f : found) {
                Found previous = byName.putIfAbsent(f.name, f);
                if (previous != null) {
                    throw new WpkFormatException(file + ": tensor name \"" + f.name + "\" is used twice ("
                            + origin(previous) + " in " + previous.graphPath + " and " + origin(f) + " in "
                            + f.graphPath + ")");
                }
                Map<String, String> meta = new LinkedHashMap<>();
                meta.put("origin", origin(f));
                meta.put("graph_path", f.graphPath);
                if (!f.docString.isEmpty()) {
                    meta.put("doc_string", f.docString);
                }
                meta.putAll(layers.describe(f.name, f.shape));
                out.add(ImportedTensor.plain(f.name, f.dtype, f.shape, Collections.unmodifiableMap(meta), f.data));
            }
            return out;
        }

        private static String origin(Found f) {
            return f.constant ? "constant" : "initializer";
        }
    }

    private static long elementCount(long[] shape, String where) throws WpkFormatException {
        long n = 1;
        for (long d : shape) {
            n = Verify.multiplySize(n, d, where + " element count");
        }
        return n;
    }

    /** Maps an ONNX data_type to a wpack dtype, or explains why it cannot. */
    static DType dtypeOf(int onnxType, String where) throws WpkFormatException {
        switch (onnxType) {
            case FLOAT: return DType.F32;
            case UINT8: return DType.U8;
            case INT8: return DType.I8;
            case UINT16: return DType.U16;
            case INT16: return DType.I16;
            case INT32: return DType.I32;
            case INT64: return DType.I64;
            case BOOL: return DType.BOOL;
            case FLOAT16: return DType.F16;
            case DOUBLE: return DType.F64;
            case UINT32: return DType.U32;
            case UINT64: return DType.U64;
            case BFLOAT16: return DType.BF16;
            case FLOAT8E4M3FN: return DType.F8_E4M3;
            case FLOAT8E5M2: return DType.F8_E5M2;
            default:
                throw new WpkFormatException(where + " has the ONNX data type " + onnxTypeName(onnxType)
                        + ", which is not supported");
        }
    }

    static String onnxTypeName(int onnxType) {
        switch (onnxType) {
            case 0: return "UNDEFINED (0)";
            case STRING: return "STRING (8)";
            case COMPLEX64: return "COMPLEX64 (14)";
            case COMPLEX128: return "COMPLEX128 (15)";
            case FLOAT8E4M3FNUZ: return "FLOAT8E4M3FNUZ (18)";
            case FLOAT8E5M2FNUZ: return "FLOAT8E5M2FNUZ (20)";
            case UINT4: return "UINT4 (21)";
            case INT4: return "INT4 (22)";
            default: return "number " + onnxType;
        }
    }
}
