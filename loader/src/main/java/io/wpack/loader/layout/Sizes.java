package io.wpack.loader.layout;

/** Overflow-checked size arithmetic for layout outputs; an overflow is a layout that cannot be produced. */
final class Sizes {
    private Sizes() {
    }

    static long multiply(long a, long b, String what) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new LayoutException(what + " overflows 64 bits");
        }
    }

    static long add(long a, long b, String what) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new LayoutException(what + " overflows 64 bits");
        }
    }

    static long roundUp(long a, long multiple, String what) {
        return multiply(PositionMap.ceilDiv(a, multiple), multiple, what);
    }

    /** Narrows a size for an array the loader allocates itself. */
    static int arraySize(long bytes, String what) {
        if (bytes < 0 || bytes > Integer.MAX_VALUE - 8) {
            throw new LayoutException(what + " (" + bytes + " bytes) does not fit in one array; "
                    + "pass sinks for the parts (e.g. ByteSinks.allocateLarge)");
        }
        return (int) bytes;
    }
}
