package io.wpack.cli;

import io.wpack.formats.TensorEntry;
import io.wpack.formats.proto.DType;
import io.wpack.loader.Representation;
import io.wpack.loader.WpkPackage;
import io.wpack.packer.Packer;
import io.wpack.packer.model.ImportedModel;
import io.wpack.packer.model.ImportedTensor;
import io.wpack.packer.model.ModelImporters;
import io.wpack.packer.policy.LossyStage;
import io.wpack.packer.policy.Presets;
import io.wpack.packer.policy.QuantSpec;
import io.wpack.packer.policy.TensorPolicy;
import io.wpack.patterns.PatternAnalyzer;
import io.wpack.patterns.PatternReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

@Command(name = "mine",
        description = {
                "Show the repeated value and sparsity patterns in quantized weights, and how each",
                "coding scheme would do on them.",
                "",
                "For a package, mines the stored int8/uint8 codes. For a model, first prunes and",
                "quantizes as --quant/--prune/--preset say (default int8:channel, no pruning).",
                "Per tensor: distinct patterns per block shape (1x2, 1x4, 1x8 along the reduction",
                "axis, 2x2, whole kxk kernels), how much of the tensor the top 16/256/4096 patterns",
                "cover, the order-0 entropy H0 in bits per weight, the estimated bits per weight",
                "of Huffman, Huffman on non-zeros, block dictionaries and mask patterns, and the",
                "pick among them and two codecs encoded exactly: huffman-model, and channel-ac on",
                "tensors up to 4 KiB (picked only when 1% smaller, as pack does). pack also tries",
                "the sparse formats (csr, bsr, ...), so it may store a tensor smaller still.",
                "",
                "Examples:",
                "  wpack mine model.onnx --prune magnitude:0.8",
                "  wpack mine model.wpk --json"
        },
        mixinStandardHelpOptions = true,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:other failure", "2:usage error", "3:invalid model or package"})
final class MineCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "MODEL|PKG", description = "A model file, or a .wpk package.")
    Path input;

    @Option(names = "--quant", paramLabel = "SCHEME", description = "Integer quantization for a model (default int8:channel).")
    String quant;

    @Option(names = "--prune", paramLabel = "SCHEME", description = "Pruning for a model, e.g. magnitude:0.8.")
    String prune;

    @Option(names = "--preset", paramLabel = "NAME", description = "A pack preset for a model, e.g. mag80-int8.")
    String preset;

    @Mixin
    JsonMixin json;

    private TensorPolicy policy;

    @Override
    void validate() {
        try {
            String q = quant == null && preset == null ? "int8:channel" : quant;
            if (q != null) {
                QuantSpec.Kind kind = QuantSpec.parse(q).kind();
                if (kind != QuantSpec.Kind.INTEGER && kind != QuantSpec.Kind.CODEBOOK) {
                    throw new UsageException("mining needs integer or codebook codes: use --quant intN or kmeans:K");
                }
            }
            policy = Presets.fromShorthands(preset, q, prune);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    @Override
    ExitCode execute() throws Exception {
        List<PatternReport> reports = new ArrayList<>();
        ProgressReporter progress = new ProgressReporter(err());
        if (input.getFileName().toString().endsWith(".wpk")) {
            try (WpkPackage pkg = WpkPackage.open(input)) {
                int i = 0;
                for (TensorEntry t : pkg.tensors()) {
                    progress.update(t.name(), ++i, pkg.tensors().size());
                    if ((t.storedDtype() == DType.I8 || t.storedDtype() == DType.U8) && t.rank() >= 2
                            && t.elementCount() >= 1) {
                        byte[] codes = pkg.readBytes(t.name(), Representation.STORED);
                        reports.add(PatternAnalyzer.analyse(t.name(), codes, t.shape(),
                                reductionAxis(t.metadata().get("lossy.reduction_axis"), t.rank()),
                                channelAxis(t.metadata().get("lossy.channel_axis"), t.rank())));
                    }
                }
            }
        } else {
            ImportedModel model = ModelImporters.detect(input).importModel(input);
            String source = model.metadata().getOrDefault("source_format", "");
            int i = 0;
            for (ImportedTensor t : model.tensors()) {
                progress.update(t.name(), ++i, model.tensors().size());
                var decision = policy.decide(t);
                if (decision.isLossless() || decision.quant().isLossless()) {
                    continue;
                }
                ImportedTensor q = LossyStage.apply(t, decision, source).tensor();
                if (q.storedDtype() != DType.I8 && q.storedDtype() != DType.U8) {
                    continue;
                }
                byte[] codes;
                try (InputStream in = q.data().open()) {
                    codes = in.readAllBytes();
                }
                reports.add(PatternAnalyzer.analyse(t.name(), codes, t.shape(),
                        reductionAxis(q.metadata().get("lossy.reduction_axis"), t.shape().length),
                        channelAxis(q.metadata().get("lossy.channel_axis"), t.shape().length)));
            }
        }
        progress.done();
        if (json.json) {
            StringBuilder sb = new StringBuilder("{\"input\":");
            JsonOutput.appendQuoted(sb, input.toString()).append(",\"tensors\":[");
            for (int i = 0; i < reports.size(); i++) {
                sb.append(i == 0 ? "" : ",").append(reports.get(i).toJson());
            }
            out().println(sb.append("]}"));
            return ExitCode.OK;
        }
        out().println(PatternReport.tableHeader());
        long n = 0;
        double h0Bits = 0;
        double picked = 0;
        for (PatternReport r : reports) {
            out().println(r.tableRow());
            for (PatternReport.ShapeStats s : r.shapes()) {
                out().printf(Locale.ROOT, "    %-8s %10d blocks %8d distinct values, %6d masks; top 16/256/4096 cover %5.1f%% %5.1f%% %5.1f%%%n",
                        s.shape(), s.blocks(), s.distinctValues(), s.distinctMasks(), 100 * s.coverage16(),
                        100 * s.coverage256(), 100 * s.coverage4096());
            }
            n += r.elements();
            h0Bits += r.h0() * r.elements();
            picked += r.pickedBitsPerWeight() * r.elements();
        }
        if (n > 0) {
            out().printf(Locale.ROOT, "%d tensors, %d weights: order-0 bound %.3f bits/weight, picked schemes %.3f bits/weight (%+.2f%%)%n",
                    reports.size(), n, h0Bits / n, picked / n, 100 * (picked - h0Bits) / h0Bits);
        } else {
            out().println("no int8/uint8 weight tensors to mine");
        }
        return ExitCode.OK;
    }

    private static int reductionAxis(String meta, int rank) {
        return Packer.axisFrom(meta, rank, rank - 1);
    }

    /** The quantizer's channel axis; axis 0 when none is recorded, as the packer assumes. */
    private static int channelAxis(String meta, int rank) {
        return Packer.axisFrom(meta, rank, 0);
    }
}
