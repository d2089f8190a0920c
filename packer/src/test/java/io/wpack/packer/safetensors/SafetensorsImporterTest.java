package io.wpack.packer.safetensors;

import io.wpack.formats.DTypes;
import io.wpack.formats.WpkFormatException;
import io.wpack.formats.proto.DType;
import io.wpack.packer.json.JsonWriter;
import io.wpack.packer.model.FileSliceTensorData;
import io.wpack.packer.model.ImportedModel;
import io.wpack.packer.model.ImportedTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
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

class SafetensorsImporterTest {
    @TempDir
    Path tmp;

    private static final String[] DTYPES = {"F64", "F32", "F16", "BF16", "F8_E4M3", "F8_E5M2", "I8", "I16", "I32",
        "I64", "U8", "U16", "U32", "U64", "BOOL"};

    private Path file(String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(le(8).putLong(h.length).array());
        out.writeBytes(h);
        out.writeBytes(data);
        Path p = tmp.resolve("model.safetensors");
        Files.write(p, out.toByteArray());
        return p;
    }

    private static Map<String, Object> info(String dtype, List<Long> shape, long begin, long end) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dtype", dtype);
        m.put("shape", shape);
        m.put("data_offsets", List.of(begin, end));
        return m;
    }

    private String error(String header, byte[] data) throws IOException {
        Path p = file(header, data);
        return assertThrows(WpkFormatException.class, () -> new SafetensorsImporter().importModel(p)).getMessage();
    }

    @Test
    void everyDtypeRoundTrips() throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("__metadata__", Map.of("format", "pt"));
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        // Listed in reverse data order, to check that the importer sorts by offset.
        long offset = 0;
        long[] begins = new long[DTYPES.length];
        for (int i = 0; i < DTYPES.length; i++) {
            int size = DTypes.byteSize(SafetensorsImporter.dtypeOf(DTYPES[i], "t"));
            begins[i] = offset;
            data.writeBytes(bytes(6 * size, i));
            offset += 6L * size;
        }
        for (int i = DTYPES.length - 1; i >= 0; i--) {
            long len = 6L * DTypes.byteSize(SafetensorsImporter.dtypeOf(DTYPES[i], "t"));
            header.put("t_" + DTYPES[i], info(DTYPES[i], List.of(2L, 3L), begins[i], begins[i] + len));
        }
        header.put("scalar", info("F32", List.of(), offset, offset + 4));
        data.writeBytes(bytes(4, 77));
        header.put("empty", info("F32", List.of(0L, 4L), offset + 4, offset + 4));

        ImportedModel m = new SafetensorsImporter().importModel(file(JsonWriter.write(header) + "   ", data.toByteArray()));
        assertEquals("safetensors", m.metadata().get("source_format"));
        assertEquals("pt", m.metadata().get("meta.format"));
        assertEquals(DTYPES.length + 2, m.tensors().size());
        for (int i = 0; i < DTYPES.length; i++) {
            ImportedTensor t = m.tensors().get(i);
            assertEquals("t_" + DTYPES[i], t.name());
            assertEquals(DType.valueOf(DTYPES[i]), t.dtype());
            assertArrayEquals(new long[] {2, 3}, t.shape());
            assertInstanceOf(FileSliceTensorData.class, t.data());
            assertArrayEquals(bytes(6 * DTypes.byteSize(t.dtype()), i), readAll(t.data()));
        }
        assertEquals("scalar", m.tensors().get(DTYPES.length).name());
        assertEquals(0, m.tensors().get(DTYPES.length).shape().length);
        assertArrayEquals(bytes(4, 77), readAll(m.tensors().get(DTYPES.length).data()));
        assertEquals("empty", m.tensors().get(DTYPES.length + 1).name());
    }

    @Test
    void equalOffsetsOrderByName() throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("b", info("F32", List.of(0L), 0, 0));
        header.put("a", info("F32", List.of(0L), 0, 0));
        header.put("c", info("U8", List.of(1L), 0, 1));
        ImportedModel m = new SafetensorsImporter().importModel(file(JsonWriter.write(header), new byte[1]));
        assertEquals(List.of("a", "b", "c"), m.tensors().stream().map(ImportedTensor::name).toList());
    }

    @Test
    void headerLengthBeyondTheFile() throws IOException {
        Path p = tmp.resolve("x.safetensors");
        Files.write(p, concat(le(8).putLong(1000).array(), "{}".getBytes(StandardCharsets.UTF_8)));
        String msg = assertThrows(WpkFormatException.class, () -> new SafetensorsImporter().importModel(p)).getMessage();
        assertTrue(msg.contains("larger than the rest of the file"), msg);
        Files.write(p, concat(le(8).putLong(-1).array(), new byte[10]));
        msg = assertThrows(WpkFormatException.class, () -> new SafetensorsImporter().importModel(p)).getMessage();
        assertTrue(msg.contains("18446744073709551615"), msg);
        Files.write(p, concat(le(8).putLong(SafetensorsImporter.MAX_HEADER_BYTES + 1).array(), new byte[10]));
        assertThrows(WpkFormatException.class, () -> new SafetensorsImporter().importModel(p));
        Files.write(p, new byte[5]);
        assertTrue(assertThrows(WpkFormatException.class, () -> new SafetensorsImporter().importModel(p))
                .getMessage().contains("too short"));
    }

    @Test
    void overlappingTensors() throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("a", info("F32", List.of(2L), 0, 8));
        header.put("b", info("F32", List.of(2L), 4, 12));
        String msg = error(JsonWriter.write(header), new byte[12]);
        assertTrue(msg.contains("\"a\"") && msg.contains("\"b\"") && msg.contains("overlap"), msg);
        header.put("b", info("F32", List.of(2L), 0, 8));
        assertTrue(error(JsonWriter.write(header), new byte[12]).contains("overlap"));
    }

    @Test
    void badEntries() throws IOException {
        assertTrue(error("{\"w\": " + JsonWriter.write(info("F32", List.of(3L), 0, 8)) + "}", new byte[16])
                .contains("hold 8 bytes"));
        assertTrue(error("{\"w\": " + JsonWriter.write(info("F32", List.of(2L), 8, 16)) + "}", new byte[12])
                .contains("past the end"));
        assertTrue(error("{\"w\": " + JsonWriter.write(info("F32", List.of(2L), 8, 0)) + "}", new byte[12])
                .contains("ordered pair"));
        assertTrue(error("{\"w\": " + JsonWriter.write(info("C64", List.of(1L), 0, 8)) + "}", new byte[8])
                .contains("\"C64\""));
        assertTrue(error("{\"w\": " + JsonWriter.write(info("F32", List.of(-1L), 0, 0)) + "}", new byte[8])
                .contains("negative"));
        assertTrue(error("{\"w\": {\"dtype\": \"F32\", \"shape\": [1]}}", new byte[4]).contains("data_offsets"));
        assertTrue(error("{\"w\": {\"dtype\": \"F32\", \"shape\": [4294967296, 4294967296, 4294967296], "
                + "\"data_offsets\": [0, 4]}}", new byte[4]).contains("overflows"));
        assertTrue(error("{\"w\": 1}", new byte[4]).contains("tensor \"w\""));
        assertTrue(error("[1]", new byte[4]).contains("must be a JSON object"));
        assertTrue(error("{\"w\": ", new byte[4]).contains("model.safetensors header"));
        assertTrue(error("{\"__metadata__\": {\"k\": 1}}", new byte[0]).contains("__metadata__"));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
