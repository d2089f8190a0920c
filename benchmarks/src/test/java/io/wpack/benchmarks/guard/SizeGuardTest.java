package io.wpack.benchmarks.guard;

import io.wpack.benchmarks.ModelSets;
import io.wpack.benchmarks.ModelSource;
import io.wpack.benchmarks.Preset;
import io.wpack.benchmarks.ScratchFiles;
import io.wpack.benchmarks.ProjectPaths;
import io.wpack.benchmarks.SyntheticModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The CI size regression guard: every synthetic model, and every corpus model that exists, packs
 * with the lossless preset to at least its committed compression ratio. Corpus thresholds are
 * skipped with a message when ../shared/corpus is absent.
 */
class SizeGuardTest {
    private static Path work;
    private static SizeGuard guard;

    @BeforeAll
    static void setUp() throws IOException {
        work = Files.createTempDirectory("wpack-size-guard");
        guard = SizeGuard.withCommittedThresholds();
        if (corpus() == null) {
            System.out.println("size guard: ../shared/corpus is absent (or -Dwpack.corpus is not a folder):"
                    + " corpus thresholds are skipped, synthetic ones still run");
        }
    }

    @AfterAll
    static void tearDown() throws IOException {
        ScratchFiles.deleteTree(work);
    }

    static Path corpus() throws IOException {
        return ProjectPaths.corpus(ProjectPaths.findRoot());
    }

    static Stream<String> syntheticModels() throws IOException {
        Path dir = Files.createTempDirectory("wpack-synthetic-list");
        try {
            return SyntheticModels.all(dir).stream().map(ModelSource::id).toList().stream();
        } finally {
            ScratchFiles.deleteTree(dir);
        }
    }

    /** Corpus models on disk plus every corpus model with a threshold, so absent ones show as skipped. */
    static Stream<String> corpusModels() throws IOException {
        TreeSet<String> ids = new TreeSet<>(SizeGuard.withCommittedThresholds().corpusModelIds(Preset.LOSSLESS));
        Path corpus = corpus();
        if (corpus != null) {
            for (ModelSource m : ModelSets.corpus(corpus)) {
                ids.add(m.id());
            }
        }
        return new ArrayList<>(ids).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("syntheticModels")
    void syntheticModelKeepsItsCompressionRatio(String id) throws IOException {
        ModelSource model = find(SyntheticModels.all(work), id);
        SizeGuard.Check c = guard.check(model, Preset.LOSSLESS, Preset.LOSSLESS.packOptions(), work);
        if (c.status() != SizeGuard.Status.PASS) {
            fail(c.message());
        }
        System.out.println(c.message());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpusModels")
    void corpusModelKeepsItsCompressionRatio(String id) throws IOException {
        Path corpus = corpus();
        Assumptions.assumeTrue(corpus != null, "../shared/corpus is absent (or -Dwpack.corpus is not a folder):"
                + " size threshold of " + id + " skipped");
        List<ModelSource> present = ModelSets.corpus(corpus);
        ModelSource model = present.stream().filter(m -> m.id().equals(id)).findFirst().orElse(null);
        Assumptions.assumeTrue(model != null, id + " is not in the corpus at " + corpus + ": its threshold is skipped");
        SizeGuard.Check c = guard.check(model, Preset.LOSSLESS, Preset.LOSSLESS.packOptions(), work);
        Assumptions.assumeTrue(c.status() != SizeGuard.Status.NO_THRESHOLD, c.message());
        if (c.status() == SizeGuard.Status.REGRESSION) {
            fail(c.message());
        }
        System.out.println(c.message());
    }

    private static ModelSource find(List<ModelSource> models, String id) {
        ModelSource m = models.stream().filter(x -> x.id().equals(id)).findFirst().orElse(null);
        assertNotNull(m, id);
        return m;
    }
}
