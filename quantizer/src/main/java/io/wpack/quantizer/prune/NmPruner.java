package io.wpack.quantizer.prune;

import io.wpack.formats.WpkFormatException;
import io.wpack.quantizer.FiniteValues;
import io.wpack.quantizer.WeightView;

import java.util.Arrays;

/**
 * N:M semi-structured sparsity (NVIDIA Ampere 2:4; Zhou et al., 2021): along the reduction
 * axis, every run of M consecutive weights keeps exactly its N largest magnitudes, so a
 * kernel can skip the pruned multiplications in fixed-size steps.
 *
 * <p>Runs follow {@link WeightView}'s groups: each line along the reduction axis is cut at
 * multiples of M. When M does not divide the axis, the last run of length L keeps
 * {@code ceil(N L / M)}, the same density rounded up. Ties in magnitude keep the
 * earlier position.
 */
public final class NmPruner {
    private NmPruner() {
    }

    /** N survivors in every run of M, 1 &le; N &le; M &le; 65536. */
    public static PruningMask prune(WeightView view, int n, int m) throws WpkFormatException {
        if (m < 1 || m > 65536 || n < 1 || n > m) {
            throw new IllegalArgumentException("need 1 <= N <= M <= 65536, got " + n + ":" + m);
        }
        FiniteValues.require(view);
        float[] values = view.values();
        boolean[] keep = new boolean[values.length];
        int length = view.reductionLength();
        int stride = view.reductionStride();
        long[] keys = new long[m];
        for (int line = 0; line < view.lineCount(); line++) {
            int start = view.lineStart(line);
            for (int from = 0; from < length; from += m) {
                int len = Math.min(m, length - from);
                int survivors = len == m ? n : (int) (((long) n * len + m - 1) / m);
                // Key: magnitude bits above, then (len - 1 - j) so that an earlier position wins a tie.
                for (int j = 0; j < len; j++) {
                    int bits = Float.floatToRawIntBits(values[start + (from + j) * stride]) & 0x7FFFFFFF;
                    keys[j] = ((long) bits << 16) | (len - 1 - j);
                }
                Arrays.sort(keys, 0, len);
                for (int t = len - survivors; t < len; t++) {
                    int j = len - 1 - (int) (keys[t] & 0xFFFF);
                    keep[start + (from + j) * stride] = true;
                }
            }
        }
        return new PruningMask(keep);
    }
}
