package io.wpack.benchmarks;

import io.wpack.formats.WpkFormatException;
import io.wpack.packer.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One tiny end-to-end run of the driver: the demo model, one measured run, no heap search. */
class PipelineBenchmarkSmokeTest {
    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory("wpack-bench-smoke");
    }

    @AfterEach
    void tearDown() throws IOException {
        ScratchFiles.deleteTree(dir);
    }

    @Test
    void writesResultsJsonAndTheGeneratedSectionKeepingHandWrittenText() throws IOException {
        for (String tool : List.of("gzip", "zstd", "xz")) {
            Assumptions.assumeFalse(ProcessTimer.capture(List.of(tool, "--version")).isEmpty(),
                    tool + " is not on the PATH: driver smoke test skipped");
        }
        Path md = dir.resolve("BENCHMARKS.md");
        Files.writeString(md, "# Mine\n\nkept above\n\n" + GeneratedSection.BEGIN + "\nold\n" + GeneratedSection.END
                + "\nkept below\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = PipelineBenchmark.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), "--synthetic", "--models", "demo-cnn",
                "--presets", "lossless,int8", "--repeats", "1", "--warmups", "0", "--memory", "off",
                "--root", dir.toString(),
                "--out", dir.resolve("bench-out").toString(), "--markdown", md.toString());
        assertEquals(0, code, out + "\n" + err);

        String doc = Files.readString(md);
        assertTrue(doc.startsWith("# Mine\n\nkept above\n\n" + GeneratedSection.BEGIN), doc);
        assertTrue(doc.endsWith(GeneratedSection.END + "\nkept below\n"), doc);
        assertFalse(doc.contains("\nold\n"), doc);
        assertTrue(doc.contains("the synthetic model set (--synthetic) (1 model)"), doc);
        assertTrue(doc.contains("| synthetic/demo-cnn | 11 | 10,284 |"), doc);
        assertTrue(doc.contains("- **lossless**: size "), doc);
        assertTrue(doc.contains("- **int8**: "), doc);
        assertTrue(doc.contains("### int8: size in bits per weight") && doc.contains("| lossy weights |"), doc);
        // Default presets not run are still listed; optional ones are not.
        assertTrue(doc.contains("- **kmeans16**: not run this time"), doc);
        assertFalse(doc.contains("- **fp16**"), doc);
        String json = Files.readString(dir.resolve("bench-out/results.json"));
        assertTrue(json.contains("\"model\": \"synthetic/demo-cnn\""), json);
        assertTrue(json.contains("\"best_competitor\""), json);
        assertTrue(json.contains("\"sqnr_db_weighted_mean\""), json);
        assertFalse(Files.exists(dir.resolve("bench-out/work")), "scratch files are deleted without --keep");
    }

    @Test
    void prunedInt8PresetsGetTheOrderZeroBoundTable() throws IOException, WpkFormatException {
        for (String tool : List.of("gzip", "zstd", "xz")) {
            Assumptions.assumeFalse(ProcessTimer.capture(List.of(tool, "--version")).isEmpty(),
                    tool + " is not on the PATH: driver smoke test skipped");
        }
        Path md = dir.resolve("BENCHMARKS.md");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = PipelineBenchmark.run(new PrintStream(out, true, StandardCharsets.UTF_8), System.err,
                "--synthetic", "--models", "demo-cnn", "--presets", "int8,mag80-int8", "--repeats", "1",
                "--warmups", "0", "--memory", "off", "--root", dir.toString(),
                "--out", dir.resolve("bench-out").toString(), "--markdown", md.toString());
        assertEquals(0, code, out.toString(StandardCharsets.UTF_8));
        String doc = Files.readString(md);
        assertTrue(doc.contains("### Pruned int8 codes against their order-0 bound"), doc);
        assertTrue(doc.contains("| mag80-int8 | synthetic/demo-cnn |"), doc);
        assertFalse(doc.contains("| int8 | synthetic/demo-cnn |"), "only the pruned presets: " + doc);

        Map<?, ?> run = null;
        Map<?, ?> results = (Map<?, ?>) Json.parse(Files.readAllBytes(dir.resolve("bench-out/results.json")), "results");
        for (Object r : (List<?>) results.get("runs")) {
            if ("mag80-int8".equals(((Map<?, ?>) r).get("preset"))) {
                run = (Map<?, ?>) r;
            }
        }
        Map<?, ?> b = (Map<?, ?>) run.get("code_bounds");
        long weights = ((Number) b.get("lossy_weights")).longValue();
        assertTrue(weights > 0 && weights <= ((Number) run.get("params")).longValue(), b.toString());
        double h0 = ((Number) b.get("h0_bound_bits_per_weight")).doubleValue();
        // 80% zeros: H0 is at most that of a binary source plus 8 bits for every non-zero.
        assertTrue(h0 > 0.5 && h0 < 0.73 + 0.2 * 8 + 0.2, b.toString());
        // The preset may use every codec the Huffman-only package may, so it is never larger.
        long patterns = ((Number) b.get("patterns_bytes")).longValue();
        assertTrue(patterns <= ((Number) b.get("huffman_only_bytes")).longValue(), b.toString());
        assertTrue(((Number) b.get("xz_bytes")).longValue() > 0 && ((Number) b.get("zstd_bytes")).longValue() > 0,
                b.toString());
    }

    @Test
    void usageErrorsExitWithTwo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(2, PipelineBenchmark.run(System.out, e, "--presets", "int3"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown preset 'int3'"));
        assertEquals(2, PipelineBenchmark.run(System.out, e, "--repeats", "0"));
        assertEquals(0, PipelineBenchmark.run(new PrintStream(new ByteArrayOutputStream()), e, "--help"));
    }
}
