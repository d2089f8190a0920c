package io.wpack.encoders.sparse;

import io.wpack.formats.WpkFormatException;

import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Manifest stage parameters that are integers, written in a fixed order: the shape-configured
 * codecs' (sparse storage, {@code huffman-rows}, {@code channel-ac}) and the pattern codecs'. Anything
 * unexpected when reading is "needs a newer wpack", an out-of-range value or a shape whose size
 * overflows an int is a corrupt stage.
 */
public final class SparseParams {
    public static final String ROWS = "rows";
    public static final String COLS = "cols";
    public static final String BLOCK_ROWS = "blockRows";
    public static final String BLOCK_COLS = "blockCols";
    public static final String WIDTH = "width";

    private SparseParams() {
    }

    /** Requires exactly the keys {@code names}. */
    public static void requireKeys(String codec, Map<String, String> params, String... names) throws WpkFormatException {
        Set<String> expected = new HashSet<>(Arrays.asList(names));
        if (!params.keySet().equals(expected)) {
            throw new WpkFormatException("codec '" + codec + "' needs exactly the parameters " + Arrays.toString(names)
                    + ", not " + params.keySet() + ": the package may need a newer wpack");
        }
    }

    /**
     * {@code rows} and {@code cols} of a stage over a rows × cols matrix of one-byte elements:
     * requires exactly the keys rows, cols, width (= 1) and {@code extra}, and a product that fits
     * an int. The caller reads the extra keys.
     */
    public static int[] matrix(String codec, Map<String, String> params, String... extra) throws WpkFormatException {
        String[] keys = Arrays.copyOf(new String[] {ROWS, COLS, WIDTH}, 3 + extra.length);
        System.arraycopy(extra, 0, keys, 3, extra.length);
        requireKeys(codec, params, keys);
        int rows = intParam(codec, params, ROWS, 1, Integer.MAX_VALUE);
        int cols = intParam(codec, params, COLS, 1, Integer.MAX_VALUE);
        intParam(codec, params, WIDTH, 1, 1);
        size(codec, rows, cols);
        return new int[] {rows, cols};
    }

    /** {@code key} as an integer in [min, max], written without sign or leading zeros. */
    public static int intParam(String codec, Map<String, String> params, String key, int min, int max)
            throws WpkFormatException {
        String text = params.get(key);
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new WpkFormatException("codec '" + codec + "' has " + key + " '" + text + "', not an integer");
        }
        if (value < min || value > max || !Integer.toString(value).equals(text)) {
            throw new WpkFormatException("codec '" + codec + "' has " + key + " '" + text + "'; this wpack knows "
                    + min + ".." + max);
        }
        return value;
    }

    /** The product of {@code dims}, or WpkFormatException when it does not fit an int. */
    public static int size(String codec, int... dims) throws WpkFormatException {
        try {
            return product(dims);
        } catch (IllegalArgumentException e) {
            throw new WpkFormatException("codec '" + codec + "' has a shape " + Arrays.toString(dims)
                    + " of more than 2^31 - 1 elements");
        }
    }

    /** The product of {@code dims}, or IllegalArgumentException when it does not fit an int. */
    public static int product(int... dims) {
        int size = 1;
        try {
            for (int d : dims) {
                size = Math.multiplyExact(size, d);
            }
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " has more than 2^31 - 1 elements", e);
        }
        return size;
    }

    public static void checkRange(String codec, String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(codec + " " + key + " is " + min + ".." + max + ", not " + value);
        }
    }

    /** Parameters in the given order: name, value, name, value... */
    public static Map<String, String> ordered(Object... namesAndValues) {
        Map<String, String> p = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            p.put((String) namesAndValues[i], String.valueOf(namesAndValues[i + 1]));
        }
        return java.util.Collections.unmodifiableMap(p);
    }
}
