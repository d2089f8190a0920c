package io.wpack.quantizer.prune;

import io.wpack.formats.WpkFormatException;
import io.wpack.quantizer.FiniteValues;
import io.wpack.quantizer.WeightView;

import java.util.ArrayList;
import java.util.List;

/**
 * Unstructured magnitude pruning (Han et al., 2015): keep the {@code ceil((1 - s) n)}
 * elements of largest absolute value ({@link Sparsity#keepCount}).
 *
 * <p><b>Ties</b> at the threshold magnitude are broken by position: the earlier elements in
 * row-major order (and, globally, in the order the tensors are given) are kept. So the count
 * kept is always exactly {@code ceil((1 - s) n)}, and the mask is a deterministic function of
 * the values. -0 and +0 have equal magnitude.
 *
 * <p>The threshold is found by a two-pass radix select on the magnitude's float bits (whose
 * integer order is the magnitude order for finite values): O(n), no sorting, and across many
 * tensors without concatenating them.
 */
public final class MagnitudePruner {
    private MagnitudePruner() {
    }

    public static PruningMask prune(WeightView view, double sparsity) throws WpkFormatException {
        return pruneGlobally(List.of(view), sparsity).get(0);
    }

    /** One threshold across all the tensors: {@code ceil((1 - s) N)} survivors of the N elements in total. */
    public static List<PruningMask> pruneGlobally(List<WeightView> views, double sparsity) throws WpkFormatException {
        Sparsity.check(sparsity);
        long total = 0;
        for (WeightView v : views) {
            FiniteValues.require(v);
            total += v.size();
        }
        long keep = Sparsity.keepCount(total, sparsity);

        long[] high = new long[1 << 15];
        for (WeightView v : views) {
            for (float x : v.values()) {
                high[magnitudeBits(x) >>> 16]++;
            }
        }
        // Walk down from the largest magnitudes to the 16-bit prefix that holds the keep-th one.
        long above = 0;
        int prefix = high.length - 1;
        while (prefix > 0 && above + high[prefix] < keep) {
            above += high[prefix];
            prefix--;
        }
        long[] low = new long[1 << 16];
        for (WeightView v : views) {
            for (float x : v.values()) {
                int bits = magnitudeBits(x);
                if (bits >>> 16 == prefix) {
                    low[bits & 0xFFFF]++;
                }
            }
        }
        int suffix = low.length - 1;
        while (suffix > 0 && above + low[suffix] < keep) {
            above += low[suffix];
            suffix--;
        }
        int threshold = (prefix << 16) | suffix;
        long ties = keep - above; // elements equal to the threshold still to keep, earliest first

        List<PruningMask> masks = new ArrayList<>(views.size());
        for (WeightView v : views) {
            float[] values = v.values();
            boolean[] flags = new boolean[values.length];
            for (int i = 0; i < values.length; i++) {
                int bits = magnitudeBits(values[i]);
                if (keep > 0 && bits > threshold) {
                    flags[i] = true;
                } else if (bits == threshold && ties > 0) {
                    flags[i] = true;
                    ties--;
                }
            }
            masks.add(new PruningMask(flags));
        }
        return masks;
    }

    private static int magnitudeBits(float x) {
        return Float.floatToRawIntBits(x) & 0x7FFFFFFF;
    }
}
