package io.wpack.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.wpack.packer.demo.DemoModel;
import io.wpack.packer.onnx.proto.GraphProto;
import io.wpack.packer.onnx.proto.ModelProto;
import io.wpack.packer.onnx.proto.StringStringEntryProto;
import io.wpack.packer.onnx.proto.TensorProto;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI as a pipeline uses it: exit codes, JSON on stdout, clear errors on stderr. */
class CliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private Path dir;

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("wpack-cli");
    }

    @AfterEach
    void tearDown() throws Exception {
        TestFiles.deleteTree(dir);
    }

    private Path demoModel() throws Exception {
        Path model = dir.resolve("demo.onnx");
        DemoModel.write(model);
        return model;
    }

    @Test
    void packJsonHasTheDocumentedFieldsAndNothingElseOnStdout() throws Exception {
        Path model = demoModel();
        Path pkg = dir.resolve("demo.wpk");
        Cli r = Cli.run("pack", model.toString(), "-o", pkg.toString(), "--json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode j = JSON.readTree(r.out());
        assertEquals(Files.size(pkg), j.get("output_bytes").asLong());
        assertEquals(11, j.get("tensor_count").asInt());
        long params = 0;
        for (JsonNode t : j.get("tensors")) {
            for (String f : new String[] {"name", "dtype", "shape", "stored_bytes", "bits_per_weight", "encoding"}) {
                assertTrue(t.has(f), "tensor entry lacks " + f);
            }
            params += t.get("params").asLong();
        }
        assertEquals(params, j.get("params").asLong());
        assertTrue(j.get("input_bytes").asLong() > 40_000);
        assertEquals("onnx", j.get("metadata").get("source_format").asText());
    }

    @Test
    void inspectAndVerifyAgreeWithPack() throws Exception {
        Path pkg = dir.resolve("demo.wpk");
        assertEquals(0, Cli.run("pack", demoModel().toString(), "-o", pkg.toString()).exitCode());
        Cli inspect = Cli.run("inspect", pkg.toString(), "--json");
        assertEquals(0, inspect.exitCode(), inspect.toString());
        JsonNode j = JSON.readTree(inspect.out());
        assertEquals(11, j.get("tensors").size());
        assertEquals("fc.weight", j.get("tensors").get(8).get("name").asText());
        assertEquals("[10, 512]", j.get("tensors").get(8).get("shape").toString().replace(",", ", "));
        Cli verify = Cli.run("verify", pkg.toString());
        assertEquals(0, verify.exitCode(), verify.toString());
        assertTrue(verify.out().contains("OK"), verify.out());
        Cli human = Cli.run("inspect", pkg.toString());
        assertTrue(human.out().contains("conv2.weight"), human.out());
    }

    @Test
    void corruptPackageExitsWithThreeAndNamesTheTensor() throws Exception {
        Path pkg = dir.resolve("demo.wpk");
        assertEquals(0, Cli.run("pack", demoModel().toString(), "-o", pkg.toString(), "--codecs", "raw").exitCode());
        byte[] b = Files.readAllBytes(pkg);
        b[b.length - 100] ^= 0x40; // inside the last tensor's chunk
        Files.write(pkg, b);
        Cli r = Cli.run("verify", pkg.toString());
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.err().contains("checksum mismatch in tensor"), r.err());
        assertNoStackTrace(r);
    }

    @Test
    void usageErrorsExitWithTwo() throws Exception {
        assertEquals(2, Cli.run("pack").exitCode());
        assertEquals(2, Cli.run("frobnicate").exitCode());
        assertEquals(2, Cli.run("pack", demoModel().toString(), "--align", "100").exitCode());
        assertEquals(2, Cli.run("pack", demoModel().toString(), "--codecs", "zip").exitCode());
        Cli r = Cli.run("unpack", "x.wpk", "-o", "out.bin");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains(".safetensors or .npz"), r.err());
    }

    @Test
    void missingFileExitsWithOne() {
        Cli r = Cli.run("inspect", dir.resolve("nope.wpk").toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertNoStackTrace(r);
    }

    @Test
    void helpListsExitCodes() {
        Cli r = Cli.run("--help");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("Exit codes"), r.out());
        assertTrue(r.out().contains("3"), r.out());
        Cli pack = Cli.run("pack", "--help");
        assertTrue(pack.out().contains("--json"), pack.out());
    }

    @Test
    void unpackWritesSafetensorsAndNpzBitExact() throws Exception {
        Path model = demoModel();
        Path pkg = dir.resolve("demo.wpk");
        assertEquals(0, Cli.run("pack", model.toString(), "-o", pkg.toString()).exitCode());
        Path st = dir.resolve("out.safetensors");
        Cli r = Cli.run("unpack", pkg.toString(), "-o", st.toString());
        assertEquals(0, r.exitCode(), r.toString());
        var expected = IndependentReaders.onnx(model);
        var actual = IndependentReaders.safetensors(st);
        assertEquals(expected.keySet(), actual.keySet());
        for (var e : expected.entrySet()) {
            assertArrayEquals(e.getValue().bytes(), actual.get(e.getKey()).bytes(), e.getKey());
            assertEquals(e.getValue().dtype(), actual.get(e.getKey()).dtype(), e.getKey());
        }
        Path npz = dir.resolve("out.npz");
        assertEquals(0, Cli.run("unpack", pkg.toString(), "-o", npz.toString()).exitCode());
        var fromNpz = IndependentReaders.npz(npz);
        for (var e : expected.entrySet()) {
            assertArrayEquals(e.getValue().bytes(), fromNpz.get(e.getKey()).bytes(), e.getKey());
        }
    }

    @Test
    void unpackWithCsrLayoutWritesScipyArraysThatRebuildTheDenseWeight() throws Exception {
        Path model = demoModel();
        Path pkg = dir.resolve("demo.wpk");
        assertEquals(0, Cli.run("pack", model.toString(), "-o", pkg.toString(), "--prune", "magnitude:0.6").exitCode());
        Path npz = dir.resolve("csr.npz");
        Cli r = Cli.run("unpack", pkg.toString(), "-o", npz.toString(), "--layout", "csr", "--layout-match", "fc\\.weight");
        assertEquals(0, r.exitCode(), r.toString());
        var arrays = IndependentReaders.npz(npz);
        var dense = IndependentReaders.npz(unpackDense(pkg)).get("fc.weight");
        java.nio.FloatBuffer d = ByteBuffer.wrap(dense.bytes()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        java.nio.FloatBuffer data = ByteBuffer.wrap(arrays.get("fc.weight.data").bytes()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        java.nio.IntBuffer indices = ByteBuffer.wrap(arrays.get("fc.weight.indices").bytes()).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
        java.nio.IntBuffer indptr = ByteBuffer.wrap(arrays.get("fc.weight.indptr").bytes()).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
        float[] rebuilt = new float[10 * 512];
        for (int row = 0; row < 10; row++) {
            for (int k = indptr.get(row); k < indptr.get(row + 1); k++) {
                rebuilt[row * 512 + indices.get(k)] = data.get(k);
            }
        }
        for (int i = 0; i < rebuilt.length; i++) {
            assertEquals(d.get(i), rebuilt[i], "element " + i);
        }
        assertEquals(2, Cli.run("unpack", pkg.toString(), "-o", npz.toString(), "--layout", "blocked:XYZ").exitCode());
    }

    private Path unpackDense(Path pkg) {
        Path out = dir.resolve("dense.npz");
        assertEquals(0, Cli.run("unpack", pkg.toString(), "-o", out.toString()).exitCode());
        return out;
    }

    @Test
    void onnxExternalDataOutsideTheModelFolderIsRejected() throws Exception {
        Path modelDir = Files.createDirectories(dir.resolve("model"));
        Files.write(dir.resolve("secret.bin"), new byte[16]);
        TensorProto t = TensorProto.newBuilder().setName("w").setDataType(1).addDims(4).setDataLocation(1)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("../secret.bin"))
                .build();
        Path model = modelDir.resolve("m.onnx");
        Files.write(model, ModelProto.newBuilder().setIrVersion(8)
                .setGraph(GraphProto.newBuilder().addInitializer(t)).build().toByteArray());
        Cli r = Cli.run("pack", model.toString(), "-o", dir.resolve("m.wpk").toString());
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.err().contains("w"), r.err());
        assertNoStackTrace(r);
        assertFalse(Files.exists(dir.resolve("m.wpk")));
    }

    @Test
    void safetensorsHeaderLargerThanTheFileIsRejected() throws Exception {
        Path st = dir.resolve("bad.safetensors");
        ByteBuffer b = ByteBuffer.allocate(8 + 20).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(1_000_000L);
        b.put("{\"a\":{\"dtype\":\"F32\"".getBytes(StandardCharsets.US_ASCII));
        Files.write(st, b.array());
        Cli r = Cli.run("pack", st.toString(), "-o", dir.resolve("o.wpk").toString());
        assertEquals(3, r.exitCode(), r.toString());
        assertNoStackTrace(r);
    }

    @Test
    void npzMemberWithInconsistentShapeIsRejected() throws Exception {
        Path npz = dir.resolve("bad.npz");
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (100, 100), }";
        ByteArrayOutputStream npy = new ByteArrayOutputStream();
        npy.write(0x93);
        npy.write("NUMPY".getBytes(StandardCharsets.US_ASCII));
        npy.write(1);
        npy.write(0);
        int total = (10 + header.length() + 1 + 63) / 64 * 64;
        int hl = total - 10;
        npy.write(hl & 0xFF);
        npy.write(hl >> 8);
        npy.write(header.getBytes(StandardCharsets.US_ASCII));
        for (int i = 10 + header.length(); i < total - 1; i++) {
            npy.write(' ');
        }
        npy.write('\n');
        npy.write(new byte[400]); // 100 floats, not 10000
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(npz))) {
            ZipEntry e = new ZipEntry("w.npy");
            byte[] data = npy.toByteArray();
            e.setMethod(ZipEntry.STORED);
            e.setSize(data.length);
            CRC32 crc = new CRC32();
            crc.update(data);
            e.setCrc(crc.getValue());
            zip.putNextEntry(e);
            zip.write(data);
            zip.closeEntry();
        }
        Cli r = Cli.run("pack", npz.toString(), "-o", dir.resolve("o.wpk").toString());
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.err().contains("w"), r.err());
        assertNoStackTrace(r);
    }

    @Test
    void demoRunsAndReportsBitExact() {
        Cli r = Cli.run("demo");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("bit-exact"), r.out());
        assertTrue(r.out().contains("conv1.weight"), r.out());
    }

    private static void assertNoStackTrace(Cli r) {
        assertFalse(r.err().contains("\tat "), "stack trace in stderr:\n" + r.err());
        assertFalse(r.err().contains("Exception"), "exception name in stderr:\n" + r.err());
    }

    static ByteString bytes(byte[] b) {
        return ByteString.copyFrom(b);
    }
}
