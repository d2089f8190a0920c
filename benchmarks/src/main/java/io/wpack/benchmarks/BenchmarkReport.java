package io.wpack.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders a finished run as the Markdown section of BENCHMARKS.md and as results.json. */
final class BenchmarkReport {
    final BenchOptions options;
    final MachineInfo machine;
    final String modelSet;
    final List<ModelRun> runs;
    /** Median wall time of an empty run of each tool ({@code --version}), seconds. */
    final Map<String, Double> toolStartSeconds;
    final Integer heapFloorMiB;
    /** The source the run was built from: a commit, and whether the tree had changes on top. */
    final String revision;

    BenchmarkReport(BenchOptions options, MachineInfo machine, String modelSet, List<ModelRun> runs,
                    Map<String, Double> toolStartSeconds, Integer heapFloorMiB, String revision) {
        this.options = options;
        this.machine = machine;
        this.modelSet = modelSet;
        this.runs = runs;
        this.toolStartSeconds = toolStartSeconds;
        this.heapFloorMiB = heapFloorMiB;
        this.revision = revision;
    }

    List<ModelRun> runsOf(Preset p) {
        List<ModelRun> out = new ArrayList<>();
        for (ModelRun r : runs) {
            if (r.preset == p) {
                out.add(r);
            }
        }
        return out;
    }

    /** Aggregates over the models of one preset, for the one-line summary. */
    record PresetSummary(Preset preset, int models, long packageBytes, Competitor best, long bestBytes,
                         double minPerModel, double maxPerModel, double decodeOneVsZstd, double decodeAllVsZstd) {
        double sizeVsBest() {
            return (double) packageBytes / bestBytes;
        }
    }

    PresetSummary summarize(Preset p) {
        List<ModelRun> rs = runsOf(p);
        if (rs.isEmpty()) {
            return null;
        }
        long wpack = 0;
        Map<Competitor, Long> totals = new LinkedHashMap<>();
        double min = Double.MAX_VALUE;
        double max = 0;
        long raw = 0;
        double t1 = 0;
        double tn = 0;
        double tz = 0;
        for (ModelRun r : rs) {
            wpack += r.packageBytes;
            r.competitorBytes.forEach((c, b) -> totals.merge(c, b, Long::sum));
            min = Math.min(min, r.sizeVsBest());
            max = Math.max(max, r.sizeVsBest());
            raw += r.rawBytes;
            t1 += r.decodeOneThread.median();
            tn += r.decodeAllCores.median();
            tz += r.competitorDecode.get(Competitor.ZSTD).median();
        }
        Competitor best = null;
        for (Map.Entry<Competitor, Long> e : totals.entrySet()) {
            if (best == null || e.getValue() < totals.get(best)) {
                best = e.getKey();
            }
        }
        // Throughput ratios over the whole set: total bytes over total median time, both sides.
        return new PresetSummary(p, rs.size(), wpack, best, totals.get(best), min, max, tz / t1, tz / tn);
    }

    /** Presets the summary lists: those run, and the default ones whether run, filtered out or missing. */
    boolean listed(Preset p) {
        return p.inDefaultRun() || !runsOf(p).isEmpty();
    }

    String summaryLine(Preset p) {
        if (!p.available()) {
            return "- **" + p.id() + "** (" + p.description() + "): not yet available in the packer; no figures.";
        }
        PresetSummary s = summarize(p);
        if (s == null) {
            return "- **" + p.id() + "**: not run this time (see `--presets`).";
        }
        String error = "";
        if (!p.lossless()) {
            long params = 0;
            long lossy = 0;
            for (ModelRun r : runsOf(p)) {
                params += r.params;
                lossy += r.lossyParams;
            }
            error = String.format(Locale.ROOT, " %.0f%% of the weights lossy;", 100.0 * lossy / Math.max(1, params));
        }
        return String.format(Locale.ROOT,
                "- **%s**:%s size %.3f× the best competitor (%s) over %d models (per model %.3f×–%.3f× its best);"
                        + " decode speed %.2f× `zstd -d` on 1 thread, %.2f× on %d threads.",
                p.id(), error, s.sizeVsBest(), s.best().label(), s.models(), s.minPerModel(), s.maxPerModel(),
                s.decodeOneVsZstd(), s.decodeAllVsZstd(), machine.cores()) + exportSummary(p);
    }

