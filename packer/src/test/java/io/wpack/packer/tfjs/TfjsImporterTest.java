package io.wpack.packer.tfjs;

import io.wpack.formats.WpkFormatException;
import io.wpack.formats.proto.DType;
import io.wpack.packer.json.JsonWriter;
import io.wpack.packer.model.ConcatenatedTensorData;
import io.wpack.packer.model.ImportedModel;
import io.wpack.packer.model.ImportedTensor;
import io.wpack.packer.model.ModelImporters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.wpack.packer.testing.TestData.bytes;
import static io.wpack.packer.testing.TestData.concat;
import static io.wpack.packer.testing.TestData.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TfjsImporterTest {
    @TempDir
    Path tmp;

    private static Map<String, Object> weight(String name, String dtype, List<Long> shape, Map<String, Object> quant) {
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("name", name);
        w.put("shape", shape);
        w.put("dtype", dtype);
        if (quant != null) {
            w.put("quantization", quant);
        }
        return w;
    }

    private static Map<String, Object> group(List<String> paths, List<Map<String, Object>> weights) {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("paths", paths);
        g.put("weights", weights);
        return g;
    }

    private Path model(List<Map<String, Object>> groups) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", "graph-model");
        root.put("generatedBy", "2.3.1");
        root.put("convertedBy", "TensorFlow.js Converter v4.0");
        root.put("modelTopology", Map.of("node", List.of()));
        root.put("weightsManifest", groups);
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("author", "me");
        user.put("signature", Map.of("outputs", List.of(1L, 2L)));
        root.put("userDefinedMetadata", user);
        Path p = tmp.resolve("model.json");
        Files.writeString(p, JsonWriter.writePretty(root));
        return p;
    }

    private String error(Path p) {
        return assertThrows(WpkFormatException.class, () -> new TfjsImporter().importModel(p)).getMessage();
    }

    @Test
    void plainQuantizedAndHalfWeights() throws IOException {
        byte[] f32 = bytes(4 * 6, 1);
        byte[] i32 = bytes(4 * 2, 2);
        byte[] bool = {1, 0, 1};
        byte[] u8 = bytes(10, 3);
        byte[] u16 = bytes(2 * 4, 4);
        byte[] f16 = bytes(2 * 3, 5);
        Files.write(tmp.resolve("group1-shard1of1.bin"), concat(f32, i32, bool, u8, u16, f16));
        Map<String, Object> q8 = new LinkedHashMap<>();
        q8.put("dtype", "uint8");
        q8.put("min", -0.5);
        q8.put("scale", 0.003921568859368563);
        q8.put("original_dtype", "float32");
        Map<String, Object> q16 = Map.of("dtype", "uint16", "min", 0L, "scale", 50.207843137254905);
        Map<String, Object> half = Map.of("dtype", "float16", "original_dtype", "float32");
        Path p = model(List.of(group(List.of("group1-shard1of1.bin"), List.of(
                weight("conv/w", "float32", List.of(2L, 3L), null),
                weight("shape", "int32", List.of(2L), null),
                weight("mask", "bool", List.of(3L), null),
                weight("q8", "float32", List.of(10L), q8),
                weight("q16", "float32", List.of(2L, 2L), q16),
                weight("half", "float32", List.of(3L), half),
                weight("scalar_empty", "float32", List.of(0L), null)))));
        ImportedModel m = new TfjsImporter().importModel(p);

        assertEquals(List.of("source_format", "producer", "tfjs.format", "tfjs.converted_by", "meta.author",
                "meta.signature"), List.copyOf(m.metadata().keySet()));
        assertEquals("2.3.1", m.metadata().get("producer"));
        assertEquals("graph-model", m.metadata().get("tfjs.format"));
        assertEquals("TensorFlow.js Converter v4.0", m.metadata().get("tfjs.converted_by"));
        assertEquals("me", m.metadata().get("meta.author"));
        assertEquals("{\"outputs\":[1,2]}", m.metadata().get("meta.signature"));

        List<ImportedTensor> ts = m.tensors();
        assertEquals(7, ts.size());
        ImportedTensor w = ts.get(0);
        assertEquals("conv/w", w.name());
        assertEquals(DType.F32, w.dtype());
        assertEquals(DType.F32, w.storedDtype());
        assertNull(w.dequantization());
        assertArrayEquals(f32, readAll(w.data()));
        assertEquals(DType.I32, ts.get(1).dtype());
        assertArrayEquals(i32, readAll(ts.get(1).data()));
        assertEquals(DType.BOOL, ts.get(2).dtype());
        assertArrayEquals(bool, readAll(ts.get(2).data()));

        ImportedTensor t8 = ts.get(3);
        assertEquals(DType.F32, t8.dtype());
        assertEquals(DType.U8, t8.storedDtype());
        assertEquals(-0.5, t8.dequantization().getAffine().getMin());
        assertEquals(0.003921568859368563, t8.dequantization().getAffine().getScale());
        assertEquals("uint8", t8.metadata().get("tfjs.quantization"));
        assertArrayEquals(u8, readAll(t8.data()));

        ImportedTensor t16 = ts.get(4);
        assertEquals(DType.U16, t16.storedDtype());
        assertEquals(0.0, t16.dequantization().getAffine().getMin());
        assertEquals(50.207843137254905, t16.dequantization().getAffine().getScale());
        assertArrayEquals(u16, readAll(t16.data()));

        ImportedTensor h = ts.get(5);
        assertEquals(DType.F32, h.dtype());
        assertEquals(DType.F16, h.storedDtype());
        assertTrue(h.dequantization().hasWidening());
        assertArrayEquals(f16, readAll(h.data()));
        assertEquals(0, ts.get(6).data().byteSize());
    }

    @Test
    void weightSpanningShardsAndGroups() throws IOException {
        byte[] all = bytes(100, 7);
        Files.write(tmp.resolve("s1.bin"), Arrays.copyOfRange(all, 0, 30));
        Files.write(tmp.resolve("s2.bin"), Arrays.copyOfRange(all, 30, 34));
        Files.write(tmp.resolve("s3.bin"), Arrays.copyOfRange(all, 34, 60));
        Files.createDirectories(tmp.resolve("more"));
        Files.write(tmp.resolve("more/g2.bin"), Arrays.copyOfRange(all, 60, 100));
        Path p = model(List.of(
                group(List.of("s1.bin", "s2.bin", "s3.bin"), List.of(
                        weight("a", "float32", List.of(5L), null),      // [0, 20)
                        weight("b", "float32", List.of(2L, 5L), null))), // [20, 60): spans all three shards
                group(List.of("more/g2.bin"), List.of(weight("c", "int32", List.of(10L), null)))));
        List<ImportedTensor> ts = new TfjsImporter().importModel(p).tensors();
        assertArrayEquals(Arrays.copyOfRange(all, 0, 20), readAll(ts.get(0).data()));
        assertInstanceOf(ConcatenatedTensorData.class, ts.get(1).data());
        assertEquals(3, ((ConcatenatedTensorData) ts.get(1).data()).parts().size());
        assertArrayEquals(Arrays.copyOfRange(all, 20, 60), readAll(ts.get(1).data()));
        assertArrayEquals(Arrays.copyOfRange(all, 60, 100), readAll(ts.get(2).data()));
        // Reading byte by byte crosses the piece boundaries one step at a time.
        try (var in = ts.get(1).data().open()) {
            for (int i = 20; i < 60; i++) {
                assertEquals(all[i] & 0xFF, in.read());
            }
            assertEquals(-1, in.read());
        }
    }

    @Test
    void sizesMustMatchTheShards() throws IOException {
        Files.write(tmp.resolve("w.bin"), new byte[16]);
        String tooBig = error(model(List.of(group(List.of("w.bin"), List.of(
                weight("a", "float32", List.of(3L), null), weight("b", "float32", List.of(2L), null))))));
        assertTrue(tooBig.contains("weight \"b\"") && tooBig.contains("only 16 bytes"), tooBig);
        String tooSmall = error(model(List.of(group(List.of("w.bin"), List.of(weight("a", "float32", List.of(3L), null))))));
        assertTrue(tooSmall.contains("take 12 bytes but the shards hold 16"), tooSmall);
        String quantized = error(model(List.of(group(List.of("w.bin"), List.of(
                weight("a", "float32", List.of(4L), Map.of("dtype", "uint8", "min", 0L, "scale", 1L)))))));
        assertTrue(quantized.contains("take 4 bytes"), quantized);
    }

    @Test
    void badManifests() throws IOException {
        Files.write(tmp.resolve("w.bin"), new byte[8]);
        assertTrue(error(model(List.of(group(List.of("../w.bin"), List.of(
                weight("a", "float32", List.of(2L), null)))))).contains("'..'"));
        assertTrue(error(model(List.of(group(List.of("/etc/passwd"), List.of())))).contains("absolute"));
        Files.createSymbolicLink(tmp.resolve("link.bin"), tmp.resolve("w.bin"));
        assertTrue(error(model(List.of(group(List.of("link.bin"), List.of(
                weight("a", "float32", List.of(2L), null)))))).contains("symbolic link"));
        assertTrue(error(model(List.of(group(List.of("missing.bin"), List.of())))).contains("not found"));
        for (String dtype : new String[] {"complex64", "string", "float64"}) {
            String msg = error(model(List.of(group(List.of("w.bin"), List.of(weight("odd", dtype, List.of(1L), null))))));
            assertTrue(msg.contains("weight \"odd\"") && msg.contains(dtype), msg);
        }
        assertTrue(error(model(List.of(group(List.of("w.bin"), List.of(weight("a", "float32", List.of(1L),
                Map.of("dtype", "int4"))))))).contains("int4"));
        assertTrue(error(model(List.of(group(List.of("w.bin"), List.of(weight("a", "float32", List.of(8L),
                Map.of("dtype", "uint8", "scale", 1L))))))).contains("\"min\""));
        assertTrue(error(model(List.of(group(List.of("w.bin"), List.of(weight("a", "float32", List.of(1L), null),
                weight("a", "float32", List.of(1L), null)))))).contains("twice"));
        assertTrue(error(model(List.of(group(List.of("w.bin"), List.of(weight("a", "float32", List.of(-2L), null))))))
                .contains("negative"));
        Path noManifest = tmp.resolve("other.json");
        Files.writeString(noManifest, "{\"modelTopology\": {}}");
        assertTrue(error(noManifest).contains("weightsManifest"));
        Files.writeString(noManifest, "{\"weightsManifest\": [1,]}");
        assertTrue(error(noManifest).contains("other.json"));
    }

    @Test
    void folderWithModelJsonIsDetected() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("web_model"));
        Files.write(dir.resolve("w.bin"), bytes(8, 1));
        Files.writeString(dir.resolve("model.json"), JsonWriter.write(Map.of("weightsManifest", List.of(
                group(List.of("w.bin"), List.of(weight("a", "int32", List.of(2L), null)))))),
                StandardCharsets.UTF_8);
        assertInstanceOf(TfjsImporter.class, ModelImporters.detect(dir));
        ImportedModel m = ModelImporters.importModel(dir);
        assertEquals("", m.metadata().get("producer"));
        assertSame(DType.I32, m.tensors().get(0).dtype());
        assertArrayEquals(bytes(8, 1), readAll(m.tensors().get(0).data()));
    }
}
