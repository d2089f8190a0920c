package io.wpack.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** Each subcommand validates its options, then executes and returns an exit code. */
abstract class BaseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        validate();
        return execute().code();
    }

    /** Checks option combinations; throws {@link UsageException} for impossible ones. */
    void validate() {
    }

    abstract ExitCode execute() throws Exception;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
