package io.wpack.tests;

import io.wpack.formats.DTypes;
import io.wpack.loader.Representation;
import io.wpack.loader.WpkPackage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every model in {@code ../shared/corpus} packs, verifies and unpacks bit-exactly. Tensor
 * bytes are compared with an independent reading of the source file, not with the importer.
 * Skipped, saying so, when the corpus folder is absent.
 */
class CorpusRoundTripTest {
    private static Path work;

    @BeforeAll
    static void setUp() throws Exception {
        work = Files.createTempDirectory("wpack-corpus");
    }

    @AfterAll
    static void tearDown() throws Exception {
        TestFiles.deleteTree(work);
    }

    static Stream<String> corpusModels() throws Exception {
        Path corpus = TestFiles.corpus();
        if (corpus == null) {
            return Stream.of("(corpus absent)");
        }
        List<String> models = new ArrayList<>();
        for (String sub : new String[] {"onnx", "tfjs", "npz"}) {
            Path d = corpus.resolve(sub);
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> s = Files.list(d)) {
                s.map(Path::getFileName).map(Path::toString)
                        .filter(n -> n.endsWith(".onnx") || n.endsWith(".json") || n.endsWith(".npz"))
                        .sorted().forEach(n -> models.add(sub + "/" + n));
            }
        }
        return models.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpusModels")
    void packsVerifiesAndUnpacksBitExact(String relative) throws Exception {
        Path corpus = TestFiles.corpus();
        Assumptions.assumeTrue(corpus != null,
                "../shared/corpus is absent: corpus round trips skipped (set -Dwpack.corpus=DIR to point elsewhere)");
        Path model = corpus.resolve(relative);
        String stem = relative.replace('/', '_');
        Path pkg = work.resolve(stem + ".wpk");

        Cli pack = Cli.run("pack", model.toString(), "-o", pkg.toString(), "--json");
        assertEquals(0, pack.exitCode(), pack.toString());
        Cli verify = Cli.run("verify", pkg.toString());
        assertEquals(0, verify.exitCode(), verify.toString());

        Path st = work.resolve(stem + ".safetensors");
        Cli unpack = Cli.run("unpack", pkg.toString(), "-o", st.toString());
        assertEquals(0, unpack.exitCode(), unpack.toString());
        Map<String, IndependentReaders.Tensor> unpacked = IndependentReaders.safetensors(st);

        if (relative.endsWith(".onnx")) {
            compare(IndependentReaders.onnx(model), unpacked, pkg);
        } else if (relative.endsWith(".npz")) {
            compare(IndependentReaders.npz(model), unpacked, pkg);
        } else {
            compareTfjs(IndependentReaders.tfjs(model), unpacked, pkg);
        }
    }

    private static void compare(Map<String, IndependentReaders.Tensor> expected,
                                Map<String, IndependentReaders.Tensor> unpacked, Path pkg) throws Exception {
        assertEquals(expected.size(), unpacked.size(), "tensor count");
        try (WpkPackage p = WpkPackage.open(pkg)) {
            for (var e : expected.entrySet()) {
                String name = e.getKey();
                IndependentReaders.Tensor want = e.getValue();
                IndependentReaders.Tensor got = unpacked.get(name);
                assertTrue(got != null, "missing tensor " + name);
                assertEquals(want.dtype(), got.dtype(), name);
                assertArrayEquals(want.shape(), got.shape(), name);
                assertArrayEquals(want.bytes(), got.bytes(), name);
                assertArrayEquals(want.bytes(), p.readBytes(name), name);
            }
        }
    }

    private static void compareTfjs(Map<String, IndependentReaders.TfjsWeight> expected,
                                    Map<String, IndependentReaders.Tensor> unpacked, Path pkg) throws Exception {
        assertEquals(expected.size(), unpacked.size(), "tensor count");
        try (WpkPackage p = WpkPackage.open(pkg)) {
            for (var e : expected.entrySet()) {
                String name = e.getKey();
                IndependentReaders.TfjsWeight w = e.getValue();
                var entry = p.tensor(name);
                assertEquals(w.stored().dtype(), DTypes.displayName(entry.storedDtype()).toUpperCase(Locale.ROOT), name);
                assertArrayEquals(w.stored().shape(), entry.shape(), name);
                // The stored form is the shard's bytes exactly.
                assertArrayEquals(w.stored().bytes(), p.readBytes(name, Representation.STORED), name);
                byte[] logical = w.quantization() == null ? w.stored().bytes() : IndependentReaders.tfjsDequantize(w);
                IndependentReaders.Tensor got = unpacked.get(name);
                assertEquals(w.logicalDtype(), got.dtype(), name);
                assertTrue(Arrays.equals(logical, got.bytes()), name + ": logical values differ from tfjs dequantization");
            }
        }
    }
}
