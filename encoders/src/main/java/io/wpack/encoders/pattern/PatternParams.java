package io.wpack.encoders.pattern;

import io.wpack.formats.WpkFormatException;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Parsing of manifest stage parameters; anything unexpected is "needs a newer wpack". */
final class PatternParams {
    private PatternParams() {
    }

    /** Requires exactly the keys {@code names}, and returns {@code key} as an integer in [min, max]. */
    static int intParam(String codec, Map<String, String> params, String key, int min, int max, String... names)
            throws WpkFormatException {
        Set<String> expected = new HashSet<>(Arrays.asList(names));
        if (!params.keySet().equals(expected)) {
            throw new WpkFormatException("codec '" + codec + "' needs exactly the parameters " + Arrays.toString(names)
                    + ", not " + params.keySet() + ": the package may need a newer wpack");
        }
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
}
