package io.wpack.cli;

import io.wpack.packer.PackOptions;
import io.wpack.packer.PackReport;
import io.wpack.packer.Packer;
import io.wpack.packer.demo.DemoModel;
import io.wpack.packer.model.ModelImporters;
import io.wpack.loader.WpkPackage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

@Command(name = "demo",
        description = {
                "Pack the small CNN that ships with wpack and show what happened.",
                "",
                "Writes demo.onnx, packs it to demo.wpk, prints the per-tensor report, then loads",
                "every tensor back through the loader and checks it is bit-exact with the model.",
                "Files go to a temporary folder that is removed afterwards, unless --dir is given."
        },
        mixinStandardHelpOptions = true,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:failure"})
final class DemoCommand extends BaseCommand {
    @Option(names = "--dir", paramLabel = "DIR", description = "Keep demo.onnx and demo.wpk in this folder.")
    Path dir;

    @Mixin
    JsonMixin json;

    @Override
    ExitCode execute() throws Exception {
        Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("wpack-demo");
        try {
            Path model = work.resolve("demo.onnx");
            Path pkg = work.resolve("demo.wpk");
            DemoModel.write(model);
            var imported = ModelImporters.detect(model).importModel(model);
            PackReport report = new Packer(PackOptions.defaults()).pack(imported, pkg, null);
            int mismatches = 0;
            try (WpkPackage loaded = WpkPackage.open(pkg)) {
                for (var t : imported.tensors()) {
                    byte[] original;
                    try (var in = t.data().open()) {
                        original = in.readAllBytes();
                    }
                    if (!Arrays.equals(original, loaded.readBytes(t.name()))) {
                        mismatches++;
                        err().println("wpack demo: tensor " + t.name() + " did not round-trip");
                    }
                }
            }
            List<Reports.Row> rows = Reports.rows(report);
            if (json.json) {
                JsonOutput j = new JsonOutput().beginObject().field("model", model.toString())
                        .field("package", pkg.toString()).field("bit_exact", mismatches == 0);
                Reports.writeJson(j, rows, report.inputBytes(), report.outputBytes(), report.metadata(), true);
                out().println(j.endObject());
            } else {
                out().printf(Locale.ROOT, "wpack demo: packing %s (ONNX, %s)%n%n", model,
                        Reports.bytes(Files.size(model)));
                Reports.printTable(out(), rows, true);
                out().println();
                Reports.printTotals(out(), rows.size(), report.params(), report.inputBytes(), report.outputBytes());
                out().printf(Locale.ROOT, "loaded back: %s%n", mismatches == 0
                        ? "all " + rows.size() + " tensors bit-exact" : mismatches + " tensors differ");
                if (dir != null) {
                    out().printf(Locale.ROOT, "kept %s and %s; try: wpack inspect %s%n", model, pkg, pkg);
                }
            }
            return mismatches == 0 ? ExitCode.OK : ExitCode.FAILURE;
        } finally {
            if (dir == null) {
                try (Stream<Path> s = Files.walk(work)) {
                    for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }
}
