package io.wpack.tests;

import io.wpack.formats.WpkFormatException;
import io.wpack.formats.proto.DType;
import io.wpack.loader.WpkPackage;
import io.wpack.packer.PackOptions;
import io.wpack.packer.demo.SyntheticTensors;
import io.wpack.packer.model.ImportedTensor;
import io.wpack.packer.model.TensorData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Determinism, atomic replacement, alignment and zero-copy mapping. */
class PackageWriterBehaviourTest {
    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory("wpack-writer");
    }

    @AfterEach
    void tearDown() throws IOException {
        TestFiles.deleteTree(dir);
    }

    private static List<ImportedTensor> tensors() throws WpkFormatException {
        return List.of(SyntheticTensors.weights("a", DType.F32, new long[] {64, 33}, 7),
                SyntheticTensors.weights("b", DType.I32, new long[] {5000}, 8),
                SyntheticTensors.zeros("c", DType.F16, new long[] {3, 0}));
    }

    @Test
    void sameInputGivesByteIdenticalPackages() throws Exception {
        Path p1 = dir.resolve("one.wpk");
        Path p2 = dir.resolve("two.wpk");
        Packages.pack(Packages.model(tensors()), p1, PackOptions.defaults());
        Packages.pack(Packages.model(tensors()), p2, PackOptions.defaults());
        assertArrayEquals(Files.readAllBytes(p1), Files.readAllBytes(p2));
    }

    @Test
    void failedPackLeavesTheExistingOutputUntouchedAndNoTemporaryFiles() throws Exception {
        Path out = dir.resolve("model.wpk");
        Files.write(out, new byte[] {1, 2, 3});
        TensorData failing = new TensorData() {
            @Override
            public long byteSize() {
                return 4000;
            }

            @Override
            public InputStream open() {
                return new InputStream() {
                    int n;

                    @Override
                    public int read() throws IOException {
                        if (++n > 1000) {
                            throw new IOException("disk went away");
                        }
                        return 0;
                    }
                };
            }
        };
        List<ImportedTensor> ts = List.of(SyntheticTensors.weights("ok", DType.F32, new long[] {100}, 1),
                ImportedTensor.plain("bad", DType.F32, new long[] {1000}, Map.of(), failing));
        assertThrows(IOException.class, () -> Packages.pack(Packages.model(ts), out, PackOptions.defaults()));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(out));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(out), s.toList());
        }
    }

    @Test
    void shortSourceIsAFormatErrorAndWritesNothing() throws Exception {
        Path out = dir.resolve("m.wpk");
        List<ImportedTensor> ts = List.of(ImportedTensor.plain("short", DType.F32, new long[] {10}, Map.of(),
                TensorData.of(new byte[39])));
        assertThrows(WpkFormatException.class, () -> Packages.pack(Packages.model(ts), out, PackOptions.defaults()));
        assertTrue(Files.notExists(out));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void duplicateNamesAreRejected() {
        List<ImportedTensor> ts = List.of(
                ImportedTensor.plain("x", DType.I8, new long[] {1}, Map.of(), TensorData.of(new byte[1])),
                ImportedTensor.plain("x", DType.I8, new long[] {1}, Map.of(), TensorData.of(new byte[1])));
        assertThrows(WpkFormatException.class,
                () -> Packages.pack(Packages.model(ts), dir.resolve("d.wpk"), PackOptions.defaults()));
    }

    @Test
    void pageAlignedRawTensorsAreMappedWithoutCopy() throws Exception {
        Path out = dir.resolve("aligned.wpk");
        List<ImportedTensor> ts = List.of(SyntheticTensors.weights("w", DType.F32, new long[] {2000}, 3),
                SyntheticTensors.weights("v", DType.F32, new long[] {77}, 4));
        Packages.pack(Packages.model(ts), out, PackOptions.defaults().withAlignment(4096).withCodecs(List.of("raw")));
        try (WpkPackage p = WpkPackage.open(out)) {
            assertEquals(4096, p.file().header().alignment());
            for (var t : p.tensors()) {
                long stored = t.chunk(0).getStoredLength();
                if (stored >= 4096) {
                    assertEquals(0, p.file().chunkPosition(t, 0) % 4096, t.name());
                } else {
                    // Too small to gain from alignment: packed right after the previous chunk, and still mappable.
                    var w = p.tensor("w");
                    assertEquals(p.file().chunkPosition(w, 0) + w.chunk(0).getStoredLength(),
                            p.file().chunkPosition(t, 0), t.name());
                }
                ByteBuffer mapped = p.mapIfRaw(t, io.wpack.loader.Representation.LOGICAL);
                assertNotNull(mapped);
                assertTrue(mapped.isReadOnly());
                assertTrue(mapped.isDirect());
                byte[] viaMap = new byte[mapped.remaining()];
                mapped.get(viaMap);
                assertArrayEquals(p.readBytes(t.name()), viaMap);
            }
        }
    }
}
