package io.wpack.quantizer.prune;

/**
 * Which elements of a tensor survive pruning: {@code keep[i]} is true for a survivor. The
 * quantizers take {@link #keep()} directly and make every pruned element an exact 0.
 *
 * @param keep one flag per element in row-major order; the array itself, not a copy
 */
public record PruningMask(boolean[] keep) {

    public PruningMask {
        if (keep == null) {
            throw new IllegalArgumentException("keep flags are required");
        }
    }

    /** A mask that keeps everything. */
    public static PruningMask keepAll(int size) {
        boolean[] keep = new boolean[size];
        java.util.Arrays.fill(keep, true);
        return new PruningMask(keep);
    }

    public int size() {
        return keep.length;
    }

    public int keptCount() {
        int kept = 0;
        for (boolean k : keep) {
            if (k) {
                kept++;
            }
        }
        return kept;
    }

    /** Fraction of elements pruned; 0 for an empty tensor. */
    public double sparsity() {
        return keep.length == 0 ? 0 : 1 - (double) keptCount() / keep.length;
    }

    /** A copy of {@code values} with the pruned elements set to +0. */
    public float[] apply(float[] values) {
        if (values.length != keep.length) {
            throw new IllegalArgumentException("mask has " + keep.length + " flags for " + values.length + " values");
        }
        float[] out = values.clone();
        for (int i = 0; i < out.length; i++) {
            if (!keep[i]) {
                out[i] = 0f;
            }
        }
        return out;
    }

    /** Survivors of both masks. */
    public PruningMask and(PruningMask other) {
        if (other.keep.length != keep.length) {
            throw new IllegalArgumentException("masks have " + keep.length + " and " + other.keep.length + " flags");
        }
        boolean[] both = new boolean[keep.length];
        for (int i = 0; i < both.length; i++) {
            both[i] = keep[i] && other.keep[i];
        }
        return new PruningMask(both);
    }
}
