package io.wpack.tests;

import io.wpack.formats.DTypes;
import io.wpack.formats.proto.DType;
import io.wpack.loader.Representation;
import io.wpack.packer.PackOptions;
import io.wpack.packer.model.ImportedTensor;
import io.wpack.packer.model.TensorData;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.BufferedInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * For arbitrary tensors (every dtype, zero-size and scalar shapes, unicode names), a pack
 * followed by a streaming load or a random-access load gives back the original bytes.
 */
class PackRoundTripProperties {
    private static Path dir;

    @BeforeContainer
    static void makeDir() throws Exception {
        dir = Files.createTempDirectory("wpack-roundtrip");
    }

    @AfterContainer
    static void removeDir() throws Exception {
        TestFiles.deleteTree(dir);
    }

    /** A tensor spec: name, dtype, shape, bytes. Built by combining arbitraries, never by filtering. */
    record Spec(String name, DType dtype, long[] shape, byte[] data) {
        ImportedTensor tensor() {
            return ImportedTensor.plain(name, dtype, shape, Map.of("k", name), TensorData.of(data));
        }
    }

    static Arbitrary<DType> dtypes() {
        return Arbitraries.of(DType.values()).filter(d -> d != DType.UNRECOGNIZED && d != DType.DTYPE_UNSPECIFIED);
    }

    static Arbitrary<long[]> shapes() {
        Arbitrary<Long> dim = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.just(0L)),
                net.jqwik.api.Tuple.of(8, Arbitraries.longs().between(1, 12)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(100, 3000)));
        return dim.list().ofMaxSize(4).map(l -> {
            long[] s = l.stream().mapToLong(Long::longValue).toArray();
            // Keep the product small so that the property runs fast.
            long n = 1;
            for (int i = 0; i < s.length; i++) {
                if (n * s[i] > 20_000) {
                    s[i] = 1;
                }
                n *= Math.max(1, s[i]);
            }
            return s;
        });
    }

    static Arbitrary<String> names() {
        Arbitrary<String> ascii = Arbitraries.strings().withCharRange('a', 'z').withChars("./_:-0123456789")
                .ofMinLength(1).ofMaxLength(20);
        Arbitrary<String> unicode = Arbitraries.strings().withCharRange('\u00e0', '\u00ff')
                .withChars("层权重γβ").ofMinLength(1).ofMaxLength(12);
        // Characters outside the BMP are surrogate pairs in Java: add them whole, never half.
        Arbitrary<String> astral = Combinators.combine(unicode, Arbitraries.of("🙂", "𝔀", "🧠"))
                .as((s, e) -> s + e);
        return Arbitraries.oneOf(ascii, unicode, astral);
    }

    @Provide
    Arbitrary<Spec> spec() {
        return Combinators.combine(names(), dtypes(), shapes(), Arbitraries.longs()).flatAs((name, dtype, shape, seed) -> {
            long bytes;
            try {
                bytes = DTypes.byteCount(shape, dtype);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            int n = (int) bytes;
            Arbitrary<byte[]> data = Arbitraries.oneOf(
                    Arbitraries.bytes().array(byte[].class).ofSize(n),
                    Arbitraries.just(new byte[n]),
                    Arbitraries.bytes().between((byte) -2, (byte) 2).array(byte[].class).ofSize(n));
            return data.map(d -> new Spec(name, dtype, shape, d));
        });
    }

    @Provide
    Arbitrary<List<Spec>> models() {
        return spec().list().ofMinSize(0).ofMaxSize(6).uniqueElements(Spec::name);
    }

    @Property(tries = 60)
    void packThenLoadGivesTheOriginalBytes(@ForAll("models") List<Spec> specs) throws Exception {
        List<ImportedTensor> tensors = new ArrayList<>();
        for (Spec s : specs) {
            tensors.add(s.tensor());
        }
        Path pkg = dir.resolve("p.wpk");
        // Small chunks so multi-chunk tensors occur.
        Packages.pack(Packages.model(tensors), pkg, PackOptions.defaults().withChunkBytes(4096));

        Map<String, byte[]> streamed;
        try (var in = new BufferedInputStream(Files.newInputStream(pkg))) {
            streamed = Packages.streamAll(in, Representation.LOGICAL);
        }
        Map<String, byte[]> random = Packages.readAll(pkg, Representation.LOGICAL);
        assertEquals(specs.size(), streamed.size());
        assertEquals(specs.size(), random.size());
        Set<String> order = new HashSet<>();
        for (Spec s : specs) {
            assertArrayEquals(s.data(), streamed.get(s.name()), s.name());
            assertArrayEquals(s.data(), random.get(s.name()), s.name());
            order.add(s.name());
        }
        assertEquals(order, streamed.keySet());
    }
}
