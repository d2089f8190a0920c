package io.wpack.packer.policy;

import java.util.Locale;

/**
 * A pruning choice:
 * <pre>
 *   none | magnitude:S[:global] | nm:N:M | block:RxC:S | bcr:RxC:S | pattern:P:S | filter:S
 * </pre>
 * {@code magnitude:S:global} uses one magnitude threshold across every tensor the rule
 * selects, so that S of their weights together are removed (layers with small weights lose
 * more), instead of S of each tensor.
 * S is the target sparsity in [0, 1); for filter pruning, the fraction of output filters removed.
 */
public record PruneSpec(Kind kind, double sparsity, int n, int m, int rows, int cols, int patterns, boolean global,
                        String text) {

    public enum Kind { NONE, MAGNITUDE, NM, BLOCK, BCR, PATTERN, FILTER }

    public static final PruneSpec NONE = new PruneSpec(Kind.NONE, 0, 0, 0, 0, 0, 0, false, "none");

    public boolean isNone() {
        return kind == Kind.NONE;
    }

    public static PruneSpec parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        String[] p = t.split(":");
        try {
            switch (p[0]) {
                case "none":
                    if (p.length == 1) {
                        return NONE;
                    }
                    break;
                case "magnitude":
                    if (p.length == 2 || p.length == 3 && p[2].equals("global")) {
                        return new PruneSpec(Kind.MAGNITUDE, sparsity(p[1]), 0, 0, 0, 0, 0, p.length == 3, t);
                    }
                    break;
                case "nm":
                    if (p.length == 3) {
                        int n = Integer.parseInt(p[1]);
                        int m = Integer.parseInt(p[2]);
                        if (n < 1 || m < 2 || n >= m || m > 64) {
                            throw new IllegalArgumentException("N:M needs 1 <= N < M <= 64, got " + n + ":" + m);
                        }
                        return new PruneSpec(Kind.NM, 1 - (double) n / m, n, m, 0, 0, 0, false, t);
                    }
                    break;
                case "block":
                case "bcr":
                    if (p.length == 3) {
                        String[] rc = p[1].split("x");
                        if (rc.length != 2) {
                            throw new IllegalArgumentException("block size is RxC, e.g. 4x4");
                        }
                        int r = Integer.parseInt(rc[0]);
                        int c = Integer.parseInt(rc[1]);
                        if (r < 1 || c < 1) {
                            throw new IllegalArgumentException("block size must be positive");
                        }
                        return new PruneSpec(p[0].equals("block") ? Kind.BLOCK : Kind.BCR, sparsity(p[2]), 0, 0, r, c, 0, false, t);
                    }
                    break;
                case "pattern":
                    if (p.length == 3) {
                        int patterns = Integer.parseInt(p[1]);
                        if (patterns < 1 || patterns > 64) {
                            throw new IllegalArgumentException("pattern library size must be 1 to 64");
                        }
                        return new PruneSpec(Kind.PATTERN, sparsity(p[2]), 0, 0, 0, 0, patterns, false, t);
                    }
                    break;
                case "filter":
                    if (p.length == 2) {
                        return new PruneSpec(Kind.FILTER, sparsity(p[1]), 0, 0, 0, 0, 0, false, t);
                    }
                    break;
                default:
                    break;
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cannot read a number in pruning '" + text + "'");
        }
        throw new IllegalArgumentException("unknown pruning '" + text
                + "': use none, magnitude:S[:global], nm:N:M, block:RxC:S, bcr:RxC:S, pattern:P:S or filter:S (e.g. magnitude:0.8)");
    }

    /** This spec with a per-tensor sparsity, keeping its text; used to apply a global threshold. */
    public PruneSpec withTensorSparsity(double s) {
        return new PruneSpec(kind, s, n, m, rows, cols, patterns, false, text);
    }

    private static double sparsity(String s) {
        double v = Double.parseDouble(s);
        if (!(v >= 0 && v < 1)) {
            throw new IllegalArgumentException("sparsity must be in [0, 1), got " + s);
        }
        return v;
    }

    @Override
    public String toString() {
        return text;
    }
}
