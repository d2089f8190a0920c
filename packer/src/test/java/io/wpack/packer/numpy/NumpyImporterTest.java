package io.wpack.packer.numpy;

import io.wpack.formats.WpkFormatException;
import io.wpack.formats.proto.DType;
import io.wpack.packer.model.FileSliceTensorData;
import io.wpack.packer.model.ImportedModel;
import io.wpack.packer.model.ImportedTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static io.wpack.packer.testing.TestData.bytes;
import static io.wpack.packer.testing.TestData.concat;
import static io.wpack.packer.testing.TestData.le;
import static io.wpack.packer.testing.TestData.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NumpyImporterTest {
    @TempDir
    Path tmp;

    /** An .npy file as NumPy writes it: header padded with spaces to a multiple of 64, ending in '\n'. */
    static byte[] npy(int major, String descr, boolean fortran, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': "
                + shape + ", }";
        int prefix = major == 1 ? 10 : 12;
        int total = prefix + dict.length() + 1;
        int padded = (total + 63) / 64 * 64;
        String header = dict + " ".repeat(padded - total) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        byte[] h = header.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        if (major == 1) {
            out.writeBytes(le(2).putShort((short) h.length).array());
        } else {
            out.writeBytes(le(4).putInt(h.length).array());
        }
        out.writeBytes(h);
        out.writeBytes(data);
        return out.toByteArray();
    }

    private Path write(String name, byte[] content) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, content);
        return p;
    }

    private String npyError(byte[] content) throws IOException {
        Path p = write("bad.npy", content);
        return assertThrows(WpkFormatException.class, () -> new NpyImporter().importModel(p)).getMessage();
    }

    @Test
    void everyDescrRoundTrips() throws IOException {
        Object[][] cases = {
            {"<f8", DType.F64, 8}, {"<f4", DType.F32, 4}, {"<f2", DType.F16, 2}, {"<i1", DType.I8, 1},
            {"|i1", DType.I8, 1}, {"<i2", DType.I16, 2}, {"<i4", DType.I32, 4}, {"<i8", DType.I64, 8},
            {"|u1", DType.U8, 1}, {"<u2", DType.U16, 2}, {"<u4", DType.U32, 4}, {"<u8", DType.U64, 8},
            {"|b1", DType.BOOL, 1}, {"?", DType.BOOL, 1},
        };
        int seed = 0;
        for (Object[] c : cases) {
            for (int major = 1; major <= 3; major++) {
                byte[] data = bytes(6 * (Integer) c[2], seed++);
                ImportedModel m = new NpyImporter().importModel(write("arr.npy", npy(major, (String) c[0], false,
                        "(2, 3)", data)));
                assertEquals("npy", m.metadata().get("source_format"));
                assertEquals(major + ".0", m.metadata().get("numpy.format_version"));
                ImportedTensor t = m.tensors().get(0);
                assertEquals("arr", t.name());
                assertEquals(c[1], t.dtype(), (String) c[0]);
                assertArrayEquals(new long[] {2, 3}, t.shape());
                assertInstanceOf(FileSliceTensorData.class, t.data());
                assertArrayEquals(data, readAll(t.data()));
                assertEquals(Map.of(), t.metadata());
            }
        }
    }

    @Test
    void shapesScalarsAndPython2Longs() throws IOException {
        assertArrayEquals(new long[0], new NpyImporter().importModel(write("s.npy", npy(1, "<f4", false, "()",
                new byte[4]))).tensors().get(0).shape());
        assertArrayEquals(new long[] {5}, new NpyImporter().importModel(write("s.npy", npy(1, "<f4", false, "(5,)",
                new byte[20]))).tensors().get(0).shape());
        assertArrayEquals(new long[] {2, 1}, new NpyImporter().importModel(write("s.npy", npy(1, "<f4", false,
                "(2L, 1L)", new byte[8]))).tensors().get(0).shape());
        assertArrayEquals(new long[] {0, 3}, new NpyImporter().importModel(write("s.npy", npy(1, "<f4", false,
                "(0, 3)", new byte[0]))).tensors().get(0).shape());
    }

    @Test
    void bigEndianIsSwapped() throws IOException {
        byte[] be = {0x3F, (byte) 0x80, 0, 0, (byte) 0xC0, 0, 0, 0};
        ImportedTensor t = new NpyImporter().importModel(write("be.npy", npy(1, ">f4", false, "(2,)", be)))
                .tensors().get(0);
        assertEquals(DType.F32, t.dtype());
        assertEquals("big", t.metadata().get("numpy.byteorder"));
        assertArrayEquals(le(8).putFloat(1f).putFloat(-2f).array(), readAll(t.data()));
        // Longer than the swap buffer, to cross refills.
        int n = 70_000;
        ByteBuffer big = ByteBuffer.allocate(8 * n);
        ByteBuffer little = le(8 * n);
        for (int i = 0; i < n; i++) {
            big.putLong(i * 0x0102030405060708L);
            little.putLong(i * 0x0102030405060708L);
        }
        t = new NpyImporter().importModel(write("be.npy", npy(2, ">i8", false, "(" + n + ",)", big.array())))
                .tensors().get(0);
        assertArrayEquals(little.array(), readAll(t.data()));
        // One-byte types have no byte order to swap.
        t = new NpyImporter().importModel(write("b.npy", npy(1, ">u1", false, "(2,)", new byte[] {1, 2})))
                .tensors().get(0);
        assertEquals(Map.of(), t.metadata());
    }

    @Test
    void fortranOrderBecomesCOrder() throws IOException {
        // A 2x3x4 array a[i][j][k] = 100i + 10j + k as int16, written column-major.
        ByteArrayOutputStream fortran = new ByteArrayOutputStream();
        for (int k = 0; k < 4; k++) {
            for (int j = 0; j < 3; j++) {
                for (int i = 0; i < 2; i++) {
                    fortran.writeBytes(le(2).putShort((short) (100 * i + 10 * j + k)).array());
                }
            }
        }
        ByteBuffer c = le(48);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 4; k++) {
                    c.putShort((short) (100 * i + 10 * j + k));
                }
            }
        }
        ImportedTensor t = new NpyImporter().importModel(write("f.npy", npy(1, "<i2", true, "(2, 3, 4)",
                fortran.toByteArray()))).tensors().get(0);
        assertEquals("true", t.metadata().get("numpy.fortran_order"));
        assertArrayEquals(new long[] {2, 3, 4}, t.shape());
        assertArrayEquals(c.array(), readAll(t.data()));
        assertArrayEquals(c.array(), readAll(t.data()), "a second open gives the same bytes");

        // Big-endian and Fortran together.
        byte[] beFortran = {0, 1, 0, 3, 0, 2, 0, 4}; // [[1, 2], [3, 4]] column-major, big-endian int16
        t = new NpyImporter().importModel(write("f.npy", npy(1, ">i2", true, "(2, 2)", beFortran))).tensors().get(0);
        assertArrayEquals(new byte[] {1, 0, 2, 0, 3, 0, 4, 0}, readAll(t.data()));
    }

    @Test
    void unsupportedDescrsAreNamed() throws IOException {
        assertTrue(npyError(npy(1, "|O", false, "(1,)", new byte[8])).contains("object arrays"));
        assertTrue(npyError(npy(1, "<U5", false, "(1,)", new byte[20])).contains("string"));
        assertTrue(npyError(npy(1, "|S3", false, "(1,)", new byte[3])).contains("string"));
        assertTrue(npyError(npy(1, "<c8", false, "(1,)", new byte[8])).contains("complex"));
        assertTrue(npyError(npy(1, "|V2", false, "(1,)", new byte[2])).contains("void"));
        assertTrue(npyError(npy(1, "<M8[s]", false, "(1,)", new byte[8])).contains("datetime"));
        assertTrue(npyError(npy(1, "<f16", false, "(1,)", new byte[16])).contains("float width"));
        assertTrue(npyError(npy(1, "|f4", false, "(1,)", new byte[4])).contains("no byte order"));
        byte[] structured = npy(1, "X", false, "(1,)", new byte[8]);
        String s = new String(structured, StandardCharsets.ISO_8859_1).replace("'X'", "[('a', '<f4'), ('b', '<i4')]");
        String msg = npyError(s.getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(msg.contains("structured dtype"), msg);
    }

    @Test
    void malformedHeaders() throws IOException {
        assertTrue(npyError(new byte[] {1, 2, 3}).contains("ended"));
        assertTrue(npyError(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'X', 1, 0, 0, 0}).contains("magic"));
        assertTrue(npyError(npy(4, "<f4", false, "(1,)", new byte[4])).contains("version 4.0"));
        byte[] hugeHeader = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F};
        assertTrue(npyError(hugeHeader).contains("exceeds the limit"));
        assertTrue(npyError(npy(1, "<f4", false, "(-1,)", new byte[4])).contains("shape"));
        assertTrue(npyError(npy(1, "<f4", false, "[1]", new byte[4])).contains("tuple"));
        assertTrue(npyError(npy(1, "<f4", false, "(99999999999999999999,)", new byte[4])).contains("integer"));
        assertTrue(npyError(npy(1, "<f4", false, "(4294967296, 4294967296)", new byte[4])).contains("overflows"));
        byte[] ok = npy(1, "<f4", false, "(1,)", new byte[4]);
        String text = new String(ok, StandardCharsets.ISO_8859_1);
        assertTrue(npyError(text.replace("'shape'", "'shapf'").getBytes(StandardCharsets.ISO_8859_1))
                .contains("exactly the keys"));
        assertTrue(npyError(text.replace("False", "Fals ").getBytes(StandardCharsets.ISO_8859_1))
                .contains("unexpected text"));
        assertTrue(npyError(text.replace("{", "(").getBytes(StandardCharsets.ISO_8859_1)).contains("npy header"));
    }

    @Test
    void dataMustMatchTheShape() throws IOException {
        assertTrue(npyError(npy(1, "<f4", false, "(3,)", new byte[8])).contains("need 12 bytes"));
        assertTrue(npyError(npy(1, "<f4", false, "(3,)", new byte[16])).contains("has 16"));
    }

    // ---- npz ----

    private Path npz(boolean deflate, Map<String, byte[]> members) throws IOException {
        Path p = tmp.resolve("arrays.npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(p))) {
            for (Map.Entry<String, byte[]> e : members.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                if (!deflate) {
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(e.getValue().length);
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    entry.setCrc(crc.getValue());
                }
                zip.putNextEntry(entry);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return p;
    }

    private static Map<String, byte[]> members(Object... kv) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], (byte[]) kv[i + 1]);
        }
        return m;
    }

    @Test
    void npzStoredAndDeflated() throws IOException {
        byte[] w = bytes(4 * 300, 1);
        byte[] b = bytes(8 * 5, 2);
        byte[] zeros = new byte[2 * 10_000];
        for (boolean deflate : new boolean[] {false, true}) {
            Path p = npz(deflate, members("layer1/weight.npy", npy(1, "<f4", false, "(10, 30)", w),
                    "bias.npy", npy(1, "<i8", false, "(5,)", b),
                    "zeros.npy", npy(1, "<f2", false, "(100, 100)", zeros),
                    "be.npy", npy(1, ">i2", true, "(2, 2)", new byte[] {0, 1, 0, 3, 0, 2, 0, 4})));
            ImportedModel m = new NpzImporter().importModel(p);
            assertEquals("npz", m.metadata().get("source_format"));
            assertEquals(List.of("layer1/weight", "bias", "zeros", "be"),
                    m.tensors().stream().map(ImportedTensor::name).toList());
            assertArrayEquals(w, readAll(m.tensors().get(0).data()));
            assertArrayEquals(new long[] {10, 30}, m.tensors().get(0).shape());
            assertEquals(DType.I64, m.tensors().get(1).dtype());
            assertArrayEquals(b, readAll(m.tensors().get(1).data()));
            assertArrayEquals(zeros, readAll(m.tensors().get(2).data()));
            assertArrayEquals(new byte[] {1, 0, 2, 0, 3, 0, 4, 0}, readAll(m.tensors().get(3).data()));
            assertEquals("big", m.tensors().get(3).metadata().get("numpy.byteorder"));
            // Opening twice gives the same bytes (the inflater starts over).
            assertArrayEquals(w, readAll(m.tensors().get(0).data()));
        }
    }

    private String npzError(Path p) {
        return assertThrows(WpkFormatException.class, () -> {
            ImportedModel m = new NpzImporter().importModel(p);
            for (ImportedTensor t : m.tensors()) {
                readAll(t.data());
            }
        }).getMessage();
    }

    @Test
    void npzMemberWithInconsistentShape() throws IOException {
        for (boolean deflate : new boolean[] {false, true}) {
            String truncated = npzError(npz(deflate, members("ok.npy", npy(1, "<f4", false, "(2,)", new byte[8]),
                    "w.npy", npy(1, "<f4", false, "(4,)", new byte[12]))));
            assertTrue(truncated.contains("member \"w.npy\"") && truncated.contains("needs 16 bytes"), truncated);
            String extra = npzError(npz(deflate, members("w.npy", npy(1, "<f4", false, "(4,)", new byte[20]))));
            assertTrue(extra.contains("member \"w.npy\"") && extra.contains("holds 20"), extra);
        }
    }

    @Test
    void npzRejectsOtherMembers() throws IOException {
        assertTrue(npzError(npz(false, members("readme.txt", new byte[3]))).contains("not a .npy"));
        assertTrue(npzError(npz(true, members("w.npy", new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})))
                .contains("magic"));
        Path notZip = write("x.npz", bytes(100, 3));
        assertTrue(npzError(notZip).contains("zip"));
    }

    @Test
    void npzCorruptDataIsDetectedOnRead() throws IOException {
        byte[] data = bytes(4000, 9);
        Path p = npz(false, members("w.npy", npy(1, "<f4", false, "(1000,)", data)));
        byte[] zip = Files.readAllBytes(p);
        // Flip one data byte: the stored member's CRC-32 no longer matches.
        int at = indexOf(zip, data);
        zip[at + 100] ^= 1;
        Files.write(p, zip);
        assertTrue(npzError(p).contains("CRC-32"));

        Path d = npz(true, members("w.npy", npy(1, "<f4", false, "(1000,)", data)));
        byte[] dz = Files.readAllBytes(d);
        dz[200] ^= 0x55; // inside the deflate stream
        Files.write(d, dz);
        String msg = npzError(d);
        assertTrue(msg.contains("w.npy"), msg);
    }

    @Test
    void inflationIsCappedAtTheDeclaredSize() throws IOException {
        // A deflated member that inflates to far more than its header says must fail after
        // the declared bytes, not inflate to the end.
        byte[] member = npy(1, "<f4", false, "(4,)", new byte[1 << 20]);
        Path p = npz(true, members("bomb.npy", member));
        long headerLength = member.length - (1 << 20);
        // Locate the compressed bytes via the importer's own zip reading, then read them
        // with a too-small declared length.
        ZipArchiveEntry entry;
        FileSliceTensorData raw;
        try (ZipFile z = ZipFile.builder().setPath(p).get()) {
            entry = z.getEntry("bomb.npy");
            z.getRawInputStream(entry).close();
            raw = new FileSliceTensorData(p, entry.getDataOffset(), entry.getCompressedSize());
        }
        ZipMemberTensorData data = new ZipMemberTensorData(raw, true, headerLength, 16, entry.getCrc(), "bomb.npy");
        String msg = assertThrows(WpkFormatException.class, () -> readAll(data)).getMessage();
        assertTrue(msg.contains("more bytes"), msg);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    @Test
    void fortranToCOrderMatchesASlowOracle() {
        long[] shape = {3, 1, 4, 2};
        int width = 2;
        int n = 24;
        byte[] in = new byte[n * width];
        for (int i = 0; i < in.length; i++) {
            in[i] = (byte) i;
        }
        byte[] out = FortranOrderTensorData.toCOrder(in, shape, width);
        int o = 0;
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 1; b++) {
                for (int c = 0; c < 4; c++) {
                    for (int d = 0; d < 2; d++) {
                        int f = a + 3 * (b + 1 * (c + 4 * d));
                        assertEquals(in[f * width], out[o * width]);
                        assertEquals(in[f * width + 1], out[o * width + 1]);
                        o++;
                    }
                }
            }
        }
        assertArrayEquals(concat(new byte[0], in), FortranOrderTensorData.toCOrder(in, new long[] {24}, width));
    }
}
