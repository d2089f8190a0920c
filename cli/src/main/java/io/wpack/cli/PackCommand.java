package io.wpack.cli;

import io.wpack.encoders.Codecs;
import io.wpack.formats.FormatVersion;
import io.wpack.packer.PackOptions;
import io.wpack.packer.PackReport;
import io.wpack.packer.Packer;
import io.wpack.packer.model.ImportedModel;
import io.wpack.packer.model.ModelImporter;
import io.wpack.packer.model.ModelImporters;
import io.wpack.packer.policy.Presets;
import io.wpack.packer.policy.TensorPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

@Command(name = "pack",
        description = {
                "Pack a model into a .wpk package.",
                "",
                "Reads ONNX (.onnx, with external data), safetensors, NumPy (.npy, .npz) and",
                "TensorFlow.js (model.json with its .bin shards). Packing is lossless unless",
                "--quant, --prune, --preset or --config asks otherwise; then each tensor's scheme",
                "and its measured error (SQNR, max |error|, sparsity) are reported and recorded.",
                "1-D tensors (biases, norms), integer tensors and tiny tensors stay lossless.",
                "Every tensor is then stored raw or through the smallest candidate codec.",
                "The output is written to a temporary file and renamed into place, so a failed",
                "pack never leaves a partial file.",
                "",
                "Examples:",
                "  wpack pack model.onnx -o model.wpk",
                "  wpack pack weights.safetensors -o w.wpk --align 4096 --json",
                "  wpack pack tfjs/model.json -o m.wpk --explain",
                "  wpack pack model.onnx -o m.wpk --quant int8:channel --prune magnitude:0.5",
                "  wpack pack model.onnx -o m.wpk --preset int4-g32",
                "  wpack pack model.onnx -o m.wpk --config policy.json",
                "",
                "Quantization (--quant): none, int8, int4, intN (N=2..8), uint8, kmeans:K (K=2..256),",
                "  fp16, bf16, fp8[:e4m3|:e5m2]; integers take :tensor, :channel (default) or :groupG",
                "  and :sym (default) or :affine, :f32 to keep fp32 scales (default fp16), and",
                "  :mergeS to merge near-repeated blocks within S steps (lossy, off by default);",
                "  kmeans takes :tensor (default) or :channel.",
                "Pruning (--prune): none, magnitude:S, nm:N:M, block:RxC:S, bcr:RxC:S, pattern:P:S,",
                "  filter:S, where S is the target sparsity (fraction of weights removed).",
                "  filter:S zeroes whole output filters; with --remove-pruned-filters they leave the",
                "  package instead, with the matching bias, BatchNorm and next-layer input channels,",
                "  where the ONNX or TF.js graph shows every reader of those channels (shapes change).",
                "Presets (--preset): lossless, int8, int4-g32, mag50-int8, mag80-int8, kmeans16, fp16, bf16.",
                "Config (--config FILE): JSON rules matched by tensor name, rank and size; see",
                "  packer/POLICY.md."
        },
        mixinStandardHelpOptions = true,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:other failure", "2:usage error", "3:invalid or hostile model file"})
final class PackCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The model file (or a TF.js model folder).")
    Path input;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT.wpk",
            description = "Package to write. Default: the model's name with .wpk, in the current folder.")
    Path output;

    @Option(names = "--align", paramLabel = "BYTES", defaultValue = "64",
            description = "Chunk alignment, a power of two from 64 to 4096 (4096 makes raw tensors page-aligned for mmap). Default: ${DEFAULT-VALUE}.")
    int alignment;

    @Option(names = "--chunk-size", paramLabel = "SIZE", defaultValue = "16M",
            description = "Decoded bytes per chunk (K/M/G suffixes); larger tensors are split so they decode in parallel. Default: ${DEFAULT-VALUE}.")
    String chunkSize;

    @Option(names = "--codecs", paramLabel = "LIST", split = ",",
            description = "Restrict the codecs tried per tensor (e.g. raw,deflate, or kpattern,raw to store pattern-pruned kernels as patterns); the smallest wins. Shape-configured ones (csr, bsr, bcr, nm, kpattern, huffman-rows, bitpack, channel-ac) are set up per tensor; channel-ac, an adaptive range coder that decodes at tens of MB/s, is tried on tensors up to 4 KiB unless listed here. Default: every codec suited to the tensor's dtype.")
    List<String> codecs = List.of();

    @Option(names = "--quant", paramLabel = "SCHEME", description = "Quantize weights, e.g. int8:channel, int4:group32, kmeans:16, fp16.")
    String quant;

    @Option(names = "--prune", paramLabel = "SCHEME", description = "Prune weights first, e.g. magnitude:0.8, nm:2:4, block:4x4:0.5.")
    String prune;

    @Option(names = "--preset", paramLabel = "NAME", description = "A named mix: lossless, int8, int4-g32, mag50-int8, mag80-int8, kmeans16, fp16, bf16.")
    String preset;

    @Option(names = "--config", paramLabel = "FILE", description = "Per-tensor rules in a JSON file (see packer/POLICY.md).")
    Path config;

    @Option(names = "--remove-pruned-filters",
            description = "With filter pruning, remove the pruned filters physically (and the bias, BatchNorm and next-layer input channels they feed) where the graph shows every reader of those channels. Changes shapes; the original shape is recorded per tensor.")
    boolean removePrunedFilters;

    @Option(names = "--explain", description = "Also list every candidate codec's size per tensor.")
    boolean explain;

    @Option(names = {"-q", "--quiet"}, description = "Print only the totals line, not the per-tensor table.")
    boolean quiet;

    @Mixin
    JsonMixin json;

    private PackOptions options;

    @Override
    void validate() {
        try {
            options = new PackOptions(alignment, (int) Math.min(Integer.MAX_VALUE, parseSize(chunkSize)), codecs);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        for (String c : codecs) {
            if (!Codecs.names().contains(c)) {
                throw new UsageException("unknown codec '" + c + "' in --codecs; known codecs: "
                        + String.join(", ", Codecs.names()));
            }
        }
        if (alignment < FormatVersion.MIN_ALIGNMENT) {
            throw new UsageException("--align must be at least " + FormatVersion.MIN_ALIGNMENT);
        }
        options = options.withRemovePrunedFilters(removePrunedFilters);
        int sources = (preset != null ? 1 : 0) + (config != null ? 1 : 0) + (quant != null || prune != null ? 1 : 0);
        if (sources > 1) {
            throw new UsageException("give one of --preset, --config, or --quant/--prune");
        }
        try {
            TensorPolicy policy = Presets.fromShorthands(preset, quant, prune);
            if (policy != null) {
                options = options.withPolicy(policy);
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    @Override
    ExitCode execute() throws Exception {
        if (!Files.exists(input)) {
            throw new java.nio.file.NoSuchFileException(input.toString());
        }
        Path out = output != null ? output : defaultOutput(input);
        if (Files.isDirectory(out)) {
            throw new UsageException("output " + out + " is a folder; give a file name");
        }
        if (Files.exists(out) && Files.isSameFile(out, input)) {
            throw new UsageException("output would overwrite the input");
        }
        if (config != null) {
            options = options.withPolicy(TensorPolicy.load(config));
        }
        ModelImporter importer = ModelImporters.detect(input);
        ImportedModel model = importer.importModel(input);
        ProgressReporter progress = new ProgressReporter(err());
        PackReport report = new Packer(options).pack(model, out,
                (i, n, name, done, total) -> progress.update(name, done, total));
        progress.done();
        List<Reports.Row> rows = Reports.rows(report);
        if (json.json) {
            JsonOutput j = new JsonOutput().beginObject().field("input", input.toString()).field("output", out.toString());
            Reports.writeJson(j, rows, report.inputBytes(), report.outputBytes(), report.metadata(), explain);
            j.key("dead_input_channels").beginArray();
            for (var d : report.deadChannels()) {
                j.beginObject().field("pruned", d.pruned()).field("consumer", d.consumer()).field("axis", d.axis())
                        .longArray("channels", java.util.Arrays.stream(d.channels()).asLongStream().toArray()).endObject();
            }
            j.endArray();
            if (removePrunedFilters) {
                j.key("removed_filters").beginArray();
                for (var r : report.removedFilters()) {
                    j.beginObject().field("pruned", r.pruned())
                            .longArray("filters", java.util.Arrays.stream(r.filters()).asLongStream().toArray());
                    j.key("tensors").beginArray();
                    for (String t : r.tensors()) {
                        j.value(t);
                    }
                    j.endArray().endObject();
                }
                j.endArray();
                j.key("filters_kept").beginArray();
                for (String k : report.filtersKept()) {
                    j.value(k);
                }
                j.endArray();
            }
            out().println(j.endObject());
        } else {
            if (!quiet) {
                Reports.printTable(out(), rows, explain);
            }
            out().printf(Locale.ROOT, "packed %s (%s) -> %s%n", input, report.metadata().getOrDefault("source_format", "?"), out);
            Reports.printTotals(out(), rows.size(), report.params(), report.inputBytes(), report.outputBytes());
            for (var d : report.deadChannels()) {
                out().printf(Locale.ROOT, "filter pruning of %s leaves %d input channels of %s (axis %d) dead: %s%n",
                        d.pruned(), d.channels().length, d.consumer(), d.axis(),
                        java.util.Arrays.toString(d.channels()));
            }
            for (var r : report.removedFilters()) {
                out().printf(Locale.ROOT, "removed %d pruned filters of %s, and their channels in %s%n",
                        r.filters().length, r.pruned(), String.join(", ", r.tensors().subList(1, r.tensors().size())));
            }
            for (String k : report.filtersKept()) {
                out().printf(Locale.ROOT, "filters zeroed, not removed: %s%n", k);
            }
        }
        return ExitCode.OK;
    }

    static Path defaultOutput(Path input) {
        String name = input.toAbsolutePath().normalize().getFileName().toString();
        if (name.equals("model.json")) {
            Path parent = input.toAbsolutePath().normalize().getParent();
            name = parent != null && parent.getFileName() != null ? parent.getFileName().toString() : "model";
        }
        int dot = name.lastIndexOf('.');
        return Path.of((dot > 0 ? name.substring(0, dot) : name) + ".wpk");
    }

    static long parseSize(String s) {
        String t = s.trim().toUpperCase(Locale.ROOT);
        long mult = 1;
        if (t.endsWith("B")) {
            t = t.substring(0, t.length() - 1);
        }
        if (t.endsWith("K")) {
            mult = 1L << 10;
        } else if (t.endsWith("M")) {
            mult = 1L << 20;
        } else if (t.endsWith("G")) {
            mult = 1L << 30;
        }
        if (mult != 1) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            return Math.multiplyExact(Long.parseLong(t), mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new UsageException("cannot read size '" + s + "': use a number with an optional K, M or G suffix");
        }
    }
}
