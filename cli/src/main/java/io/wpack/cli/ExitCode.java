package io.wpack.cli;

/** Process exit codes, listed in {@code wpack --help}. */
public enum ExitCode {
    OK(0),
    FAILURE(1),
    USAGE(2),
    BAD_INPUT(3);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
