package io.wpack.packer;

import io.wpack.formats.proto.DType;

import java.util.List;
import java.util.Map;

/**
 * What a pack run did, per tensor and in total. {@code removedFilters} lists the layers whose pruned filters
 * left the package ({@code --remove-pruned-filters}); {@code filtersKept} the filter-pruned weights that kept
 * their shape under that option, with the reason.
 */
public record PackReport(Map<String, String> metadata, List<TensorReport> tensors, long inputBytes,
                         long outputBytes, List<DeadChannels> deadChannels,
                         List<io.wpack.packer.policy.FilterRemoval.Removed> removedFilters, List<String> filtersKept) {

    /**
     * Filter pruning removed {@code filters} of {@code pruned}; the graph says those outputs feed input
     * channels {@code filters} (along {@code axis}) of {@code consumer}, which now only ever see zeros from this
     * path. Through a residual Add the other branch may still feed them; physical removal must check that.
     */
    public record DeadChannels(String pruned, String consumer, int axis, int[] channels) {
    }

    /**
     * @param inputBytes  bytes of the tensor as imported (stored dtype)
     * @param storedBytes bytes its chunks occupy in the package
     * @param candidates  size of the first chunk under each candidate codec, for --explain
     * @param scheme      the lossy scheme applied ("lossless" when none); the error figures are then +inf, 0 and the
     *                    tensor's own fraction of zeros
     */
    public record TensorReport(String name, DType dtype, DType storedDtype, long[] shape, long params,
                               long inputBytes, long storedBytes, String encoding, Map<String, Long> candidates,
                               String scheme, double sqnrDb, double maxAbsError, double sparsity) {
        public TensorReport withScheme(String s) {
            return new TensorReport(name, dtype, storedDtype, shape, params, inputBytes, storedBytes, encoding,
                    candidates, s, sqnrDb, maxAbsError, sparsity);
        }

        public double bitsPerWeight() {
            return params == 0 ? 0 : storedBytes * 8.0 / params;
        }
    }

    public long params() {
        long n = 0;
        for (TensorReport t : tensors) {
            n += t.params();
        }
        return n;
    }
}
