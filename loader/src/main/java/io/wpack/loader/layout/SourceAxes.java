package io.wpack.loader.layout;

import java.util.Locale;

/**
 * Names of a tensor's axes, one letter each, so that target layouts can say where each axis
 * goes. The caller declares them ({@link LayoutOptions#sourceLayout}); otherwise they follow
 * the ONNX/PyTorch weight convention by rank: {@code O} (1), {@code OI} (2), {@code OIW} (3),
 * {@code OIHW} (4), {@code OIDHW} (5). Other ranks have no default.
 *
 * <p>Target letters must be a permutation of the source letters. Failing that, they are
 * matched once more with {@code N} read as {@code O} and {@code C} as {@code I}, the
 * activation names that runtimes also use for weights: so {@code dense:NHWC} on an OIHW
 * weight means OHWI, as TFLite calls it.
 */
public final class SourceAxes {
    private static final String[] DEFAULTS = {"", "O", "OI", "OIW", "OIHW", "OIDHW"};

    private SourceAxes() {
    }

    /** The source axis letters for a tensor of this rank, upper case; null when none apply. */
    public static String names(int rank, String declared) {
        if (declared != null) {
            String up = LayoutSpec.checkAxes(declared, "source layout");
            if (up.length() != rank) {
                throw new LayoutException("source layout '" + declared + "' names " + up.length()
                        + " axes but the tensor has rank " + rank);
            }
            return up;
        }
        return rank < DEFAULTS.length ? DEFAULTS[rank] : null;
    }

    /** Like {@link #names} but a missing default is an error naming what needs the axes. */
    static String require(int rank, String declared, String what) {
        String n = names(rank, declared);
        if (n == null) {
            throw new LayoutException(what + " names axes, but a rank-" + rank
                    + " tensor has no default axis names; declare its source layout");
        }
        return n;
    }

    /**
     * For each target letter, the index of the source axis it names.
     *
     * @throws LayoutException unless {@code target} is a permutation of {@code source}, directly
     *     or with N/C read as O/I
     */
    public static int[] permutation(String source, String target) {
        String t = target.toUpperCase(Locale.ROOT);
        int[] p = match(source, t);
        if (p == null) {
            p = match(canonical(source), canonical(t));
        }
        if (p == null) {
            throw new LayoutException("axes '" + target + "' are not a permutation of the source axes '" + source
                    + "'; declare the source layout if the default is wrong");
        }
        return p;
    }

    private static int[] match(String source, String target) {
        if (source.length() != target.length()) {
            return null;
        }
        int[] p = new int[target.length()];
        boolean[] used = new boolean[source.length()];
        for (int i = 0; i < target.length(); i++) {
            int a = source.indexOf(target.charAt(i));
            if (a < 0 || used[a] || source.indexOf(target.charAt(i), a + 1) >= 0) {
                return null;
            }
            used[a] = true;
            p[i] = a;
        }
        return p;
    }

    private static String canonical(String axes) {
        return axes.replace('N', 'O').replace('C', 'I');
    }
}