    /** For lossy presets: the package against the compressed `--keep-quantized` export, over all models and per model. */
    private String exportSummary(Preset p) {
        long wpack = 0;
        Map<Competitor, Long> totals = new LinkedHashMap<>();
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (ModelRun r : runsOf(p)) {
            if (r.exportCompressed.isEmpty()) {
                continue;
            }
            wpack += r.packageBytes;
            r.exportCompressed.forEach((c, v) -> totals.merge(c, v, Long::sum));
            min = Math.min(min, r.sizeVsBestExport());
            max = Math.max(max, r.sizeVsBestExport());
        }
        if (totals.isEmpty()) {
            return "";
        }
        long best = totals.values().stream().mapToLong(Long::longValue).min().getAsLong();
        return String.format(Locale.ROOT, " Against the `unpack --keep-quantized` export through xz -9 and zstd -19:"
                + " %.3f× the smaller (per model %.3f×–%.3f×).", (double) wpack / best, min, max);
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("## Results\n\n");
        if (options.note != null && !options.note.isBlank()) {
            md.append("> **Note:** ").append(options.note.strip()).append("\n\n");
        }
        md.append(String.format(Locale.ROOT, "Generated %s by `%s` on %s, built from %s.%n%n", machine.date(),
                command(), modelSet, revision));
        md.append(String.format(Locale.ROOT, "- Machine: %s, %d cores (nproc), %d MiB RAM; %s; %s."
                        + " Load average when the run started: %s (other work on the machine makes speeds noisy).%n",
                machine.cpuModel(), machine.cores(), machine.memoryMiB(), machine.os(), machine.jvm(),
                machine.loadAverage()));
        md.append("- Tools: ").append(String.join(", ", machine.toolVersions().values())).append(".\n");
        md.append(String.format(Locale.ROOT, "- Method: %d unmeasured warm-up run(s), then %d measured runs per speed"
                + " figure, shown as median (min–max). Sizes are exact and deterministic. MB = 10^6 bytes,"
                + " MiB = 2^20 bytes.%n%n", options.warmups, options.repeats));

        md.append("### Summary\n\n");
        for (Preset p : Preset.values()) {
            if (listed(p)) {
                md.append(summaryLine(p)).append('\n');
            }
        }
        md.append('\n');

        for (Preset p : Preset.values()) {
            List<ModelRun> rs = runsOf(p);
            if (!rs.isEmpty()) {
                sizeTable(md, p, rs);
                exportTable(md, p, rs);
                speedTable(md, p, rs);
                heapTable(md, p, rs);
            }
        }
        codeBoundsTable(md);
        commands(md);
        return md.toString();
    }

