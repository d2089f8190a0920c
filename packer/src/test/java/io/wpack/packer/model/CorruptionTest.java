package io.wpack.packer.model;

import com.google.protobuf.ByteString;
import io.wpack.formats.WpkFormatException;
import io.wpack.packer.json.JsonWriter;
import io.wpack.packer.onnx.proto.AttributeProto;
import io.wpack.packer.onnx.proto.GraphProto;
import io.wpack.packer.onnx.proto.ModelProto;
import io.wpack.packer.onnx.proto.NodeProto;
import io.wpack.packer.onnx.proto.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static io.wpack.packer.testing.TestData.bytes;
import static io.wpack.packer.testing.TestData.le;
import static io.wpack.packer.testing.TestData.readAll;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Flips bytes at every position of a small file of each format, and cuts it at every
 * length: importing and reading every tensor must then either work or fail with
 * {@link WpkFormatException}, never with another exception, a hang or a huge allocation.
 */
class CorruptionTest {
    @TempDir
    Path tmp;

    private void mutateEverywhere(String fileName, byte[] original) throws IOException {
        Path p = tmp.resolve(fileName);
        for (int i = 0; i < original.length; i++) {
            for (int mask : new int[] {0x01, 0xFF}) {
                byte[] b = original.clone();
                b[i] ^= (byte) mask;
                check(p, b, "byte " + i + " ^ " + mask);
            }
        }
        for (int len = 0; len < original.length; len++) {
            check(p, Arrays.copyOf(original, len), "cut at " + len);
        }
    }

    private static void check(Path p, byte[] content, String what) throws IOException {
        Files.write(p, content);
        try {
            ImportedModel m = ModelImporters.importModel(p);
            for (ImportedTensor t : m.tensors()) {
                readAll(t.data());
            }
        } catch (WpkFormatException expected) {
            // the one acceptable failure
        } catch (RuntimeException | IOException | OutOfMemoryError e) {
            fail(p.getFileName() + " with " + what + " threw " + e, e);
        }
    }

    @Test
    void safetensors() throws IOException {
        String header = "{\"__metadata__\":{\"a\":\"b\"},\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"I8\",\"shape\":[3],\"data_offsets\":[16,19]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(le(8).putLong(h.length).array());
        out.writeBytes(h);
        out.writeBytes(bytes(19, 1));
        mutateEverywhere("m.safetensors", out.toByteArray());
    }

    @Test
    void npy() throws IOException {
        mutateEverywhere("a.npy", npy("<f4", true, "(2, 3)", bytes(24, 2)));
    }

    @Test
    void npz() throws IOException {
        for (boolean deflate : new boolean[] {false, true}) {
            ByteArrayOutputStream zipBytes = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(zipBytes)) {
                zip.setMethod(deflate ? ZipOutputStream.DEFLATED : ZipOutputStream.STORED);
                byte[][] members = {npy("<f4", false, "(3,)", bytes(12, 3)), npy(">i2", false, "(2,)", bytes(4, 4))};
                for (int i = 0; i < members.length; i++) {
                    ZipEntry e = new ZipEntry("m" + i + ".npy");
                    if (!deflate) {
                        CRC32 crc = new CRC32();
                        crc.update(members[i]);
                        e.setSize(members[i].length);
                        e.setCrc(crc.getValue());
                    }
                    zip.putNextEntry(e);
                    zip.write(members[i]);
                    zip.closeEntry();
                }
            }
            mutateEverywhere("a.npz", zipBytes.toByteArray());
        }
    }

    @Test
    void tfjs() throws IOException {
        Files.write(tmp.resolve("w.bin"), bytes(4 * 3 + 4, 5));
        Map<String, Object> root = Map.of("format", "graph-model", "weightsManifest", List.of(Map.of(
                "paths", List.of("w.bin"),
                "weights", List.of(
                        Map.of("name", "a", "shape", List.of(3L), "dtype", "float32"),
                        Map.of("name", "q", "shape", List.of(4L), "dtype", "float32",
                                "quantization", Map.of("dtype", "uint8", "min", -1.5, "scale", 0.25))))));
        mutateEverywhere("model.json", JsonWriter.write(root).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void onnx() throws IOException {
        GraphProto branch = GraphProto.newBuilder()
                .addNode(NodeProto.newBuilder().setOpType("Constant").addOutput("c")
                        .addAttribute(AttributeProto.newBuilder().setName("value_ints").addInts(1).addInts(2)))
                .build();
        GraphProto g = GraphProto.newBuilder().setName("g")
                .addInitializer(TensorProto.newBuilder().setName("w").setDataType(1).addDims(2)
                        .setRawData(ByteString.copyFrom(bytes(8, 6))))
                .addInitializer(TensorProto.newBuilder().setName("h").setDataType(10).addDims(2)
                        .addInt32Data(0x3C00).addInt32Data(0x4000))
                .addNode(NodeProto.newBuilder().setOpType("If")
                        .addAttribute(AttributeProto.newBuilder().setName("then_branch").setG(branch)))
                .build();
        mutateEverywhere("m.onnx", ModelProto.newBuilder().setIrVersion(8).setGraph(g).build().toByteArray());
    }

    private static byte[] npy(String descr, boolean fortran, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': "
                + shape + ", }";
        int total = 10 + dict.length() + 1;
        String header = dict + " ".repeat((total + 63) / 64 * 64 - total) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.writeBytes(le(2).putShort((short) header.length()).array());
        out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(data);
        return out.toByteArray();
    }
}
