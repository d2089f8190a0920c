package io.wpack.cli;

import picocli.CommandLine.Option;

/** {@code --json}: print only JSON on stdout, for pipelines. */
final class JsonMixin {
    @Option(names = "--json", description = "Print only JSON on stdout (for pipelines); messages still go to stderr.")
    boolean json;
}