    /** Issue 5's table ({@link CodeBounds}): the pruned int8 presets' lossy codes against their H0 bound. */
    private void codeBoundsTable(StringBuilder md) {
        List<ModelRun> rs = new ArrayList<>();
        for (ModelRun r : runs) {
            if (r.codeBounds != null) {
                rs.add(r);
            }
        }
        if (rs.isEmpty()) {
            return;
        }
        md.append("### Pruned int8 codes against their order-0 bound, bits per weight\n\n");
        md.append("| preset | model | lossy tensors | lossy weights | H0 bound | huffman only | no channel-ac | **wpack** |");
        for (Competitor c : CodeBounds.TOOLS) {
            md.append(' ').append(c.label()).append(" |");
        }
        md.append(" wpack ÷ H0 |\n|---|---|---:|---:|---:|---:|---:|---:|");
        for (int i = 0; i < CodeBounds.TOOLS.size(); i++) {
            md.append("---:|");
        }
        md.append("---:|\n");
        for (Preset p : Preset.values()) {
            long weights = 0;
            double h0 = 0;
            long huffman = 0;
            long noContext = 0;
            long patterns = 0;
            Map<Competitor, Long> tools = new LinkedHashMap<>();
            int models = 0;
            int tensors = 0;
            for (ModelRun r : rs) {
                if (r.preset != p) {
                    continue;
                }
                CodeBounds.Result b = r.codeBounds;
                codeBoundsRow(md, p.id(), shortId(r.model), String.valueOf(b.tensors()), b.weights(), b.h0Bits(),
                        b.huffmanBytes(), b.noContextBytes(), b.patternBytes(), b.toolBytes());
                weights += b.weights();
                h0 += b.h0Bits();
                huffman += b.huffmanBytes();
                noContext += b.noContextBytes();
                patterns += b.patternBytes();
                tensors += b.tensors();
                for (Competitor c : CodeBounds.TOOLS) {
                    tools.merge(c, b.toolBytes().get(c), Long::sum);
                }
                models++;
            }
            if (models > 1) {
                codeBoundsRow(md, p.id(), "**all**", String.valueOf(tensors), weights, h0, huffman, noContext, patterns,
                        tools);
            }
        }
        md.append('\n');
        md.append("- The same bytes in every column: the int8 codes of the tensors the preset made lossy, and")
                .append(" nothing else. The tensors that stay lossless (biases, small and integer tensors) and the")
                .append(" manifest (scales, names, shapes) are left out of every column, the H0 bound included,")
                .append(" so the columns compare coders on identical input; the size tables above count them. A")
                .append(" tensor identical to an earlier one, which the package stores once, is counted once.\n");
        md.append("- H0 bound: Σ over the lossy tensors of n·H0 of the tensor's codes (one distribution per")
                .append(" tensor, no table cost). huffman only: the lossy tensors' chunks in a package of the same")
                .append(" preset packed with `--codecs ").append(String.join(",", CodeBounds.HUFFMAN_ONLY))
                .append("`. no channel-ac: the same tensors in a package packed with every codec but channel-ac (the")
                .append(" pattern miner's maskvalues and blockdict, the sparse formats and the Huffman variants):")
                .append(" what coding structure reaches without the adaptive range coder. wpack: the same tensors")
                .append(" in the preset's own package (every codec; channel-ac on tensors up to 4 KiB, where it")
                .append(" saves at least 1%). xz and zstd: the codes back to back in")
                .append(" model order (`codes.bin`), with the size tables' command lines.\n\n");
    }

    private static void codeBoundsRow(StringBuilder md, String preset, String model, String tensors, long weights,
            double h0Bits, long huffman, long noContext, long patterns, Map<Competitor, Long> tools) {
        double w = Math.max(1, weights);
        md.append("| ").append(preset).append(" | ").append(model).append(" | ").append(tensors).append(" | ")
                .append(String.format(Locale.ROOT, "%,d", weights)).append(" | ").append(f2(h0Bits / w))
                .append(" | ").append(f2(8.0 * huffman / w)).append(" | ").append(f2(8.0 * noContext / w))
                .append(" | **").append(f2(8.0 * patterns / w))
                .append("** |");
        for (Competitor c : CodeBounds.TOOLS) {
            md.append(' ').append(f2(8.0 * tools.get(c) / w)).append(" |");
        }
        md.append(' ').append(h0Bits == 0 ? "–" : String.format(Locale.ROOT, "%.3f", 8.0 * patterns / h0Bits))
                .append(" |\n");
    }

