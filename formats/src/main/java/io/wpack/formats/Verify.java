package io.wpack.formats;

/**
 * Checks on untrusted input. Every check goes through here so that bad input always
 * surfaces as {@link WpkFormatException} and never as an assertion or runtime exception.
 */
public final class Verify {
    private Verify() {
    }

    public static void verify(boolean condition, long offset, String format, Object... args)
            throws WpkFormatException {
        if (!condition) {
            throw new WpkFormatException(offset, args.length == 0 ? format : String.format(format, args));
        }
    }

    public static void verify(boolean condition, String format, Object... args) throws WpkFormatException {
        verify(condition, -1, format, args);
    }

    /** {@code a * b} for non-negative sizes, or a format error when it overflows a long. */
    public static long multiplySize(long a, long b, String what) throws WpkFormatException {
        verify(a >= 0 && b >= 0, "%s is negative", what);
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new WpkFormatException(what + " overflows 64 bits");
        }
    }

    /** {@code a + b} for non-negative sizes, or a format error when it overflows a long. */
    public static long addSize(long a, long b, String what) throws WpkFormatException {
        verify(a >= 0 && b >= 0, "%s is negative", what);
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new WpkFormatException(what + " overflows 64 bits");
        }
    }

    /** Narrows a size to an int index, for buffers that Java arrays can hold. */
    public static int toIntSize(long size, String what) throws WpkFormatException {
        verify(size >= 0 && size <= Integer.MAX_VALUE - 8, "%s (%d bytes) does not fit in one buffer", what, size);
        return (int) size;
    }
}
