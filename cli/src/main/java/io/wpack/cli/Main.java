package io.wpack.cli;

import io.wpack.formats.WpkFormatException;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.AccessDeniedException;

/** Entry point. {@link #mainWithoutExit} is what tests call. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(mainWithoutExit(args));
    }

    public static int mainWithoutExit(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs the CLI with the given output streams and returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine(out, err);
        return cl.execute(args);
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new WpackCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter e = commandLine.getErr();
            Throwable cause = ex;
            if (cause instanceof UncheckedIOException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof WpkFormatException) {
                e.println("wpack: invalid input: " + cause.getMessage());
                e.flush();
                return ExitCode.BAD_INPUT.code();
            }
            if (cause instanceof NoSuchFileException) {
                e.println("wpack: no such file: " + cause.getMessage());
                e.flush();
                return ExitCode.FAILURE.code();
            }
            if (cause instanceof AccessDeniedException) {
                e.println("wpack: permission denied: " + cause.getMessage());
                e.flush();
                return ExitCode.FAILURE.code();
            }
            if (cause instanceof UsageException) {
                e.println("wpack: " + cause.getMessage());
                e.println("Try 'wpack " + commandLine.getCommandName() + " --help' for usage.");
                e.flush();
                return ExitCode.USAGE.code();
            }
            if (cause instanceof IOException) {
                e.println("wpack: I/O error: " + cause.getMessage());
                e.flush();
                return ExitCode.FAILURE.code();
            }
            if (cause instanceof OutOfMemoryError) {
                e.println("wpack: out of memory: raise the heap with JAVA_OPTS=-Xmx...");
                e.flush();
                return ExitCode.FAILURE.code();
            }
            e.println("wpack: internal error: " + cause);
            cause.printStackTrace(e);
            e.flush();
            return ExitCode.FAILURE.code();
        });
        return cl;
    }
}