    private void sizeTable(StringBuilder md, Preset p, List<ModelRun> rs) {
        md.append("### ").append(p.id()).append(": size in bits per weight (lower is better)\n\n");
        md.append("| model | tensors | params | raw MB | **wpack** |");
        for (Competitor c : Competitor.values()) {
            md.append(' ').append(c.label()).append(" |");
        }
        md.append(" H0 of bytes | H0 of byte planes | wpack ÷ best |");
        md.append(p.lossless() ? "\n" : " lossy weights | SQNR dB, mean (min) | max abs error |\n");
        md.append("|---|---:|---:|---:|---:|");
        for (int i = 0; i < Competitor.values().length; i++) {
            md.append("---:|");
        }
        md.append(p.lossless() ? "---:|---:|---:|\n" : "---:|---:|---:|---:|---:|---:|\n");
        long params = 0;
        long raw = 0;
        long wpack = 0;
        double h0 = 0;
        double h0p = 0;
        Map<Competitor, Long> totals = new LinkedHashMap<>();
        for (ModelRun r : rs) {
            md.append("| ").append(shortId(r.model)).append(" | ").append(r.tensors).append(" | ")
                    .append(String.format(Locale.ROOT, "%,d", r.params)).append(" | ").append(mb(r.rawBytes))
                    .append(" | **").append(f2(r.bitsPerWeight(r.packageBytes))).append("** |");
            Competitor best = r.bestCompetitor();
            for (Competitor c : Competitor.values()) {
                String v = f2(r.bitsPerWeight(r.competitorBytes.get(c)));
                md.append(' ').append(c == best ? "_" + v + "_" : v).append(" |");
                totals.merge(c, r.competitorBytes.get(c), Long::sum);
            }
            md.append(' ').append(f2(r.h0Bits / r.params)).append(" | ").append(f2(r.h0PlaneBits / r.params))
                    .append(" | ").append(String.format(Locale.ROOT, "%.3f", r.sizeVsBest())).append(" |");
            if (!p.lossless()) {
                md.append(String.format(Locale.ROOT, " %.1f%% | %s | %.3g |", 100.0 * r.lossyParams / r.params,
                        Double.isNaN(r.sqnrMeanDb) ? "–"
                                : String.format(Locale.ROOT, "%.1f (%.1f)", r.sqnrMeanDb, r.sqnrMinDb),
                        r.maxAbsError));
            }
            md.append('\n');
            params += r.params;
            raw += r.rawBytes;
            wpack += r.packageBytes;
            h0 += r.h0Bits;
            h0p += r.h0PlaneBits;
        }
        long bestTotal = Long.MAX_VALUE;
        for (long v : totals.values()) {
            bestTotal = Math.min(bestTotal, v);
        }
        md.append("| **all** | | ").append(String.format(Locale.ROOT, "%,d", params)).append(" | ").append(mb(raw))
                .append(" | **").append(f2(wpack * 8.0 / params)).append("** |");
        for (Competitor c : Competitor.values()) {
            md.append(' ').append(f2(totals.get(c) * 8.0 / params)).append(" |");
        }
        md.append(' ').append(f2(h0 / params)).append(" | ").append(f2(h0p / params)).append(" | ")
                .append(String.format(Locale.ROOT, "%.3f", (double) wpack / bestTotal)).append(" |")
                .append(p.lossless() ? "\n\n" : " | | |\n\n");
        md.append("- Every compressor gets the same bytes: each tensor's elements as the package stores them")
                .append(p.lossless() ? " (for lossless, exactly the source model's tensor bytes, checked by SHA-256)"
                        : "")
                .append(", little-endian, row-major, back to back in model order, with no names or shapes.")
                .append(" The wpack figure is the whole `.wpk` file, header, manifest (names, shapes, dtypes, CRCs),")
                .append(" padding and footer included. The smallest competitor of each row is in _italics_.\n");
        md.append("- Byte planes (ZipNN's method): for each element size, byte 0 of every element of every tensor of")
                .append(" that size, then byte 1, ..., concatenated across tensors, then `zstd -19 --long`.\n");
        md.append("- H0 of bytes: Σ over tensors of n·H0 of the tensor's bytes (order-0 entropy over bytes, not")
                .append(" over weights). H0 of byte planes: the same per tensor per byte plane. They bound coders")
                .append(" that code each byte alone with one distribution per tensor (or plane); LZ and LZMA use")
                .append(" context and can go below them.\n");
        if (!p.lossless()) {
            md.append("- Lossy preset: the shared bytes are the quantized codes as stored (one byte per code);")
                    .append(" the scales or codebooks live in the package's manifest, so only the wpack figure pays")
                    .append(" for them. Biases, small and integer tensors stay lossless. SQNR is the packer's own")
                    .append(" measurement per tensor, averaged over the lossy tensors weighted by their size.\n");
        }
        md.append('\n');
    }

