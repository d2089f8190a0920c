package io.wpack.quantizer.prune;

/** The sparsity-target arithmetic every pruner shares. */
public final class Sparsity {
    private Sparsity() {
    }

    /**
     * Survivors for a target sparsity s: {@code ceil((1 - s) * n)}. A product within 1e-9
     * (relative) of an integer counts as that integer, so that s = 0.3 of 10 keeps 7 and not
     * 8 because 0.3 has no exact binary form.
     */
    public static long keepCount(long n, double sparsity) {
        check(sparsity);
        if (n < 0) {
            throw new IllegalArgumentException("negative count " + n);
        }
        double exact = (1 - sparsity) * n;
        double nearest = Math.rint(exact);
        long keep = Math.abs(exact - nearest) <= 1e-9 * Math.max(1, exact) ? (long) nearest : (long) Math.ceil(exact);
        return Math.max(0, Math.min(n, keep));
    }

    static void check(double sparsity) {
        if (!(sparsity >= 0 && sparsity <= 1)) {
            throw new IllegalArgumentException("sparsity must be in [0, 1]: " + sparsity);
        }
    }
}
