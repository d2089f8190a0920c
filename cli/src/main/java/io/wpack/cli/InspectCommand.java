package io.wpack.cli;

import io.wpack.formats.FormatVersion;
import io.wpack.formats.TensorEntry;
import io.wpack.loader.WpkPackage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

@Command(name = "inspect",
        description = {
                "Show a package's metadata and per-tensor table without decoding any tensor.",
                "",
                "Reads only the header, manifest and footer, so it is instant on any size.",
                "",
                "Example:",
                "  wpack inspect model.wpk --json | jq '.tensors[] | select(.bits_per_weight > 16)'"
        },
        mixinStandardHelpOptions = true,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:other failure", "2:usage error", "3:corrupt or invalid package"})
final class InspectCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "PKG", description = "The .wpk package.")
    Path pkgPath;

    @Mixin
    JsonMixin json;

    @Override
    ExitCode execute() throws Exception {
        try (WpkPackage pkg = WpkPackage.open(pkgPath)) {
            List<TensorEntry> tensors = pkg.tensors();
            List<Reports.Row> rows = Reports.rows(tensors);
            long input = 0;
            long params = 0;
            for (Reports.Row r : rows) {
                input += r.inputBytes();
                params += r.params();
            }
            long size = Files.size(pkgPath);
            if (json.json) {
                JsonOutput j = new JsonOutput().beginObject().field("package", pkgPath.toString())
                        .field("format_version", pkg.file().header().version())
                        .field("alignment", pkg.file().header().alignment());
                Reports.writeJson(j, rows, input, size, pkg.metadata(), false);
                out().println(j.endObject());
            } else {
                out().printf(Locale.ROOT, "%s: wpack package, format version %d (this wpack reads %d to %d), alignment %d%n",
                        pkgPath, pkg.file().header().version(), FormatVersion.OLDEST_READABLE, FormatVersion.CURRENT,
                        pkg.file().header().alignment());
                pkg.metadata().forEach((k, v) -> out().printf(Locale.ROOT, "  %-20s %s%n", k, v));
                out().println();
                Reports.printTable(out(), rows, false);
                Reports.printTotals(out(), rows.size(), params, input, size);
            }
        }
        return ExitCode.OK;
    }
}