    /** Lossy presets: the package against the `unpack --keep-quantized` export, compressed. */
    private void exportTable(StringBuilder md, Preset p, List<ModelRun> rs) {
        if (rs.stream().allMatch(r -> r.exportCompressed.isEmpty())) {
            return;
        }
        md.append("### ").append(p.id()).append(": against the `unpack --keep-quantized` export, bits per weight\n\n");
        md.append("| model | export MB | **wpack** |");
        for (Competitor c : ModelRun.EXPORT_COMPETITORS) {
            md.append(' ').append(c.label()).append(" of the export |");
        }
        md.append(" wpack ÷ best |\n|---|---:|---:|");
        for (int i = 0; i < ModelRun.EXPORT_COMPETITORS.size(); i++) {
            md.append("---:|");
        }
        md.append("---:|\n");
        long params = 0;
        long wpack = 0;
        long export = 0;
        Map<Competitor, Long> totals = new LinkedHashMap<>();
        for (ModelRun r : rs) {
            if (r.exportCompressed.isEmpty()) {
                continue;
            }
            md.append("| ").append(shortId(r.model)).append(" | ").append(mb(r.exportBytes)).append(" | **")
                    .append(f2(r.bitsPerWeight(r.packageBytes))).append("** |");
            for (Competitor c : ModelRun.EXPORT_COMPETITORS) {
                md.append(' ').append(f2(r.bitsPerWeight(r.exportCompressed.get(c)))).append(" |");
                totals.merge(c, r.exportCompressed.get(c), Long::sum);
            }
            md.append(String.format(Locale.ROOT, " %.3f |%n", r.sizeVsBestExport()));
            params += r.params;
            wpack += r.packageBytes;
            export += r.exportBytes;
        }
        long best = totals.values().stream().mapToLong(Long::longValue).min().orElse(1);
        md.append("| **all** | ").append(mb(export)).append(" | **").append(f2(wpack * 8.0 / params)).append("** |");
        for (Competitor c : ModelRun.EXPORT_COMPETITORS) {
            md.append(' ').append(f2(totals.get(c) * 8.0 / params)).append(" |");
        }
        md.append(String.format(Locale.ROOT, " %.3f |%n%n", (double) wpack / best));
        md.append("- The export is `wpack unpack PRESET.wpk -o export.safetensors --keep-quantized`: the codes as")
                .append(" stored, each quantized tensor followed by its side arrays (scales and zero points as f32 and")
                .append(" i32, or codebooks), the other tensors in their logical dtype, with names and shapes in the")
                .append(" safetensors header. That is the file a runtime other than wpack would load; the")
                .append(" competitors compress it as it is. Both sides carry the same information, so this is the")
                .append(" like-for-like comparison; the table above gives the competitors the codes alone.\n\n");
    }

