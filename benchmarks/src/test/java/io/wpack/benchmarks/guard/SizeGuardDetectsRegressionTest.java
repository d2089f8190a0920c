package io.wpack.benchmarks.guard;

import io.wpack.benchmarks.ModelSource;
import io.wpack.benchmarks.Preset;
import io.wpack.benchmarks.ScratchFiles;
import io.wpack.benchmarks.SyntheticModels;
import io.wpack.packer.PackOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The guard is only worth something if it fails: a deliberately worse packer must trip it. */
class SizeGuardDetectsRegressionTest {
    private static Path work;

    @BeforeAll
    static void setUp() throws IOException {
        work = Files.createTempDirectory("wpack-size-guard-regression");
    }

    @AfterAll
    static void tearDown() throws IOException {
        ScratchFiles.deleteTree(work);
    }

    @Test
    void packerRestrictedToRawCodecIsReportedAsRegression() throws IOException {
        SizeGuard guard = SizeGuard.withCommittedThresholds();
        PackOptions worse = PackOptions.defaults().withCodecs(List.of("raw"));
        List<SizeGuard.Check> checks = new ArrayList<>();
        for (ModelSource m : SyntheticModels.all(work)) {
            checks.add(guard.check(m, Preset.LOSSLESS, worse, work));
        }
        for (SizeGuard.Check c : checks) {
            // Every synthetic model compresses by more than the slack, so storing it raw must fail.
            assertEquals(SizeGuard.Status.REGRESSION, c.status(), c.message());
        }

        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = SizeGuard.report(checks, new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(1, code, out);
        SizeGuard.Check f32 = checks.stream().filter(c -> c.model().id().equals("synthetic/gaussian-f32")).findFirst()
                .orElseThrow();
        String msg = f32.message();
        assertTrue(msg.startsWith("SIZE REGRESSION: synthetic/gaussian-f32 with preset lossless"), msg);
        assertTrue(msg.contains(String.format(java.util.Locale.ROOT, "compression ratio %.4f", f32.ratio())), msg);
        assertTrue(msg.contains(String.format(java.util.Locale.ROOT, "below its threshold %.3f",
                guard.threshold(Preset.LOSSLESS, "synthetic/gaussian-f32"))), msg);
        assertTrue(out.contains("size guard: 5 of 5 checks regressed"), out);
    }

    @Test
    void thresholdEqualToTheRatioPassesAndOneUlpAboveFails() throws IOException {
        ModelSource demo = SyntheticModels.all(work).get(0);
        Properties p = new Properties();
        SizeGuard probe = new SizeGuard(p);
        SizeGuard.Check measured = probe.check(demo, Preset.LOSSLESS, Preset.LOSSLESS.packOptions(), work);
        assertEquals(SizeGuard.Status.NO_THRESHOLD, measured.status());
        assertTrue(measured.message().contains("add 'lossless.synthetic/demo-cnn = "), measured.message());

        p.setProperty(measured.key(), Double.toString(measured.ratio()));
        assertEquals(SizeGuard.Status.PASS,
                new SizeGuard(p).check(demo, Preset.LOSSLESS, Preset.LOSSLESS.packOptions(), work).status());
        p.setProperty(measured.key(), Double.toString(Math.nextUp(measured.ratio())));
        assertEquals(SizeGuard.Status.REGRESSION,
                new SizeGuard(p).check(demo, Preset.LOSSLESS, Preset.LOSSLESS.packOptions(), work).status());
    }

    @Test
    void everySyntheticModelHasACommittedThreshold() throws IOException {
        SizeGuard guard = SizeGuard.withCommittedThresholds();
        for (ModelSource m : SyntheticModels.all(work)) {
            assertTrue(guard.threshold(Preset.LOSSLESS, m.id()) != null, "no threshold for " + m.id());
        }
    }
}
