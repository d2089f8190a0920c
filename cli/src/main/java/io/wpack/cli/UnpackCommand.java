package io.wpack.cli;

import io.wpack.cli.export.Exporter;
import io.wpack.loader.Representation;
import io.wpack.loader.WpkPackage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

@Command(name = "unpack",
        description = {
                "Write every tensor of a package to a .safetensors or .npz file.",
                "",
                "Tensors are written in their logical dtype; for a lossless package the output is",
                "bit-exact with the source model's tensors, and for a lossy one it is bit-exact with",
                "the reconstruction the packer measured its error on. NumPy has no bfloat16 or",
                "float8, so in .npz those are written as their uint16/uint8 bit patterns.",
                "With --keep-quantized, quantized tensors keep their codes and gain side arrays:",
                "  NAME.scales (f32), NAME.zero_points (i32): value = (code - zero_point) * scale,",
                "    shaped [1] per tensor, [C] per channel, or the tensor's shape with the",
                "    reduction axis cut to ceil(R/G) per group;",
                "  NAME.codebook (f32, [books, K]): value = codebook[book, code];",
                "  NAME.nonzero (bool): 1 where the reconstruction is not zero (the pruning mask).",
                "",
                "Examples:",
                "  wpack unpack model.wpk -o weights.safetensors",
                "  wpack unpack model.wpk -o weights.npz --stored",
                "  wpack unpack model.wpk -o codes.safetensors --keep-quantized",
                "  wpack unpack model.wpk -o prepacked.npz --layout blocked:OIhw8i8o",
                "  wpack unpack model.wpk -o sparse.npz --layout bsr:4x4 --layout-match '.*fc.*'",
                "  wpack unpack model.wpk -o patterns.npz --layout kpattern --layout-match '.*conv.*'"
        },
        mixinStandardHelpOptions = true,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:other failure", "2:usage error", "3:corrupt or invalid package"})
final class UnpackCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "PKG", description = "The .wpk package.")
    Path pkgPath;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT",
            description = "Output file; its extension picks the format: .safetensors or .npz.")
    Path output;

    @Option(names = "--stored",
            description = "Write tensors as stored (e.g. the uint8 codes of a TF.js-quantized weight) instead of dequantized.")
    boolean stored;

    @Option(names = "--keep-quantized",
            description = {"Write quantized tensors as their codes (integer codes, codebook indices, f16/f8 bits)",
                    "plus side arrays NAME.scales, NAME.zero_points, NAME.codebook and NAME.nonzero,",
                    "so other runtimes and benchmarks see the exact symbols."})
    boolean keepQuantized;

    @Option(names = "--layout", paramLabel = "SPEC", description = {
            "Write weights in the layout a kernel consumes (no dense copy in between):",
            "  dense[:AXES][:DTYPE]   e.g. dense:OHWI, dense:HWIO:f16, dense:NHWC:f16 (N=O, C=I)",
            "  transposed[:DTYPE]     2-D view [O, rest] transposed",
            "  blocked:FORMAT         oneDNN style, e.g. blocked:OIhw16i16o, blocked:OIhw8i8o",
            "  panels:nrN:krK[:bias]  XNNPACK GEMM panels, e.g. panels:nr8:kr1",
            "  csr | bsr:RxC          scipy/TVM arrays NAME.data, NAME.indices, NAME.indptr",
            "  nm:N:M                 N:M compressed values NAME.values + NAME.metadata",
            "  kpattern               PatDNN kernel patterns of an OIkk weight (k <= 8): NAME.library",
            "                         (u8 0/1 [patterns, k*k]), NAME.pattern_ids (i32, -1 = removed",
            "                         kernel), NAME.values",
            "  bcr:RxC                GRIM block column-row (R, C <= 16): NAME.row_masks, NAME.col_masks",
            "                         (u16 per block), NAME.offsets (i32), NAME.values",
            "  csr, bsr, nm, kpattern and bcr read a tensor stored with the matching sparse codec",
            "  (same view and block) straight from its sparse form, with the same result.",
            "  q8_0 | q4_0            GGUF blocks, byte-compatible with ggml",
            "DTYPE is f32, f16 or bf16. Applies to float tensors of rank >= 2 (kpattern: those with k x k",
            "kernels in the last two axes), or to --layout-match."})
    String layoutSpec;

    @Option(names = "--layout-match", paramLabel = "REGEX", description = "Convert only tensors whose name matches.")
    String layoutMatch;

    @Option(names = "--source-layout", paramLabel = "AXES",
            description = "Axis names of the stored weights when not the default (OIHW for rank 4), e.g. HWIO for TF.js.")
    String sourceLayout;

    private Exporter exporter;
    private io.wpack.loader.layout.Layout layout;

    @Override
    void validate() {
        exporter = Exporter.forPath(output);
        if (exporter == null) {
            throw new UsageException("cannot tell the output format from '" + output.getFileName()
                    + "': use a .safetensors or .npz extension");
        }
        if (layoutSpec != null) {
            try {
                layout = io.wpack.loader.layout.Layout.parse(layoutSpec);
            } catch (IllegalArgumentException e) {
                throw new UsageException("bad --layout: " + e.getMessage());
            }
            if (keepQuantized) {
                throw new UsageException("--layout and --keep-quantized do not combine");
            }
        } else if (layoutMatch != null || sourceLayout != null) {
            throw new UsageException("--layout-match and --source-layout need --layout");
        }
    }

    @Override
    ExitCode execute() throws Exception {
        if (Files.isDirectory(output)) {
            throw new UsageException("output " + output + " is a folder; give a file name");
        }
        try (WpkPackage pkg = WpkPackage.open(pkgPath)) {
            Representation rep = stored ? Representation.STORED : Representation.LOGICAL;
            if (layout != null) {
                var options = io.wpack.loader.layout.LayoutOptions.DEFAULTS.withRepresentation(rep);
                if (sourceLayout != null) {
                    options = options.withSourceLayout(sourceLayout);
                }
                try {
                    exporter.export(pkg, output, rep, false, layout, options,
                            layoutMatch == null ? null : java.util.regex.Pattern.compile(layoutMatch));
                } catch (io.wpack.loader.layout.LayoutException e) {
                    throw new UsageException(e.getMessage());
                }
            } else {
                exporter.export(pkg, output, rep, keepQuantized);
            }
            out().printf(Locale.ROOT, "unpacked %d tensors from %s -> %s (%s)%n", pkg.tensors().size(), pkgPath,
                    output, Reports.bytes(Files.size(output)));
        }
        return ExitCode.OK;
    }
}
