package io.wpack.quantizer.prune;

import io.wpack.formats.WpkFormatException;
import io.wpack.quantizer.FiniteValues;
import io.wpack.quantizer.WeightView;

import java.util.Arrays;

/**
 * Filter (output-channel) pruning, as DNNShifter does it (Eccles et al., 2023): filters that
 * are entirely zero (typically left so by unstructured pruning) are removed, since they
 * compute nothing; then, to reach the target fraction, the filters with the smallest L2 norm
 * (ties: lower index). Of C filters, {@code keepCount(C, fraction)} are kept, or fewer when
 * more than that are all-zero.
 *
 * <p>Filters are the channels of the view ({@link WeightView#channelOf}). Removing filter f
 * also kills input channel f of the layer that consumes this one, which is why the indices
 * are returned.
 */
public final class FilterPruner {
    private FilterPruner() {
    }

    public static FilterPruning prune(WeightView view, double fraction) throws WpkFormatException {
        Sparsity.check(fraction);
        FiniteValues.require(view);
        float[] values = view.values();
        int filters = view.channelCount();
        double[] energy = new double[filters];
        boolean[] nonzero = new boolean[filters];
        for (int i = 0; i < values.length; i++) {
            int f = view.channelOf(i);
            double x = values[i];
            energy[f] += x * x;
            nonzero[f] |= x != 0;
        }
        boolean[] pruned = new boolean[filters];
        int zeroFilters = 0;
        for (int f = 0; f < filters; f++) {
            if (!nonzero[f]) {
                pruned[f] = true;
                zeroFilters++;
            }
        }
        long keep = Sparsity.keepCount(filters, fraction);
        int remaining = filters - zeroFilters;
        for (int f : Ordering.ascending(energy)) {
            if (remaining <= keep) {
                break;
            }
            if (!pruned[f]) {
                pruned[f] = true;
                remaining--;
            }
        }
        int[] indices = new int[filters - remaining];
        int t = 0;
        for (int f = 0; f < filters; f++) {
            if (pruned[f]) {
                indices[t++] = f;
            }
        }
        boolean[] flags = new boolean[values.length];
        for (int i = 0; i < values.length; i++) {
            flags[i] = !pruned[view.channelOf(i)];
        }
        return new FilterPruning(new PruningMask(flags), Arrays.copyOf(indices, t), zeroFilters);
    }
}
