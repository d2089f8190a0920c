package io.wpack.benchmarks;

import io.wpack.formats.TensorEntry;
import io.wpack.loader.ByteSinks;
import io.wpack.loader.Representation;
import io.wpack.loader.WpkPackage;
import io.wpack.packer.PackOptions;
import io.wpack.packer.PackReport;
import io.wpack.packer.Packer;
import io.wpack.packer.json.JsonWriter;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * The whole-pipeline benchmark: for every model and preset, how much smaller a package is than
 * what users would otherwise ship (gzip, zstd, xz and byte-plane zstd on the same bytes), how
 * fast it packs and decodes next to {@code zstd -d} and {@code xz -d}, and how much heap
 * packing and loading need. Writes the generated section of {@code BENCHMARKS.md} and
 * {@code bench-out/results.json}. {@code ./bench} runs it; {@code --help} lists the options.
 *
 * <p>Measured runs of the different decoders are interleaved (one of each per round) so that
 * load from other processes on the machine spreads over all of them rather than one.
 */
public final class PipelineBenchmark {
    private final BenchOptions options;
    private final PrintStream log;
    private final Path work;
    private final ProcessTimer processes;

    private PipelineBenchmark(BenchOptions options, PrintStream log, Path work) {
        this.options = options;
        this.log = log;
        this.work = work;
        this.processes = new ProcessTimer(work.resolve("tool-stderr.txt"));
    }

    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    /** Runs the driver; returns the exit code (0 success, 1 failure, 2 usage error). */
    public static int run(PrintStream out, PrintStream err, String... args) {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("bench: " + e.getMessage());
            err.println("Try './bench --help'.");
            return 2;
        }
        if (options.help) {
            out.println(BenchOptions.USAGE);
            return 0;
        }
        try {
            return execute(options, out, err);
        } catch (IOException | RuntimeException e) {
            err.println("bench: " + e.getMessage());
            e.printStackTrace(err);
            return 1;
        }
    }

    private static int execute(BenchOptions o, PrintStream out, PrintStream err) throws IOException {
        Path root = o.root != null ? o.root.toAbsolutePath().normalize() : ProjectPaths.findRoot();
        if (root == null && (o.out == null || (o.markdown == null && !o.noMarkdown))) {
            err.println("bench: cannot find the project root above " + Path.of("").toAbsolutePath()
                    + "; pass --root DIR (or --out and --markdown)");
            return 2;
        }
        for (String tool : List.of("gzip", "zstd", "xz")) {
            if (ProcessTimer.capture(List.of(tool, "--version")).isEmpty()) {
                err.println("bench: '" + tool + "' is not on the PATH; the comparison needs gzip, zstd and xz");
                return 2;
            }
        }
        Path outDir = (o.out != null ? o.out : root.resolve("bench-out")).toAbsolutePath();
        Path work = outDir.resolve("work");
        ScratchFiles.deleteTree(work);
        Files.createDirectories(work);

        Path corpus = null;
        if (!o.synthetic) {
            corpus = o.corpus != null ? o.corpus : ProjectPaths.corpus(root);
            if (o.corpus != null && !Files.isDirectory(o.corpus)) {
                err.println("bench: --corpus " + o.corpus + " is not a folder");
                return 2;
            }
        }
        List<ModelSource> models;
        String modelSet;
        if (corpus != null) {
            models = ModelSets.corpus(corpus);
            modelSet = "the corpus at `" + display(root, corpus) + "`";
        } else {
            Path dir = Files.createDirectories(work.resolve("synthetic-models"));
            models = SyntheticModels.all(dir);
            modelSet = "the synthetic model set ("
                    + (o.synthetic ? "--synthetic" : "no corpus at ../shared/corpus") + ")";
        }
        if (!o.models.isEmpty()) {
            models = models.stream().filter(m -> o.models.stream().anyMatch(f -> m.id().contains(f))).toList();
        }
        if (models.isEmpty()) {
            err.println("bench: no models to run");
            return 2;
        }
        modelSet += " (" + models.size() + " model" + (models.size() == 1 ? "" : "s") + ")";
        out.println("bench: " + modelSet.replace("`", ""));

        PipelineBenchmark bench = new PipelineBenchmark(o, out, work);
        String revision = revision(root);
        MachineInfo machine = MachineInfo.detect();
        out.printf(Locale.ROOT, "bench: %s, %d cores, load average %s; %d warm-up + %d measured runs%n",
                machine.cpuModel(), machine.cores(), machine.loadAverage(), o.warmups, o.repeats);
        Map<String, Double> toolStart = bench.toolStartSeconds();

        long started = System.nanoTime();
        List<ModelRun> runs = new ArrayList<>();
        ForkJoinPool pool = new ForkJoinPool(machine.cores());
        try {
            for (ModelSource m : models) {
                for (Preset p : o.presets) {
                    if (!p.available()) {
                        continue;
                    }
                    runs.add(bench.measure(m, p, pool));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        Integer floor = null;
        if (o.heapTolerance() > 0) {
            // After all timings: the searches run several JVMs at once, which would disturb them.
            HeapMeasurer heap = HeapMeasurer.forThisJvm(o.heapTolerance());
            out.printf(Locale.ROOT, "bench: sizes and speeds took %.0f s; heap, smallest -Xmx to within %.0f%%,"
                    + " %d searches at a time%n", (System.nanoTime() - started) / 1e9, o.heapTolerance() * 100,
                    machine.cores());
            floor = heap.floorMiB(work.resolve("heap-noop.log"));
            bench.measureHeap(runs, heap, machine.cores());
        }

        BenchmarkReport report = new BenchmarkReport(o, machine, modelSet, runs, toolStart, floor, revision);
        Path json = outDir.resolve("results.json");
        Files.writeString(json, JsonWriter.writePretty(report.json()) + "\n", StandardCharsets.UTF_8);
        out.println("bench: wrote " + json);
        if (!o.noMarkdown) {
            Path md = o.markdown != null ? o.markdown
                    : o.quick ? outDir.resolve("BENCHMARKS-quick.md") : root.resolve("BENCHMARKS.md");
            String existing = Files.exists(md) ? Files.readString(md) : BenchmarkDoc.INTRO;
            Files.writeString(md, GeneratedSection.splice(existing, report.markdown()), StandardCharsets.UTF_8);
            out.println("bench: wrote " + md);
        }
        for (Preset p : Preset.values()) {
            if (report.listed(p)) {
                out.println(report.summaryLine(p).replace("**", "").replace("`", ""));
            }
        }
        if (!o.keep) {
            ScratchFiles.deleteTree(work);
        }
        out.printf(Locale.ROOT, "bench: done in %.0f s%n", (System.nanoTime() - started) / 1e9);
        return 0;
    }

    /**
     * The commit the project is at when the run starts, and whether its tree has changes on top.
     * It describes the jar only if the jar was built from that tree (./bench --rebuild).
     */
    static String revision(Path root) {
        if (root == null) {
            return "an unknown revision";
        }
        String head = ProcessTimer.capture(List.of("git", "-C", root.toString(), "rev-parse", "--short", "HEAD"));
        if (head.isEmpty() || head.contains(" ")) {
            return "an unknown revision (not a git checkout)";
        }
        String status = ProcessTimer.capture(List.of("git", "-C", root.toString(), "status", "--porcelain"));
        return "commit " + head + (status.isEmpty() ? "" : " with uncommitted changes in the tree");
    }

    /** Median wall time of {@code TOOL --version}: what process start-up adds to every CLI figure. */
    private Map<String, Double> toolStartSeconds() throws IOException {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String tool : List.of("zstd", "xz", "gzip")) {
            Samples s = new Samples();
            for (int i = 0; i < options.warmups + Math.max(5, options.repeats); i++) {
                double t = processes.run(List.of(tool, "--version"), null);
                if (i >= options.warmups) {
                    s.add(t);
                }
            }
            m.put(tool, s.median());
        }
        return m;
    }

    private ModelRun measure(ModelSource model, Preset preset, ForkJoinPool pool) throws IOException {
        ModelRun r = new ModelRun(model, preset);
        Path dir = Files.createDirectories(dirOf(model));
        Path pkg = dir.resolve(preset.id() + ".wpk");
        PackOptions packOptions = preset.packOptions();
        log.printf(Locale.ROOT, "  %s [%s]: pack", model.id(), preset.id());
        long phase = System.nanoTime();

        // Pack: import + encode + write, as `wpack pack` does.
        PackReport report = null;
        for (int i = 0; i < options.warmups + options.repeats; i++) {
            long t0 = System.nanoTime();
            report = new Packer(packOptions).pack(model.importModel(), pkg, null);
            double s = (System.nanoTime() - t0) / 1e9;
            if (i >= options.warmups) {
                r.pack.add(s);
            }
        }
        r.inputBytes = report.inputBytes();
        r.packageBytes = Files.size(pkg);
        lossyStats(report, r);
        if (CodeBounds.applies(preset)) {
            log.print(", bound");
            r.codeBounds = CodeBounds.measure(model, preset, report, pkg, dir, processes);
        }

        // The competitors' input, out of the package through the loader.
        Path raw = dir.resolve("raw.bin");
        Path planes = dir.resolve("planes.bin");
        RawExport.Result x;
        try (WpkPackage p = WpkPackage.open(pkg)) {
            x = RawExport.write(p, Representation.STORED, raw, planes);
        }
        if (preset.lossless()) {
            String source = RawExport.sha256OfImport(model.importModel());
            if (!source.equals(x.sha256())) {
                throw new IOException(model.id() + " [" + preset.id() + "]: the package does not give back the"
                        + " source tensor bytes (SHA-256 " + x.sha256() + ", source " + source + ")");
            }
        }
        r.tensors = x.tensors();
        r.params = x.params();
        r.rawBytes = x.bytes();
        r.h0Bits = x.h0Bits();
        r.h0PlaneBits = x.h0PlaneBits();

        if (!preset.lossless()) {
            // What a user of another runtime would ship: the codes and their side arrays, then a compressor.
            Path export = dir.resolve("export.safetensors");
            try (WpkPackage p = WpkPackage.open(pkg)) {
                io.wpack.cli.export.Exporter.forPath(export).export(p, export, Representation.LOGICAL, true);
            }
            r.exportBytes = Files.size(export);
            for (Competitor c : ModelRun.EXPORT_COMPETITORS) {
                Path compressed = dir.resolve(export.getFileName() + "." + c.extension());
                processes.run(c.compressCommand(export), compressed);
                r.exportCompressed.put(c, Files.size(compressed));
            }
        }

        phase = phase(phase);
        log.print(", compress");
        for (Competitor c : Competitor.values()) {
            Path in = c.planes() ? planes : raw;
            Path compressed = dir.resolve(in.getFileName() + "." + c.extension());
            r.competitorCompressSeconds.put(c, processes.run(c.compressCommand(in), compressed));
            r.competitorBytes.put(c, Files.size(compressed));
        }

        phase = phase(phase);
        log.print(", decode");
        // One round = one run of every decoder; the first rounds warm the JIT and the page cache.
        for (int i = 0; i < options.warmups + options.repeats; i++) {
            boolean measured = i >= options.warmups;
            long t0 = System.nanoTime();
            long n1 = decodeAll(pkg, null);
            double s1 = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            long nn = decodeAll(pkg, pool);
            double sn = (System.nanoTime() - t0) / 1e9;
            if (n1 != r.rawBytes || nn != r.rawBytes) {
                throw new IOException(model.id() + ": decoded " + n1 + " and " + nn + " bytes, expected "
                        + r.rawBytes);
            }
            if (measured) {
                r.decodeOneThread.add(s1);
                r.decodeAllCores.add(sn);
            }
            for (Competitor c : Competitor.values()) {
                Path in = c.planes() ? planes : raw;
                Path compressed = dir.resolve(in.getFileName() + "." + c.extension());
                double s = processes.run(c.decompressCommand(compressed), null);
                if (measured) {
                    r.competitorDecode.get(c).add(s);
                }
            }
        }

        phase(phase);
        log.printf(Locale.ROOT, "; %.2f bits/weight, %.3f× the best (%s); decode %s MB/s vs zstd -d %s MB/s%n",
                r.bitsPerWeight(r.packageBytes), r.sizeVsBest(), r.bestCompetitor().label(),
                BenchmarkReport.num(r.decodeOneThread.rate(r.rawBytes).median()),
                BenchmarkReport.num(r.competitorDecode.get(Competitor.ZSTD).rate(r.rawBytes).median()));
        return r;
    }

    /** The reconstruction error the packer measured, over the tensors the preset made lossy. */
    static void lossyStats(PackReport report, ModelRun r) {
        double weighted = 0;
        long finite = 0;
        double min = Double.POSITIVE_INFINITY;
        for (PackReport.TensorReport t : report.tensors()) {
            if ("lossless".equals(t.scheme())) {
                continue;
            }
            r.lossyParams += t.params();
            r.maxAbsError = Math.max(r.maxAbsError, t.maxAbsError());
            // An exactly representable tensor has infinite SQNR; it counts in the share, not the mean.
            if (Double.isFinite(t.sqnrDb())) {
                weighted += t.sqnrDb() * t.params();
                finite += t.params();
                min = Math.min(min, t.sqnrDb());
            }
        }
        if (finite > 0) {
            r.sqnrMeanDb = weighted / finite;
            r.sqnrMinDb = min;
        }
    }

    private Path dirOf(ModelSource model) {
        return work.resolve(model.id().replaceAll("[^A-Za-z0-9._-]", "_"));
    }

    /** Fills in the heap figures of every run, {@code parallel} searches at a time. */
    private void measureHeap(List<ModelRun> runs, HeapMeasurer heap, int parallel) throws IOException {
        ExecutorService searches = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (ModelRun r : runs) {
                Path dir = dirOf(r.model);
                int rawMiB = (int) (r.rawBytes >> 20);
                List<String> packArgs = new ArrayList<>(List.of("pack", r.preset.id(),
                        dir.resolve("probe-" + r.preset.id() + ".wpk").toString()));
                packArgs.addAll(r.model.probeArgs());
                String name = r.model.id() + " [" + r.preset.id() + "]";
                done.add(searches.submit(() -> {
                    Path probeLog = dir.resolve("heap-pack-" + r.preset.id() + ".log");
                    r.packHeapMiB = heap.minimumHeapMiB(packArgs, Math.max(64, 4 * rawMiB), 0, probeLog);
                    log.printf(Locale.ROOT, "  %s: pack needs %d MiB%n", name, r.packHeapMiB);
                    return null;
                }));
                List<String> loadArgs = List.of("load", dir.resolve(r.preset.id() + ".wpk").toString());
                done.add(searches.submit(() -> {
                    // Loading keeps every decoded tensor, so less heap than the decoded bytes cannot work.
                    Path probeLog = dir.resolve("heap-load-" + r.preset.id() + ".log");
                    r.loadHeapMiB = heap.minimumHeapMiB(loadArgs, 2 * rawMiB + 16, rawMiB, probeLog);
                    log.printf(Locale.ROOT, "  %s: load needs %d MiB%n", name, r.loadHeapMiB);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof IOException ? (IOException) e.getCause()
                            : new IOException(e.getCause());
                }
            }
        } finally {
            searches.shutdownNow();
        }
    }

    /** Logs the seconds since {@code start} and returns now. */
    private long phase(long start) {
        long now = System.nanoTime();
        log.printf(Locale.ROOT, " %.0fs", (now - start) / 1e9);
        return now;
    }

    /**
     * Opens the package and decodes every tensor, stored form, into its own {@code byte[]},
     * keeping them all as a runtime would. With a pool: tensors of one chunk are tasks on the
     * pool, tensors of several chunks go through {@code readParallel} on the same pool.
     *
     * @return bytes decoded
     */
    static long decodeAll(Path pkg, ForkJoinPool pool) throws IOException {
        try (WpkPackage p = WpkPackage.open(pkg)) {
            List<TensorEntry> tensors = p.tensors();
            byte[][] out = new byte[tensors.size()][];
            List<ForkJoinTask<?>> tasks = new ArrayList<>();
            for (int i = 0; i < tensors.size(); i++) {
                TensorEntry t = tensors.get(i);
                byte[] b = new byte[Math.toIntExact(WpkPackage.outputBytes(t, Representation.STORED))];
                out[i] = b;
                if (pool == null) {
                    p.read(t, ByteSinks.of(b), Representation.STORED);
                } else if (t.chunkCount() > 1) {
                    p.readParallel(t, ByteSinks.of(b), Representation.STORED, pool);
                } else {
                    tasks.add(pool.submit(() -> {
                        p.read(t, ByteSinks.of(b), Representation.STORED);
                        return null;
                    }));
                }
            }
            for (ForkJoinTask<?> task : tasks) {
                try {
                    task.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof IOException) {
                        throw (IOException) e.getCause();
                    }
                    throw new IOException(e.getCause());
                }
            }
            long n = 0;
            for (byte[] b : out) {
                n += b.length;
            }
            return n;
        }
    }

    private static String display(Path root, Path p) {
        if (root != null) {
            try {
                return root.relativize(p.toAbsolutePath().normalize()).toString();
            } catch (IllegalArgumentException e) {
                return p.toString();
            }
        }
        return p.toString();
    }
}
