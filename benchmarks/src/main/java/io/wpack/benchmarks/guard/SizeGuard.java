package io.wpack.benchmarks.guard;

import io.wpack.benchmarks.ModelSets;
import io.wpack.benchmarks.ModelSource;
import io.wpack.benchmarks.Preset;
import io.wpack.benchmarks.ProjectPaths;
import io.wpack.benchmarks.ScratchFiles;
import io.wpack.benchmarks.SyntheticModels;
import io.wpack.packer.PackOptions;
import io.wpack.packer.PackReport;
import io.wpack.packer.Packer;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The size regression guard CI runs: packs each model with a preset and compares its
 * compression ratio (input tensor bytes ÷ package bytes, so higher is better) with the minimum
 * committed in {@value #RESOURCE}. Packages are deterministic, so the ratio of a given model
 * never moves unless the packer or the format changes; thresholds sit {@value #SLACK_PERCENT}%
 * below the measured ratios. Speeds are never checked here: they depend on the machine.
 *
 * <p>The JUnit tests in this module run it during {@code mvn verify}. From the command line:
 * {@code java -cp benchmarks/target/benchmarks.jar io.wpack.benchmarks.guard.SizeGuard
 * [--corpus DIR] [--suggest]}; {@code --suggest} prints threshold lines for the measured ratios,
 * for when the packer has improved and the thresholds should follow.
 */
public final class SizeGuard {
    /** Class-path resource (from {@code benchmarks/src/main/resources}) holding the thresholds. */
    public static final String RESOURCE = "size-thresholds.properties";
    static final int SLACK_PERCENT = 2;

    /** What a check found. */
    public enum Status { PASS, REGRESSION, NO_THRESHOLD }

    /**
     * One model packed with one preset.
     *
     * @param threshold the committed minimum ratio, or null when there is none
     */
    public record Check(String key, ModelSource model, Preset preset, long inputBytes, long packageBytes,
                       Double threshold) {
        public double ratio() {
            return (double) inputBytes / packageBytes;
        }

        public Status status() {
            if (threshold == null) {
                return Status.NO_THRESHOLD;
            }
            return ratio() >= threshold ? Status.PASS : Status.REGRESSION;
        }

        /** The threshold line this check's ratio suggests: {@value #SLACK_PERCENT}% below, rounded down. */
        public String suggestion() {
            double t = Math.floor(ratio() * (100 - SLACK_PERCENT) / 100 * 1000) / 1000;
            return String.format(Locale.ROOT, "%s = %.3f", key, t);
        }

        public String message() {
            String sizes = String.format(Locale.ROOT, "%,d -> %,d bytes, compression ratio %.4f", inputBytes,
                    packageBytes, ratio());
            switch (status()) {
                case PASS:
                    return String.format(Locale.ROOT, "ok: %s with preset %s: %s, threshold %.3f", model.id(),
                            preset.id(), sizes, threshold);
                case REGRESSION:
                    return String.format(Locale.ROOT, "SIZE REGRESSION: %s with preset %s: %s is below its threshold"
                                    + " %.3f (%s in benchmarks/src/main/resources/%s). If the change is intended,"
                                    + " lower the threshold in the same commit.", model.id(), preset.id(), sizes,
                            threshold, key, RESOURCE);
                default:
                    return String.format(Locale.ROOT, "no threshold: %s with preset %s: %s; add '%s' to %s",
                            model.id(), preset.id(), sizes, suggestion(), RESOURCE);
            }
        }
    }

    private final Properties thresholds;

    public SizeGuard(Properties thresholds) {
        this.thresholds = thresholds;
    }

    /** The guard with the committed thresholds. */
    public static SizeGuard withCommittedThresholds() throws IOException {
        Properties p = new Properties();
        try (InputStream in = SizeGuard.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException(RESOURCE + " is not on the class path");
            }
            p.load(in);
        }
        return new SizeGuard(p);
    }

    public static String key(Preset preset, String modelId) {
        return preset.id() + "." + modelId;
    }

    /** The committed minimum ratio for a model and preset, or null. */
    public Double threshold(Preset preset, String modelId) {
        String v = thresholds.getProperty(key(preset, modelId));
        if (v == null) {
            return null;
        }
        try {
            return Double.valueOf(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    RESOURCE + ": " + key(preset, modelId) + " = '" + v + "' is not a number", e);
        }
    }

    /** Model ids of every threshold for {@code preset} on a corpus model, sorted. */
    public List<String> corpusModelIds(Preset preset) {
        TreeSet<String> ids = new TreeSet<>();
        String prefix = preset.id() + ".corpus/";
        for (String k : thresholds.stringPropertyNames()) {
            if (k.startsWith(prefix)) {
                ids.add(k.substring(preset.id().length() + 1));
            }
        }
        return new ArrayList<>(ids);
    }

    /** Packs {@code model} with {@code options} into {@code workDir} and compares its ratio with the threshold. */
    public Check check(ModelSource model, Preset preset, PackOptions options, Path workDir) throws IOException {
        Path pkg = Files.createTempFile(workDir, "guard", ".wpk");
        try {
            PackReport report = new Packer(options).pack(model.importModel(), pkg, null);
            return new Check(key(preset, model.id()), model, preset, report.inputBytes(), Files.size(pkg),
                    threshold(preset, model.id()));
        } finally {
            Files.deleteIfExists(pkg);
        }
    }

    /** The synthetic set (written into {@code workDir}), then the corpus models when {@code corpus} is not null. */
    public static List<ModelSource> models(Path corpus, Path workDir) throws IOException {
        List<ModelSource> models = new ArrayList<>(SyntheticModels.all(workDir));
        if (corpus != null) {
            models.addAll(ModelSets.corpus(corpus));
        }
        return models;
    }

    /** Prints every check; returns 1 if any ratio regressed, else 0. */
    public static int report(List<Check> checks, PrintStream out) {
        int regressions = 0;
        for (Check c : checks) {
            out.println(c.message());
            if (c.status() == Status.REGRESSION) {
                regressions++;
            }
        }
        out.println(regressions == 0 ? "size guard: " + checks.size() + " checks, no regression"
                : "size guard: " + regressions + " of " + checks.size() + " checks regressed");
        return regressions == 0 ? 0 : 1;
    }

    public static void main(String[] args) throws IOException {
        Path corpus = null;
        boolean corpusGiven = false;
        boolean suggest = false;
        for (int i = 0; i < args.length; i++) {
            if ("--corpus".equals(args[i]) && i + 1 < args.length) {
                corpus = Path.of(args[++i]);
                corpusGiven = true;
            } else if ("--suggest".equals(args[i])) {
                suggest = true;
            } else {
                System.err.println("usage: SizeGuard [--corpus DIR] [--suggest]");
                System.exit(2);
            }
        }
        if (!corpusGiven) {
            corpus = ProjectPaths.corpus(ProjectPaths.findRoot());
        }
        if (corpus == null) {
            System.out.println("size guard: no corpus (../shared/corpus or -Dwpack.corpus): corpus thresholds skipped");
        }
        Path work = Files.createTempDirectory("wpack-size-guard");
        try {
            SizeGuard guard = withCommittedThresholds();
            List<Check> checks = new ArrayList<>();
            for (ModelSource m : models(corpus, work)) {
                checks.add(guard.check(m, Preset.LOSSLESS, Preset.LOSSLESS.packOptions(), work));
            }
            int code = report(checks, System.out);
            if (suggest) {
                System.out.println();
                for (Check c : checks) {
                    System.out.println(c.suggestion());
                }
            }
            System.exit(code);
        } finally {
            ScratchFiles.deleteTree(work);
        }
    }
}
