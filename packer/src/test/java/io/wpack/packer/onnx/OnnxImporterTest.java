package io.wpack.packer.onnx;

import com.google.protobuf.ByteString;
import io.wpack.formats.WpkFormatException;
import io.wpack.formats.proto.DType;
import io.wpack.packer.model.FileSliceTensorData;
import io.wpack.packer.model.ImportedModel;
import io.wpack.packer.model.ImportedTensor;
import io.wpack.packer.onnx.proto.AttributeProto;
import io.wpack.packer.onnx.proto.GraphProto;
import io.wpack.packer.onnx.proto.ModelProto;
import io.wpack.packer.onnx.proto.NodeProto;
import io.wpack.packer.onnx.proto.OperatorSetIdProto;
import io.wpack.packer.onnx.proto.SparseTensorProto;
import io.wpack.packer.onnx.proto.StringStringEntryProto;
import io.wpack.packer.onnx.proto.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.wpack.packer.testing.TestData.bytes;
import static io.wpack.packer.testing.TestData.le;
import static io.wpack.packer.testing.TestData.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnnxImporterTest {
    @TempDir
    Path tmp;

    private final OnnxImporter importer = new OnnxImporter();

    private Path write(ModelProto model) throws IOException {
        Path p = tmp.resolve("model.onnx");
        Files.write(p, model.toByteArray());
        return p;
    }

    private static ModelProto model(GraphProto graph) {
        return ModelProto.newBuilder().setIrVersion(9).setProducerName("test").setProducerVersion("1.0")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(graph).build();
    }

    private static TensorProto raw(String name, int type, byte[] data, long... dims) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(type).setRawData(ByteString.copyFrom(data));
        for (long d : dims) {
            b.addDims(d);
        }
        return b.build();
    }

    private static NodeProto constant(String output, AttributeProto attr) {
        return NodeProto.newBuilder().setOpType("Constant").addOutput(output).addAttribute(attr).build();
    }

    private static AttributeProto tensorAttr(TensorProto t) {
        return AttributeProto.newBuilder().setName("value").setT(t).build();
    }

    private static String error(Path p) {
        return assertThrows(WpkFormatException.class, () -> new OnnxImporter().importModel(p)).getMessage();
    }

    @Test
    void rawDataOfEverySupportedType() throws IOException {
        int[][] types = {
            {OnnxImporter.FLOAT, 4}, {OnnxImporter.UINT8, 1}, {OnnxImporter.INT8, 1}, {OnnxImporter.UINT16, 2},
            {OnnxImporter.INT16, 2}, {OnnxImporter.INT32, 4}, {OnnxImporter.INT64, 8}, {OnnxImporter.BOOL, 1},
            {OnnxImporter.FLOAT16, 2}, {OnnxImporter.DOUBLE, 8}, {OnnxImporter.UINT32, 4}, {OnnxImporter.UINT64, 8},
            {OnnxImporter.BFLOAT16, 2}, {OnnxImporter.FLOAT8E4M3FN, 1}, {OnnxImporter.FLOAT8E5M2, 1},
        };
        DType[] expected = {DType.F32, DType.U8, DType.I8, DType.U16, DType.I16, DType.I32, DType.I64, DType.BOOL,
            DType.F16, DType.F64, DType.U32, DType.U64, DType.BF16, DType.F8_E4M3, DType.F8_E5M2};
        GraphProto.Builder g = GraphProto.newBuilder().setName("g");
        for (int i = 0; i < types.length; i++) {
            g.addInitializer(raw("t" + i, types[i][0], bytes(6 * types[i][1], i), 2, 3));
        }
        g.addInitializer(raw("scalar", OnnxImporter.FLOAT, bytes(4, 99)));
        g.addInitializer(raw("empty", OnnxImporter.FLOAT, new byte[0], 0, 5));
        ImportedModel m = importer.importModel(write(model(g.build())));
        assertEquals(types.length + 2, m.tensors().size());
        for (int i = 0; i < types.length; i++) {
            ImportedTensor t = m.tensors().get(i);
            assertEquals("t" + i, t.name());
            assertEquals(expected[i], t.dtype());
            assertEquals(expected[i], t.storedDtype());
            assertArrayEquals(new long[] {2, 3}, t.shape());
            assertArrayEquals(bytes(6 * types[i][1], i), readAll(t.data()));
            assertEquals(Map.of("origin", "initializer", "graph_path", "main"), t.metadata());
        }
        assertArrayEquals(new long[0], m.tensors().get(types.length).shape());
        assertEquals(0, m.tensors().get(types.length + 1).data().byteSize());
    }

    @Test
    void typedFieldsBecomeLittleEndianBytes() throws IOException {
        GraphProto.Builder g = GraphProto.newBuilder();
        g.addInitializer(TensorProto.newBuilder().setName("f").setDataType(OnnxImporter.FLOAT).addDims(3)
                .addFloatData(1.5f).addFloatData(-0.0f).addFloatData(Float.NaN));
        g.addInitializer(TensorProto.newBuilder().setName("i8").setDataType(OnnxImporter.INT8).addDims(3)
                .addInt32Data(-128).addInt32Data(0).addInt32Data(127));
        g.addInitializer(TensorProto.newBuilder().setName("u8").setDataType(OnnxImporter.UINT8).addDims(2)
                .addInt32Data(255).addInt32Data(1));
        g.addInitializer(TensorProto.newBuilder().setName("i16").setDataType(OnnxImporter.INT16).addDims(2)
                .addInt32Data(-2).addInt32Data(0x1234));
        g.addInitializer(TensorProto.newBuilder().setName("u16").setDataType(OnnxImporter.UINT16).addDims(1)
                .addInt32Data(0xFFFE));
        g.addInitializer(TensorProto.newBuilder().setName("b").setDataType(OnnxImporter.BOOL).addDims(2)
                .addInt32Data(1).addInt32Data(0));
        g.addInitializer(TensorProto.newBuilder().setName("h").setDataType(OnnxImporter.FLOAT16).addDims(2)
                .addInt32Data(0x3C00).addInt32Data(0xC000));
        g.addInitializer(TensorProto.newBuilder().setName("bf").setDataType(OnnxImporter.BFLOAT16).addDims(1)
                .addInt32Data(0xBF80));
        g.addInitializer(TensorProto.newBuilder().setName("f8").setDataType(OnnxImporter.FLOAT8E4M3FN).addDims(2)
                .addInt32Data(0x38).addInt32Data(0xFF));
        g.addInitializer(TensorProto.newBuilder().setName("i32").setDataType(OnnxImporter.INT32).addDims(1)
                .addInt32Data(-5));
        g.addInitializer(TensorProto.newBuilder().setName("i64").setDataType(OnnxImporter.INT64).addDims(2)
                .addInt64Data(Long.MIN_VALUE).addInt64Data(7));
        g.addInitializer(TensorProto.newBuilder().setName("u32").setDataType(OnnxImporter.UINT32).addDims(1)
                .addUint64Data(0xFFFF_FFFFL));
        g.addInitializer(TensorProto.newBuilder().setName("u64").setDataType(OnnxImporter.UINT64).addDims(1)
                .addUint64Data(-1L));
        g.addInitializer(TensorProto.newBuilder().setName("d").setDataType(OnnxImporter.DOUBLE).addDims(1)
                .addDoubleData(Math.PI));
        List<ImportedTensor> ts = importer.importModel(write(model(g.build()))).tensors();

        assertArrayEquals(le(12).putFloat(1.5f).putFloat(-0.0f).putFloat(Float.NaN).array(), readAll(ts.get(0).data()));
        assertArrayEquals(new byte[] {-128, 0, 127}, readAll(ts.get(1).data()));
        assertArrayEquals(new byte[] {(byte) 255, 1}, readAll(ts.get(2).data()));
        assertArrayEquals(le(4).putShort((short) -2).putShort((short) 0x1234).array(), readAll(ts.get(3).data()));
        assertArrayEquals(new byte[] {(byte) 0xFE, (byte) 0xFF}, readAll(ts.get(4).data()));
        assertArrayEquals(new byte[] {1, 0}, readAll(ts.get(5).data()));
        assertArrayEquals(new byte[] {0x00, 0x3C, 0x00, (byte) 0xC0}, readAll(ts.get(6).data()));
        assertEquals(DType.F16, ts.get(6).dtype());
        assertArrayEquals(new byte[] {(byte) 0x80, (byte) 0xBF}, readAll(ts.get(7).data()));
        assertArrayEquals(new byte[] {0x38, (byte) 0xFF}, readAll(ts.get(8).data()));
        assertArrayEquals(le(4).putInt(-5).array(), readAll(ts.get(9).data()));
        assertArrayEquals(le(16).putLong(Long.MIN_VALUE).putLong(7).array(), readAll(ts.get(10).data()));
        assertArrayEquals(le(4).putInt(-1).array(), readAll(ts.get(11).data()));
        assertArrayEquals(le(8).putLong(-1).array(), readAll(ts.get(12).data()));
        assertArrayEquals(le(8).putDouble(Math.PI).array(), readAll(ts.get(13).data()));
    }

    @Test
    void typedFieldErrors() throws IOException {
        TensorProto tooFew = TensorProto.newBuilder().setName("w").setDataType(OnnxImporter.FLOAT).addDims(3)
                .addFloatData(1).build();
        assertTrue(error(write(model(GraphProto.newBuilder().addInitializer(tooFew).build())))
                .contains("tensor \"w\""));
        TensorProto wrongField = TensorProto.newBuilder().setName("w").setDataType(OnnxImporter.FLOAT).addDims(1)
                .addInt64Data(1).build();
        assertTrue(error(write(model(GraphProto.newBuilder().addInitializer(wrongField).build())))
                .contains("int64_data"));
        TensorProto outOfRange = TensorProto.newBuilder().setName("w").setDataType(OnnxImporter.UINT8).addDims(1)
                .addInt32Data(256).build();
        assertTrue(error(write(model(GraphProto.newBuilder().addInitializer(outOfRange).build())))
                .contains("out of range"));
        TensorProto both = TensorProto.newBuilder().setName("w").setDataType(OnnxImporter.FLOAT).addDims(1)
                .addFloatData(1).setRawData(ByteString.copyFrom(new byte[4])).build();
        assertTrue(error(write(model(GraphProto.newBuilder().addInitializer(both).build()))).contains("both"));
        TensorProto rawShort = raw("w", OnnxImporter.FLOAT, new byte[7], 2);
        assertTrue(error(write(model(GraphProto.newBuilder().addInitializer(rawShort).build())))
                .contains("raw_data has 7 bytes"));
        TensorProto noData = TensorProto.newBuilder().setName("w").setDataType(OnnxImporter.FLOAT).addDims(2).build();
        assertTrue(error(write(model(GraphProto.newBuilder().addInitializer(noData).build()))).contains("no data"));
        TensorProto negative = raw("w", OnnxImporter.FLOAT, new byte[0], -1);
        assertTrue(error(write(model(GraphProto.newBuilder().addInitializer(negative).build()))).contains("negative"));
        TensorProto huge = raw("w", OnnxImporter.FLOAT, new byte[4], 1L << 40, 1L << 40);
        assertTrue(error(write(model(GraphProto.newBuilder().addInitializer(huge).build()))).contains("overflows"));
    }

    @Test
    void unsupportedTypesNameTheTensor() throws IOException {
        int[] unsupported = {0, OnnxImporter.STRING, OnnxImporter.COMPLEX64, OnnxImporter.COMPLEX128,
            OnnxImporter.FLOAT8E4M3FNUZ, OnnxImporter.FLOAT8E5M2FNUZ, OnnxImporter.UINT4, OnnxImporter.INT4, 99};
        for (int type : unsupported) {
            TensorProto t = raw("odd", type, new byte[2], 1);
            String msg = error(write(model(GraphProto.newBuilder().addInitializer(t).build())));
            assertTrue(msg.contains("tensor \"odd\"") && msg.contains("not supported"), msg);
        }
        GraphProto sparse = GraphProto.newBuilder().addSparseInitializer(SparseTensorProto.newBuilder()
                .setValues(raw("sp", OnnxImporter.FLOAT, new byte[4], 1)).addDims(10)).build();
        String msg = error(write(model(sparse)));
        assertTrue(msg.contains("\"sp\"") && msg.contains("sparse"), msg);
    }

    @Test
    void constantsInNestedSubgraphsInDepthFirstOrder() throws IOException {
        GraphProto thenBranch = GraphProto.newBuilder().setName("then")
                .addNode(constant("c_then", tensorAttr(raw("", OnnxImporter.FLOAT, bytes(8, 1), 2))))
                .build();
        GraphProto loopBody = GraphProto.newBuilder().setName("body")
                .addInitializer(raw("body_init", OnnxImporter.INT64, bytes(8, 2), 1))
                .addNode(constant("c_loop", AttributeProto.newBuilder().setName("value_ints").addInts(3).addInts(-4).build()))
                .build();
        GraphProto elseBranch = GraphProto.newBuilder().setName("else")
                .addNode(NodeProto.newBuilder().setOpType("Loop").setName("inner_loop")
                        .addAttribute(AttributeProto.newBuilder().setName("body").setG(loopBody)))
                .addNode(constant("c_else", AttributeProto.newBuilder().setName("value_float").setF(2.5f).build()))
                .build();
        GraphProto scanBody = GraphProto.newBuilder()
                .addNode(constant("c_scan", AttributeProto.newBuilder().setName("value_floats").addFloats(1).addFloats(2).build()))
                .build();
        GraphProto main = GraphProto.newBuilder().setName("main_graph")
                .addInitializer(raw("w", OnnxImporter.FLOAT, bytes(4, 3), 1))
                .addNode(constant("c0", AttributeProto.newBuilder().setName("value_int").setI(42).build()))
                .addNode(NodeProto.newBuilder().setOpType("If").setName("If_3")
                        .addAttribute(AttributeProto.newBuilder().setName("then_branch").setG(thenBranch))
                        .addAttribute(AttributeProto.newBuilder().setName("else_branch").setG(elseBranch)))
                .addNode(NodeProto.newBuilder().setOpType("Custom").setDomain("x")
                        .addAttribute(AttributeProto.newBuilder().setName("bodies").addGraphs(scanBody)))
                .addNode(NodeProto.newBuilder().setOpType("Constant").setDomain("com.other").addOutput("not_onnx"))
                .build();
        ImportedModel m = importer.importModel(write(model(main)));
        List<String> names = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        for (ImportedTensor t : m.tensors()) {
            names.add(t.name());
            paths.add(t.metadata().get("graph_path"));
        }
        assertEquals(List.of("w", "c0", "c_then", "body_init", "c_loop", "c_else", "c_scan"), names);
        assertEquals(List.of("main", "main", "main/If_3.then_branch", "main/If_3.else_branch/inner_loop.body",
                "main/If_3.else_branch/inner_loop.body", "main/If_3.else_branch", "main/Custom_2.bodies[0]"), paths);
        ImportedTensor c0 = m.tensors().get(1);
        assertEquals("constant", c0.metadata().get("origin"));
        assertEquals(DType.I64, c0.dtype());
        assertArrayEquals(new long[0], c0.shape());
        assertArrayEquals(le(8).putLong(42).array(), readAll(c0.data()));
        assertArrayEquals(bytes(8, 1), readAll(m.tensors().get(2).data()));
        assertEquals("initializer", m.tensors().get(3).metadata().get("origin"));
        assertArrayEquals(le(16).putLong(3).putLong(-4).array(), readAll(m.tensors().get(4).data()));
        assertArrayEquals(new long[] {2}, m.tensors().get(4).shape());
        ImportedTensor cElse = m.tensors().get(5);
        assertEquals(DType.F32, cElse.dtype());
        assertArrayEquals(le(4).putFloat(2.5f).array(), readAll(cElse.data()));
        assertArrayEquals(le(8).putFloat(1).putFloat(2).array(), readAll(m.tensors().get(6).data()));
    }

    @Test
    void repeatedNamesAreRejected() throws IOException {
        GraphProto branch = GraphProto.newBuilder()
                .addNode(constant("dup", AttributeProto.newBuilder().setName("value_int").setI(1).build())).build();
        GraphProto main = GraphProto.newBuilder()
                .addInitializer(raw("dup", OnnxImporter.FLOAT, new byte[4], 1))
                .addNode(NodeProto.newBuilder().setOpType("If")
                        .addAttribute(AttributeProto.newBuilder().setName("then_branch").setG(branch)))
                .build();
        String msg = error(write(model(main)));
        assertTrue(msg.contains("\"dup\" is used twice") && msg.contains("main/If_0.then_branch"), msg);
    }

    @Test
    void constantErrors() throws IOException {
        NodeProto strings = constant("s", AttributeProto.newBuilder().setName("value_strings")
                .addStrings(ByteString.copyFromUtf8("a")).build());
        assertTrue(error(write(model(GraphProto.newBuilder().addNode(strings).build()))).contains("strings"));
        NodeProto sparse = constant("sp", AttributeProto.newBuilder().setName("sparse_value")
                .setSparseTensor(SparseTensorProto.getDefaultInstance()).build());
        assertTrue(error(write(model(GraphProto.newBuilder().addNode(sparse).build()))).contains("sparse"));
        NodeProto noOutput = NodeProto.newBuilder().setOpType("Constant")
                .addAttribute(AttributeProto.newBuilder().setName("value_int").setI(1)).build();
        assertTrue(error(write(model(GraphProto.newBuilder().addNode(noOutput).build()))).contains("no output"));
        NodeProto noTensor = constant("c", AttributeProto.newBuilder().setName("value").build());
        assertTrue(error(write(model(GraphProto.newBuilder().addNode(noTensor).build()))).contains("without a tensor"));
    }

    @Test
    void modelMetadataInOrder() throws IOException {
        ModelProto m = ModelProto.newBuilder().setIrVersion(8).setProducerName("pytorch").setProducerVersion("2.1")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("com.microsoft").setVersion(1))
                .setDocString("a doc")
                .addMetadataProps(StringStringEntryProto.newBuilder().setKey("author").setValue("me"))
                .addMetadataProps(StringStringEntryProto.newBuilder().setKey("license").setValue("MIT"))
                .setGraph(GraphProto.newBuilder().setName("torch_jit")
                        .addInitializer(raw("w", OnnxImporter.FLOAT, new byte[4], 1).toBuilder().setDocString("weight doc")))
                .build();
        ImportedModel im = importer.importModel(write(m));
        assertEquals(List.of("source_format", "producer", "onnx.ir_version", "onnx.opset", "onnx.graph_name",
                "onnx.doc_string", "meta.author", "meta.license"), List.copyOf(im.metadata().keySet()));
        assertEquals("onnx", im.metadata().get("source_format"));
        assertEquals("pytorch 2.1", im.metadata().get("producer"));
        assertEquals("8", im.metadata().get("onnx.ir_version"));
        assertEquals("ai.onnx:17,com.microsoft:1", im.metadata().get("onnx.opset"));
        assertEquals("torch_jit", im.metadata().get("onnx.graph_name"));
        assertEquals("MIT", im.metadata().get("meta.license"));
        assertEquals("weight doc", im.tensors().get(0).metadata().get("doc_string"));
    }

    private TensorProto external(String name, String location, long offset, long length, long... dims) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(OnnxImporter.FLOAT)
                .setDataLocation(OnnxImporter.LOCATION_EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location));
        if (offset >= 0) {
            b.addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue(Long.toString(offset)));
        }
        if (length >= 0) {
            b.addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue(Long.toString(length)));
        }
        for (long d : dims) {
            b.addDims(d);
        }
        return b.build();
    }

    @Test
    void externalDataIsReadFromBesideTheModel() throws IOException {
        Files.createDirectories(tmp.resolve("data"));
        Files.write(tmp.resolve("data/weights.bin"), bytes(64, 5));
        GraphProto g = GraphProto.newBuilder()
                .addInitializer(external("a", "data/weights.bin", 16, 32, 8))
                .addInitializer(external("b", "data/weights.bin", -1, -1, 2, 2))
                .build();
        List<ImportedTensor> ts = importer.importModel(write(model(g))).tensors();
        assertInstanceOf(FileSliceTensorData.class, ts.get(0).data());
        assertArrayEquals(Arrays.copyOfRange(bytes(64, 5), 16, 48), readAll(ts.get(0).data()));
        assertArrayEquals(Arrays.copyOfRange(bytes(64, 5), 0, 16), readAll(ts.get(1).data()));
    }

    @Test
    void externalDataMustStayInsideTheModelFolder() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("m"));
        Files.write(tmp.resolve("outside.bin"), bytes(16, 1));
        Files.write(dir.resolve("inside.bin"), bytes(16, 1));
        Files.createSymbolicLink(dir.resolve("link.bin"), tmp.resolve("outside.bin"));
        String[] bad = {"../outside.bin", tmp.resolve("outside.bin").toAbsolutePath().toString(), "link.bin",
            "missing.bin", "sub/../inside.bin"};
        for (String location : bad) {
            Path p = dir.resolve("model.onnx");
            Files.write(p, model(GraphProto.newBuilder().addInitializer(external("ext_w", location, 0, 16, 4)).build())
                    .toByteArray());
            String msg = error(p);
            assertTrue(msg.contains("tensor \"ext_w\""), msg);
        }
        Path p = dir.resolve("model.onnx");
        Files.write(p, model(GraphProto.newBuilder().addInitializer(external("ext_w", "inside.bin", 8, 16, 4)).build())
                .toByteArray());
        assertTrue(error(p).contains("lies outside"));
        Files.write(p, model(GraphProto.newBuilder().addInitializer(external("ext_w", "inside.bin", 0, 12, 4)).build())
                .toByteArray());
        assertTrue(error(p).contains("length 12"));
    }

    @Test
    void garbageIsAFormatError() throws IOException {
        Path p = tmp.resolve("bad.onnx");
        Files.write(p, new byte[0]);
        assertTrue(error(p).contains("no graph"));
        Files.write(p, new byte[] {0x3A, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F, 1, 2});
        assertTrue(error(p).contains("not a valid ONNX protobuf"));
        Files.write(p, bytes(1000, 7));
        assertThrows(WpkFormatException.class, () -> importer.importModel(p));
        // Graphs nested beyond the recursion limit: If -> then_branch -> If -> ...
        GraphProto g = GraphProto.newBuilder().build();
        for (int i = 0; i < 200; i++) {
            g = GraphProto.newBuilder().addNode(NodeProto.newBuilder().setOpType("If")
                    .addAttribute(AttributeProto.newBuilder().setName("then_branch").setG(g))).build();
        }
        Files.write(p, model(g).toByteArray());
        assertTrue(error(p).contains("not a valid ONNX protobuf"));
    }

    @Test
    void everyTruncationIsAFormatErrorOrAShorterModel() throws IOException {
        GraphProto g = GraphProto.newBuilder()
                .addInitializer(raw("w", OnnxImporter.FLOAT, bytes(40, 1), 10))
                .addNode(constant("c", tensorAttr(raw("", OnnxImporter.INT64, bytes(16, 2), 2))))
                .build();
        byte[] full = model(g).toByteArray();
        Path p = tmp.resolve("cut.onnx");
        for (int len = 0; len < full.length; len++) {
            Files.write(p, Arrays.copyOf(full, len));
            try {
                importer.importModel(p);
            } catch (WpkFormatException expected) {
                // fine: the only acceptable failure
            }
        }
    }
}
