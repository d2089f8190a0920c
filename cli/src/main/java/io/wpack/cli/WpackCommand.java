package io.wpack.cli;

import picocli.CommandLine.Command;

@Command(name = "wpack",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = {
                "Compresses neural-network weights into checksummed .wpk packages and reads them back.",
                "",
                "A typical build pipeline runs:",
                "  wpack pack model.onnx -o model.wpk",
                "  wpack verify model.wpk",
                "and runtimes link the wpack loader to stream tensors out of model.wpk."
        },
        subcommands = {PackCommand.class, InspectCommand.class, VerifyCommand.class, UnpackCommand.class, MineCommand.class,
                DemoCommand.class, picocli.CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:success",
                "1:other failure (I/O error, missing file, internal error)",
                "2:usage error (unknown option, impossible combination)",
                "3:corrupt or invalid package or model"
        })
public final class WpackCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing command: choose one of pack, inspect, verify, unpack, mine, demo");
    }
}