    private void speedTable(StringBuilder md, Preset p, List<ModelRun> rs) {
        int cores = machine.cores();
        md.append("### ").append(p.id()).append(": speed in MB/s, median (min–max)\n\n");
        md.append("| model | raw MB | pack | **wpack decode, 1 thread** | wpack decode, ").append(cores)
                .append(" threads |");
        for (Competitor c : Competitor.values()) {
            md.append(' ').append(decodeLabel(c)).append(" |");
        }
        md.append('\n');
        md.append("|---|---:|---:|---:|---:|");
        for (int i = 0; i < Competitor.values().length; i++) {
            md.append("---:|");
        }
        md.append('\n');
        for (ModelRun r : rs) {
            md.append("| ").append(shortId(r.model)).append(" | ").append(mb(r.rawBytes)).append(" | ")
                    .append(rate(r.pack, r.inputBytes)).append(" | **").append(rate(r.decodeOneThread, r.rawBytes))
                    .append("** | ").append(rate(r.decodeAllCores, r.rawBytes)).append(" |");
            for (Competitor c : Competitor.values()) {
                md.append(' ').append(rate(r.competitorDecode.get(c), r.rawBytes)).append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
        md.append("- pack: import the model file and write the package (`Packer`, in process, one thread),")
                .append(" MB/s of input tensor bytes. The lossless preset tries raw, lz4, deflate and xz on every")
                .append(" tensor, so xz dominates.\n");
        md.append("- wpack decode: open the package and decode every tensor into its own `byte[]` (stored form),")
                .append(" in process after warm-up, file in page cache; MB/s of decoded output. With ").append(cores)
                .append(" threads: tensors and chunks in parallel on a `ForkJoinPool` of that size.\n");
        md.append("- CLI decoders: wall time of the process decompressing the file (in page cache) to /dev/null,")
                .append(" MB/s of decompressed output, nothing subtracted. Process start-up is included: an empty run");
        List<String> starts = new ArrayList<>();
        toolStartSeconds.forEach((tool, s) ->
                starts.add(String.format(Locale.ROOT, "%.1f ms for `%s --version`", s * 1e3, tool)));
        md.append(" takes ").append(String.join(", ", starts)).append(". The byte-plane figure leaves out")
                .append(" putting the planes back in element order.\n\n");

        md.append("Compression speed of the competitors, one run each (MB/s of input):\n\n");
        md.append("| model |");
        for (Competitor c : Competitor.values()) {
            md.append(' ').append(c.label()).append(" |");
        }
        md.append("\n|---|");
        for (int i = 0; i < Competitor.values().length; i++) {
            md.append("---:|");
        }
        md.append('\n');
        for (ModelRun r : rs) {
            md.append("| ").append(shortId(r.model)).append(" |");
            for (Competitor c : Competitor.values()) {
                md.append(' ').append(num(r.rawBytes / 1e6 / r.competitorCompressSeconds.get(c))).append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
    }

    private void heapTable(StringBuilder md, Preset p, List<ModelRun> rs) {
        if (rs.get(0).packHeapMiB == null) {
            md.append("Heap not measured (`--memory off`).\n\n");
            return;
        }
        md.append("### ").append(p.id()).append(": heap needed, MiB\n\n");
        md.append("| model | raw MiB | pack | load (all tensors kept) |\n|---|---:|---:|---:|\n");
        for (ModelRun r : rs) {
            md.append("| ").append(shortId(r.model)).append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f", r.rawBytes / 1048576.0)).append(" | ")
                    .append(r.packHeapMiB).append(" | ").append(r.loadHeapMiB).append(" |\n");
        }
        md.append('\n');
        md.append(String.format(Locale.ROOT, "- The smallest `-Xmx` with which a fresh JVM (`-XX:+UseSerialGC`, one"
                + " thread) completes the operation, found by bisection to within %.0f%% (and 1 MiB). Sampling"
                + " \"heap used\" would count garbage and follow the collector's heuristics; the smallest"
                + " sufficient heap is what has to be provisioned. An empty JVM needs %s MiB by the same"
                + " method. Off-heap memory (metaspace, code cache, mapped files) is not included.%n",
                options.heapTolerance() * 100, heapFloorMiB == null ? "?" : heapFloorMiB.toString()));
        md.append("- pack: import and pack, as `wpack pack` does. load: open the package and decode every tensor")
                .append(" into its own `byte[]`, keeping them all (a runtime holding the weights), so it includes")
                .append(" the decoded model.\n\n");
    }

    private void commands(StringBuilder md) {
        md.append("### How these figures were produced\n\n```\n");
        md.append(command()).append('\n');
        md.append("# for each model and preset, in bench-out/work/MODEL/ (java side in process):\n");
        md.append("#   import MODEL, Packer(preset).pack -> PRESET.wpk            (= wpack pack MODEL -o PRESET.wpk)\n");
        md.append("#   WpkPackage: every tensor, stored form, back to back -> raw.bin; byte planes -> planes.bin\n");
        for (Competitor c : Competitor.values()) {
            md.append(c.shellCompress(c.planes() ? "planes.bin" : "raw.bin")).append('\n');
        }
        for (Competitor c : Competitor.values()) {
            md.append(c.shellDecompress(c.planes() ? "planes.bin" : "raw.bin")).append('\n');
        }
        md.append("# mag50-int8, mag80-int8 also: Packer(preset, codecs ").append(String.join(",", CodeBounds.HUFFMAN_ONLY))
                .append(") -> PRESET-huffman.wpk; lossy codes -> codes.bin\n");
        for (Competitor c : CodeBounds.TOOLS) {
            md.append(c.shellCompress("codes.bin")).append('\n');
        }
        md.append("java -XX:+UseSerialGC -Xmx<N>m -cp benchmarks.jar io.wpack.benchmarks.HeapProbe pack|load ...\n");
        md.append("```\n\nRaw figures: `bench-out/results.json`.\n");
    }

    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("generator", "io.wpack.benchmarks.PipelineBenchmark");
        m.put("arguments", options.given);
        m.put("model_set", modelSet);
        m.put("revision", revision);
        m.put("machine", machine.toJson());
        Map<String, Object> method = new LinkedHashMap<>();
        method.put("warmups", options.warmups);
        method.put("repeats", options.repeats);
        method.put("heap_search", options.memory);
        method.put("heap_tolerance", options.heapTolerance());
        method.put("heap_floor_mib", heapFloorMiB);
        method.put("tool_start_seconds", toolStartSeconds);
        m.put("method", method);
        List<Object> presets = new ArrayList<>();
        for (Preset p : Preset.values()) {
            if (!listed(p)) {
                continue;
            }
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("preset", p.id());
            pm.put("description", p.description());
            pm.put("available", p.available());
            PresetSummary s = p.available() ? summarize(p) : null;
            if (s != null) {
                pm.put("models", s.models());
                pm.put("package_bytes", s.packageBytes());
                pm.put("best_competitor", s.best().id());
                pm.put("best_competitor_bytes", s.bestBytes());
                pm.put("size_vs_best", s.sizeVsBest());
                pm.put("decode_1_thread_vs_zstd", s.decodeOneVsZstd());
                pm.put("decode_all_cores_vs_zstd", s.decodeAllVsZstd());
            }
            pm.put("summary", summaryLine(p).substring(2));
            presets.add(pm);
        }
        m.put("presets", presets);
        List<Object> models = new ArrayList<>();
        for (ModelRun r : runs) {
            models.add(r.toJson());
        }
        m.put("runs", models);
        return m;
    }

    /** The command line that produced the run, shell-quoted where needed. */
    String command() {
        StringBuilder sb = new StringBuilder("./bench");
        for (String a : options.given) {
            sb.append(' ').append(a.matches("[A-Za-z0-9_./,=:@+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return sb.toString();
    }

    static String shortId(ModelSource m) {
        return m.id().startsWith("corpus/") ? m.id().substring("corpus/".length()) : m.id();
    }

    private static String decodeLabel(Competitor c) {
        switch (c) {
            case GZIP:
                return "gzip -d";
            case ZSTD:
                return "zstd -d";
            case XZ:
                return "xz -d";
            default:
                return "byte planes zstd -d";
        }
    }

    private static String rate(Samples s, long bytes) {
        Samples.Rate r = s.rate(bytes);
        return num(r.median()) + " (" + num(r.min()) + "–" + num(r.max()) + ")";
    }

    static String num(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (v >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.2f", bytes / 1e6);
    }
}
