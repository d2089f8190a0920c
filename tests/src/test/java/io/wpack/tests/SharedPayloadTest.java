package io.wpack.tests;

import io.wpack.formats.PackageFile;
import io.wpack.formats.PackageStreamReader;
import io.wpack.formats.TensorEntry;
import io.wpack.formats.WpkFormatException;
import io.wpack.formats.proto.DType;
import io.wpack.formats.proto.Manifest;
import io.wpack.formats.proto.Tensor;
import io.wpack.loader.ByteSink;
import io.wpack.loader.ByteSinks;
import io.wpack.loader.Representation;
import io.wpack.loader.WpkPackage;
import io.wpack.loader.WpkStreamLoader;
import io.wpack.packer.PackOptions;
import io.wpack.packer.demo.SyntheticTensors;
import io.wpack.packer.model.ImportedTensor;
import io.wpack.packer.policy.Presets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tensors whose payload repeats an earlier one are stored once ({@code same_as}) and still load
 * bit-exact, by name and from a stream; manifests that misuse {@code same_as} are rejected.
 */
class SharedPayloadTest {
    @TempDir
    Path dir;

    private static ImportedTensor copy(ImportedTensor t, String name, long... shape) {
        return new ImportedTensor(name, t.dtype(), shape.length == 0 ? t.shape() : shape, t.storedDtype(),
                t.dequantization(), Map.of(), t.data());
    }

    private static List<ImportedTensor> tensors() throws Exception {
        ImportedTensor a = SyntheticTensors.weights("a", DType.F32, new long[] {64, 32}, 1);
        ImportedTensor tiny = SyntheticTensors.weights("tiny", DType.F32, new long[] {8}, 2);
        return List.of(a, SyntheticTensors.weights("c", DType.F32, new long[] {64, 32}, 3), copy(a, "b"), tiny,
                copy(a, "d", 32, 64), copy(tiny, "tiny2"), SyntheticTensors.weights("e", DType.F32, new long[] {9}, 4));
    }

    @ParameterizedTest
    @ValueSource(strings = {"lossless", "int8"})
    void repeatedPayloadsAreStoredOnceAndLoadExactly(String preset) throws Exception {
        List<ImportedTensor> tensors = tensors();
        Path pkg = dir.resolve("shared.wpk");
        Packages.pack(Packages.model(tensors), pkg,
                PackOptions.defaults().withPolicy(Presets.fromShorthands(preset, null, null)));
        Map<String, byte[]> byName = Packages.readAll(pkg, Representation.LOGICAL);
        try (WpkPackage p = WpkPackage.open(pkg)) {
            assertEquals("a", p.tensor("b").sameAs().name());
            if (preset.equals("lossless")) {
                assertEquals("a", p.tensor("d").sameAs().name(), "a different shape over the same bytes shares too");
                assertArrayEquals(byName.get("a"), byName.get("d"));
            }
            assertEquals(0, p.tensor("b").encodedBytes());
            assertNull(p.tensor("c").sameAs());
            assertNull(p.tensor("tiny2").sameAs(), "too small to be worth a reference");
            assertArrayEquals(byName.get("a"), byName.get("b"));
            if (preset.equals("lossless")) {
                for (ImportedTensor t : tensors) {
                    assertArrayEquals(Packages.sourceBytes(t), byName.get(t.name()), t.name());
                }
            }
        }
        // A stream delivers each sharing tensor right after the tensor it shares, with the same bytes.
        List<String> order = new ArrayList<>();
        Map<String, byte[]> streamed = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(pkg)) {
            new WpkStreamLoader(Representation.LOGICAL).load(in, new WpkStreamLoader.Consumer() {
                @Override
                public ByteSink sinkFor(TensorEntry t) {
                    order.add(t.name());
                    byte[] b = new byte[(int) WpkPackage.outputBytes(t, Representation.LOGICAL)];
                    streamed.put(t.name(), b);
                    return ByteSinks.of(b);
                }
            });
        }
        assertEquals(preset.equals("lossless") ? List.of("a", "b", "d", "c", "tiny", "tiny2", "e")
                : List.of("a", "b", "c", "tiny", "d", "tiny2", "e"), order);
        for (String name : byName.keySet()) {
            assertArrayEquals(byName.get(name), streamed.get(name), name);
        }
    }

    @Test
    void misusedSameAsIsRejectedByBothReaders() throws Exception {
        Path good = dir.resolve("good.wpk");
        Packages.pack(Packages.model(tensors()), good, PackOptions.defaults());
        Manifest manifest;
        try (PackageFile f = PackageFile.open(good)) {
            manifest = f.manifest();
        }
        int a = indexOf(manifest, "a");
        int b = indexOf(manifest, "b");
        int c = indexOf(manifest, "c");
        List<UnaryOperator<Manifest.Builder>> damage = List.of(
                m -> set(m, b, t -> t.setSameAs("nowhere")),
                m -> set(m, b, t -> t.setSameAs("e")),                     // a later tensor
                m -> set(m, b, t -> t.setSameAs("b")),                     // itself
                m -> set(m, b, t -> t.setSameAs("tiny")),                  // another size
                m -> set(m, c, t -> t.setSameAs("b")),                     // a tensor that shares itself
                m -> set(m, a, t -> t.setSameAs("c").clearChunks()),       // leaves chunks nobody owns, and c is later
                m -> set(m, c, t -> t.setSameAs("a")));                    // has chunks of its own too
        for (int i = 0; i < damage.size(); i++) {
            Path bad = Packages.withManifest(good, damage.get(i).apply(manifest.toBuilder()).build(), dir.resolve("bad" + i + ".wpk"));
            String what = "damage " + i;
            String message = assertThrows(WpkFormatException.class, () -> PackageFile.open(bad).close(), what)
                    .getMessage();
            assertTrue(message.contains("same_as"), what + ": " + message);
            assertThrows(WpkFormatException.class, () -> {
                try (InputStream in = Files.newInputStream(bad)) {
                    new PackageStreamReader(in);
                }
            }, what);
        }
    }

    private static int indexOf(Manifest m, String name) {
        for (int i = 0; i < m.getTensorsCount(); i++) {
            if (m.getTensors(i).getName().equals(name)) {
                return i;
            }
        }
        throw new AssertionError(name);
    }

    private static Manifest.Builder set(Manifest.Builder m, int i, UnaryOperator<Tensor.Builder> change) {
        return m.setTensors(i, change.apply(m.getTensors(i).toBuilder()));
    }
}
