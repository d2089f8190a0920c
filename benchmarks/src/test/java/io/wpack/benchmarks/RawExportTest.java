package io.wpack.benchmarks;

import io.wpack.formats.proto.DType;
import io.wpack.loader.Representation;
import io.wpack.loader.WpkPackage;
import io.wpack.packer.PackOptions;
import io.wpack.packer.Packer;
import io.wpack.packer.model.ImportedModel;
import io.wpack.packer.model.ImportedTensor;
import io.wpack.packer.model.TensorData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class RawExportTest {
    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory("wpack-raw-export");
    }

    @AfterEach
    void tearDown() throws IOException {
        ScratchFiles.deleteTree(dir);
    }

    @Test
    void writesTensorBytesBackToBackAndBytePlanesGroupedByElementSize() throws IOException {
        // a: two f32 elements, b: three int8, c: two f16, d: one f32.
        byte[] a = {0x10, 0x11, 0x12, 0x13, 0x20, 0x21, 0x22, 0x23};
        byte[] b = {1, 2, 3};
        byte[] c = {0x30, 0x31, 0x40, 0x41};
        byte[] d = {0x50, 0x51, 0x52, 0x53};
        ImportedModel model = new ImportedModel(Map.of(), List.of(
                ImportedTensor.plain("a", DType.F32, new long[] {2}, Map.of(), TensorData.of(a)),
                ImportedTensor.plain("b", DType.I8, new long[] {3}, Map.of(), TensorData.of(b)),
                ImportedTensor.plain("c", DType.F16, new long[] {2}, Map.of(), TensorData.of(c)),
                ImportedTensor.plain("d", DType.F32, new long[] {1}, Map.of(), TensorData.of(d))));
        Path pkg = dir.resolve("m.wpk");
        new Packer(PackOptions.defaults()).pack(model, pkg, null);

        RawExport.Result r;
        try (WpkPackage p = WpkPackage.open(pkg)) {
            r = RawExport.write(p, Representation.STORED, dir.resolve("raw"), dir.resolve("planes"));
        }
        assertArrayEquals(concat(a, b, c, d), Files.readAllBytes(dir.resolve("raw")));
        byte[] planes = {
                1, 2, 3,                                  // size 1: b as is
                0x30, 0x40, 0x31, 0x41,                   // size 2: plane 0 of c, plane 1 of c
                0x10, 0x20, 0x50, 0x11, 0x21, 0x51,       // size 4: planes 0 and 1 of a then d, ...
                0x12, 0x22, 0x52, 0x13, 0x23, 0x53};
        assertArrayEquals(planes, Files.readAllBytes(dir.resolve("planes")));
        assertEquals(19, r.bytes());
        assertEquals(8, r.params());
        assertEquals(4, r.tensors());
        assertEquals(RawExport.sha256OfImport(model), r.sha256());
        // Every byte of a tensor differs: n·log2(n) bits per tensor. Every plane of 1 to 3 distinct bytes likewise.
        double h0 = 8 * 3 + 3 * log2(3) + 4 * 2 + 4 * 2;
        assertEquals(h0, r.h0Bits(), 1e-9);
        double h0Planes = 4 * (2 * 1) + 3 * log2(3) + 2 * (2 * 1) + 0;
        assertEquals(h0Planes, r.h0PlaneBits(), 1e-9);
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
