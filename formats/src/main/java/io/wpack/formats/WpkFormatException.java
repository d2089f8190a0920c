package io.wpack.formats;

import java.io.IOException;

/**
 * The one exception for bad input: a malformed or corrupt package, an encoded stream that
 * does not decode, or a model file that cannot be imported as it claims to be. Callers
 * that see it know the input, not the program, is at fault; the CLI maps it to exit code 3.
 */
public class WpkFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Byte offset in the input where the problem was found, or -1 when not meaningful. */
    private final long offset;

    public WpkFormatException(String message) {
        this(-1, message, null);
    }

    public WpkFormatException(long offset, String message) {
        this(offset, message, null);
    }

    public WpkFormatException(String message, Throwable cause) {
        this(-1, message, cause);
    }

    public WpkFormatException(long offset, String message, Throwable cause) {
        super(offset >= 0 ? message + " (at byte " + offset + ")" : message, cause);
        this.offset = offset;
    }

    public long offset() {
        return offset;
    }
}
