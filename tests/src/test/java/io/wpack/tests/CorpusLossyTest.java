package io.wpack.tests;

import io.wpack.loader.WpkPackage;
import io.wpack.packer.PackOptions;
import io.wpack.packer.PackReport;
import io.wpack.packer.Packer;
import io.wpack.packer.model.ImportedModel;
import io.wpack.packer.model.ModelImporters;
import io.wpack.packer.policy.PruneSpec;
import io.wpack.packer.policy.QuantSpec;
import io.wpack.packer.policy.TensorPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every quantization and pruning scheme runs on every corpus model; the loader reads every
 * lossy tensor back, and inspect shows the per-tensor table. Skipped, saying so, without
 * the corpus.
 */
class CorpusLossyTest {
    private static final List<String[]> SCHEMES = List.of(
            new String[] {"int8:channel", "none"}, new String[] {"int4:group32", "none"},
            new String[] {"uint8:tensor:affine", "none"}, new String[] {"kmeans:16", "none"},
            new String[] {"kmeans:16:channel", "none"}, new String[] {"fp16", "none"}, new String[] {"bf16", "none"},
            new String[] {"fp8", "none"}, new String[] {"int8:channel", "magnitude:0.5"},
            new String[] {"int8:channel", "magnitude:0.8"}, new String[] {"int8:channel", "nm:2:4"},
            new String[] {"int8:channel", "block:4x4:0.5"}, new String[] {"int8:channel", "bcr:4x4:0.5"},
            new String[] {"int8:channel", "pattern:8:0.3"}, new String[] {"int8:channel", "filter:0.25"});
    private static Path work;

    @BeforeAll
    static void setUp() throws Exception {
        work = Files.createTempDirectory("wpack-corpus-lossy");
    }

    @AfterAll
    static void tearDown() throws Exception {
        TestFiles.deleteTree(work);
    }

    static Stream<String> models() throws Exception {
        return CorpusRoundTripTest.corpusModels();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void everySchemeRunsAndLoadsBack(String relative) throws Exception {
        Path corpus = TestFiles.corpus();
        Assumptions.assumeTrue(corpus != null, "../shared/corpus is absent: corpus lossy runs skipped");
        Path model = corpus.resolve(relative);
        ImportedModel imported = ModelImporters.detect(model).importModel(model);
        Path pkg = work.resolve(relative.replace('/', '_') + ".wpk");
        for (String[] s : SCHEMES) {
            TensorPolicy policy = TensorPolicy.uniform(QuantSpec.parse(s[0]), PruneSpec.parse(s[1]));
            // Raw chunks: this test is about the lossy stages, not the coders.
            PackReport report = new Packer(PackOptions.defaults().withPolicy(policy).withCodecs(List.of("raw")))
                    .pack(imported, pkg, null);
            long lossy = report.tensors().stream().filter(t -> !t.scheme().equals("lossless")).count();
            assertTrue(lossy > 0, relative + " " + s[0] + "/" + s[1] + ": no tensor was quantized");
            try (WpkPackage p = WpkPackage.open(pkg)) {
                for (var t : report.tensors()) {
                    if (!t.scheme().equals("lossless")) {
                        float[] v = p.readFloats(t.name());
                        assertEquals(t.params(), v.length);
                        assertTrue(t.sqnrDb() > 0 || t.params() == 0 || s[1].startsWith("filter")
                                || s[1].startsWith("magnitude:0.8"), t.name() + " " + t.scheme() + " " + t.sqnrDb());
                    }
                }
            }
        }
        Cli inspect = Cli.run("inspect", pkg.toString());
        assertEquals(0, inspect.exitCode(), inspect.toString());
        assertTrue(inspect.out().contains("SQNR dB"), inspect.out());
    }
}
