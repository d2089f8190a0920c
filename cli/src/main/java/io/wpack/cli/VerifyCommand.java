package io.wpack.cli;

import io.wpack.formats.TensorEntry;
import io.wpack.loader.ByteSink;
import io.wpack.loader.Representation;
import io.wpack.loader.WpkPackage;
import io.wpack.loader.WpkStreamLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

@Command(name = "verify",
        description = {
                "Decode every tensor and check every checksum, padding byte and size.",
                "",
                "Reads the whole package in one streaming pass, exactly as a runtime would, so",
                "any corrupt or truncated byte is reported, naming the tensor it belongs to.",
                "",
                "Example:",
                "  wpack verify model.wpk && echo intact"
        },
        mixinStandardHelpOptions = true,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the package is intact", "1:other failure", "2:usage error",
                "3:corrupt or invalid package"})
final class VerifyCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "PKG", description = "The .wpk package ('-' reads standard input).")
    String pkg;

    @Option(names = {"-q", "--quiet"}, description = "Print nothing on success.")
    boolean quiet;

    @Mixin
    JsonMixin json;

    @Override
    ExitCode execute() throws Exception {
        ProgressReporter progress = new ProgressReporter(err());
        long start = System.nanoTime();
        final long[] decoded = {0};
        final List<TensorEntry>[] seen = new List[1];
        try (InputStream in = pkg.equals("-") ? System.in
                : new BufferedInputStream(Files.newInputStream(Path.of(pkg)), 1 << 20)) {
            new WpkStreamLoader(Representation.LOGICAL).load(in, new WpkStreamLoader.Consumer() {
                long total;

                @Override
                public void onManifest(List<TensorEntry> tensors, java.util.Map<String, String> metadata) {
                    seen[0] = tensors;
                    for (TensorEntry t : tensors) {
                        total += t.logicalBytes();
                    }
                }

                @Override
                public ByteSink sinkFor(TensorEntry t) {
                    return new DiscardingSink(WpkPackage.outputBytes(t, Representation.LOGICAL));
                }

                @Override
                public void onTensor(TensorEntry t, ByteSink sink) {
                    decoded[0] += sink.size();
                    progress.update(t.name(), decoded[0], total);
                }
            });
        }
        progress.done();
        double secs = (System.nanoTime() - start) / 1e9;
        long size = pkg.equals("-") ? -1 : Files.size(Path.of(pkg));
        List<Reports.Row> rows = Reports.rows(seen[0]);
        if (json.json) {
            JsonOutput j = new JsonOutput().beginObject().field("package", pkg).field("ok", true)
                    .field("decoded_bytes", decoded[0]).field("seconds", secs);
            long input = 0;
            for (Reports.Row r : rows) {
                input += r.inputBytes();
            }
            Reports.writeJson(j, rows, input, size, java.util.Map.of(), false);
            out().println(j.endObject());
        } else if (!quiet) {
            out().printf(Locale.ROOT, "%s: OK, %d tensors, %s decoded in %.2f s%n", pkg, rows.size(),
                    Reports.bytes(decoded[0]), secs);
        }
        return ExitCode.OK;
    }

    /** Decodes into a reused scratch window and drops the bytes: verify needs only the checks. */
    private static final class DiscardingSink implements ByteSink {
        private static final ThreadLocal<ByteBuffer> SCRATCH = ThreadLocal.withInitial(() -> ByteBuffer.allocate(0));
        private final long size;

        DiscardingSink(long size) {
            this.size = size;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public ByteBuffer window(long offset, int length) {
            ByteBuffer b = SCRATCH.get();
            if (b.capacity() < length) {
                b = ByteBuffer.allocate(length);
                SCRATCH.set(b);
            }
            b.clear().limit(length);
            return b.slice();
        }

        @Override
        public void write(long offset, ByteBuffer src) {
            src.position(src.limit());
        }
    }
}
