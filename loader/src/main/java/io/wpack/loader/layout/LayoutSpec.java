package io.wpack.loader.layout;

import io.wpack.formats.DTypes;
import io.wpack.formats.proto.DType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The SPEC grammar of {@code wpack unpack --layout SPEC}. Keywords, axis letters and dtypes
 * are case-insensitive; {@link Layout#spec()} prints the canonical form.
 *
 * <pre>
 * spec       = dense | transposed | blocked | panels | csr | bsr | nm | kpattern | bcr | "q8_0" | "q4_0"
 * dense      = "dense" [":" axes] [":" dtype]             dense, dense:OHWI, dense:NHWC:f16, dense:f32
 * transposed = "transposed" [":" dtype]                   matrix view [rows, cols] as [cols, rows]
 * blocked    = "blocked:" format [":" dtype]              blocked:OIhw16i16o, blocked:OIhw4i16o4i
 * format     = letter {letter} {int letter}               outer dims, then inner blocks outermost first
 * panels     = "panels" [":" axes] ":nr" int ":kr" int [":bias"] [":" dtype]
 *                                                          panels:nr8:kr1, panels:nr8:kr4:bias
 * csr        = "csr" [":" dtype]
 * bsr        = "bsr:" int "x" int [":" dtype]             bsr:4x4 (block rows x block columns)
 * nm         = "nm:" int ":" int [":" dtype]              nm:2:4 (N kept of every M)
 * kpattern   = "kpattern" [":" dtype]                     PatDNN kernel patterns of a [..., k, k] weight, k &lt;= 8
 * bcr        = "bcr:" int "x" int [":" dtype]             bcr:4x4 (GRIM block column-row, R and C &lt;= 16)
 * axes       = letter {letter}                             each letter once; see SourceAxes
 * dtype      = "f32" | "f16" | "bf16"                     float tensors only; default: keep the tensor's
 * int        = 1 to 65536 (N:M: 2 &lt;= M &lt;= 256, 1 &lt;= N &lt;= M)
 * </pre>
 *
 * A bad SPEC is a {@link LayoutException} that says what was expected.
 */
public final class LayoutSpec {
    private static final List<DType> VALUE_DTYPES = Arrays.asList(DType.F32, DType.F16, DType.BF16);

    private LayoutSpec() {
    }

    public static Layout parse(String spec) {
        if (spec == null || spec.trim().isEmpty()) {
            throw new LayoutException("empty layout SPEC; expected e.g. dense:OHWI, blocked:OIhw16i16o, "
                    + "panels:nr8:kr1, csr, bsr:4x4, nm:2:4, kpattern, bcr:4x4, q8_0, q4_0");
        }
        String s = spec.trim();
        List<String> parts = new ArrayList<>(Arrays.asList(s.split(":", -1)));
        String kind = parts.remove(0).toLowerCase(Locale.ROOT);
        for (String p : parts) {
            if (p.isEmpty()) {
                throw new LayoutException("layout '" + s + "': empty field between ':'");
            }
        }
        DType dtype = null;
        if (!parts.isEmpty()) {
            String last = parts.get(parts.size() - 1);
            dtype = dtypeOrNull(last);
            if (dtype != null) {
                parts.remove(parts.size() - 1);
            } else if (DTypes.fromName(last) != null) {
                throw new LayoutException("layout '" + s + "': values convert to f32, f16 and bf16 only, not " + last);
            }
        }
        switch (kind) {
            case "dense":
                expectAtMost(s, parts, 1, "dense[:AXES][:DTYPE]");
                return new Layout.Dense(parts.isEmpty() ? "" : letters(s, parts.get(0)), dtype);
            case "transposed":
                expectAtMost(s, parts, 0, "transposed[:DTYPE]");
                return new Layout.Transposed(dtype);
            case "blocked":
                if (parts.size() != 1) {
                    throw usage(s, "blocked:FORMAT[:DTYPE], e.g. blocked:OIhw16i16o");
                }
                return new Layout.Blocked(blockedDims(s, parts.get(0)), dtype);
            case "panels":
                return panels(s, parts, dtype);
            case "csr":
                expectAtMost(s, parts, 0, "csr[:DTYPE]");
                return new Layout.Csr(dtype);
            case "bsr": {
                if (parts.size() != 1) {
                    throw usage(s, "bsr:RxC[:DTYPE], e.g. bsr:4x4");
                }
                String[] rc = parts.get(0).toLowerCase(Locale.ROOT).split("x", -1);
                if (rc.length != 2) {
                    throw usage(s, "bsr:RxC[:DTYPE], e.g. bsr:4x4");
                }
                return new Layout.Bsr(number(s, rc[0]), number(s, rc[1]), dtype);
            }
            case "kpattern":
                expectAtMost(s, parts, 0, "kpattern[:DTYPE]");
                return new Layout.KernelPattern(dtype);
            case "bcr": {
                String form = "bcr:RxC[:DTYPE], e.g. bcr:4x4";
                String[] rc = parts.size() == 1 ? parts.get(0).toLowerCase(Locale.ROOT).split("x", -1) : new String[0];
                if (rc.length != 2) {
                    throw usage(s, form);
                }
                return new Layout.Bcr(number(s, rc[0]), number(s, rc[1]), dtype);
            }
            case "nm":
                if (parts.size() != 2) {
                    throw usage(s, "nm:N:M[:DTYPE], e.g. nm:2:4");
                }
                return new Layout.NM(number(s, parts.get(0)), number(s, parts.get(1)), dtype);
            case "q8_0":
            case "q4_0":
                if (!parts.isEmpty() || dtype != null) {
                    throw usage(s, kind + " takes no options");
                }
                return kind.equals("q8_0") ? new Layout.Q8_0() : new Layout.Q4_0();
            default:
                throw new LayoutException("unknown layout '" + kind + "' in '" + s
                        + "'; expected dense, transposed, blocked, panels, csr, bsr, nm, kpattern, bcr, q8_0 or q4_0");
        }
    }

    private static Layout panels(String s, List<String> parts, DType dtype) {
        String form = "panels[:AXES]:nrN:krK[:bias][:DTYPE], e.g. panels:nr8:kr1";
        int i = 0;
        String axes = "";
        if (i < parts.size() && isLetters(parts.get(i))) {
            axes = parts.get(i++);
            if (axes.equalsIgnoreCase("bias")) {
                throw usage(s, form);
            }
        }
        if (i >= parts.size() || !parts.get(i).toLowerCase(Locale.ROOT).startsWith("nr")) {
            throw usage(s, form);
        }
        int nr = number(s, parts.get(i++).substring(2));
        if (i >= parts.size() || !parts.get(i).toLowerCase(Locale.ROOT).startsWith("kr")) {
            throw usage(s, form);
        }
        int kr = number(s, parts.get(i++).substring(2));
        boolean bias = false;
        if (i < parts.size() && parts.get(i).equalsIgnoreCase("bias")) {
            bias = true;
            i++;
        }
        if (i != parts.size()) {
            throw usage(s, form);
        }
        return new Layout.Panels(axes, nr, kr, bias, dtype);
    }

    private static List<Layout.BlockedDim> blockedDims(String s, String format) {
        List<Layout.BlockedDim> dims = new ArrayList<>();
        int i = 0;
        int n = format.length();
        while (i < n && Character.isLetter(format.charAt(i))) {
            dims.add(new Layout.BlockedDim(upperLetter(s, format.charAt(i)), 0));
            i++;
        }
        while (i < n) {
            int start = i;
            while (i < n && format.charAt(i) >= '0' && format.charAt(i) <= '9') {
                i++;
            }
            if (start == i || i == n || !Character.isLetter(format.charAt(i))) {
                throw usage(s, "a blocked FORMAT is outer axis letters then inner blocks like 16i, "
                        + "e.g. OIhw16i16o");
            }
            int block = number(s, format.substring(start, i));
            if (block == 0) {
                throw new LayoutException("layout '" + s + "': an inner block of size 0");
            }
            dims.add(new Layout.BlockedDim(upperLetter(s, format.charAt(i)), block));
            i++;
        }
        return dims;
    }

    private static DType dtypeOrNull(String token) {
        String t = token.toLowerCase(Locale.ROOT);
        switch (t) {
            case "f32":
                return DType.F32;
            case "f16":
                return DType.F16;
            case "bf16":
                return DType.BF16;
            default:
                return null;
        }
    }

    private static void expectAtMost(String s, List<String> parts, int max, String form) {
        if (parts.size() > max) {
            throw usage(s, form);
        }
    }

    private static LayoutException usage(String s, String expected) {
        return new LayoutException("layout '" + s + "' does not parse; expected " + expected);
    }

    private static int number(String s, String digits) {
        if (digits.isEmpty() || digits.length() > 6) {
            throw new LayoutException("layout '" + s + "': '" + digits + "' is not a size in 1.." + Layout.MAX_BLOCK);
        }
        int v = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                throw new LayoutException("layout '" + s + "': '" + digits + "' is not a number");
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static boolean isLetters(String t) {
        if (t.isEmpty()) {
            return false;
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
                return false;
            }
        }
        return true;
    }

    private static String letters(String s, String t) {
        if (!isLetters(t)) {
            String hint = dtypeHint(t);
            throw new LayoutException("layout '" + s + "': '" + t + "' is neither axis letters (like OHWI) nor "
                    + "a dtype (f32, f16, bf16)" + hint);
        }
        return t;
    }

    private static String dtypeHint(String t) {
        return t.matches("(?i)[a-z]+[0-9]+") ? "; only f32, f16 and bf16 are supported targets" : "";
    }

    private static char upperLetter(String s, char c) {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
            throw new LayoutException("layout '" + s + "': '" + c + "' is not an axis letter");
        }
        return Character.toUpperCase(c);
    }

    // ---- validation shared with the Layout records' constructors ----

    static String checkAxes(String axes, String what) {
        String up = axes.toUpperCase(Locale.ROOT);
        for (int i = 0; i < up.length(); i++) {
            char c = up.charAt(i);
            if (c < 'A' || c > 'Z') {
                throw new LayoutException(what + ": '" + axes + "' must be axis letters");
            }
            if (up.indexOf(c) != i) {
                throw new LayoutException(what + ": axis " + c + " appears twice in '" + axes + "'");
            }
        }
        return up;
    }

    static void checkValueDtype(DType d) {
        if (d != null && !VALUE_DTYPES.contains(d)) {
            throw new LayoutException("a layout converts values to f32, f16 or bf16 only, not "
                    + Layout.dtypeName(d));
        }
    }

    static void checkRange(int v, int min, int max, String what) {
        if (v < min || v > max) {
            throw new LayoutException(what + " is " + v + ", must be in " + min + ".." + max);
        }
    }

    static void checkBlocked(List<Layout.BlockedDim> dims) {
        StringBuilder outer = new StringBuilder();
        boolean inner = false;
        for (Layout.BlockedDim d : dims) {
            if (d.block() == 0) {
                if (inner) {
                    throw new LayoutException("blocked: outer axis " + d.axis() + " after an inner block; "
                            + "write outer axes first, e.g. OIhw16i16o");
                }
                if (outer.indexOf(String.valueOf(d.axis())) >= 0) {
                    throw new LayoutException("blocked: axis " + d.axis() + " appears twice as an outer axis");
                }
                outer.append(d.axis());
            } else {
                inner = true;
            }
        }
        if (outer.length() == 0) {
            throw new LayoutException("blocked: no outer axes");
        }
        long total = 1;
        for (Layout.BlockedDim d : dims) {
            if (d.block() > 0) {
                if (outer.indexOf(String.valueOf(d.axis())) < 0) {
                    throw new LayoutException("blocked: inner block " + d.block() + Character.toLowerCase(d.axis())
                            + " of an axis that is not among the outer axes " + outer);
                }
                total *= d.block();
                if (total > Layout.MAX_BLOCK) {
                    throw new LayoutException("blocked: inner blocks hold more than " + Layout.MAX_BLOCK
                            + " elements");
                }
            }
        }
    }

    static String join(String head, String option, DType dtype) {
        StringBuilder sb = new StringBuilder(head);
        if (option != null) {
            sb.append(':').append(option);
        }
        if (dtype != null) {
            sb.append(':').append(Layout.dtypeName(dtype));
        }
        return sb.toString();
    }
}
