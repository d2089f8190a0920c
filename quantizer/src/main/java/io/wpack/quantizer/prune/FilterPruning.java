package io.wpack.quantizer.prune;

/**
 * The result of {@link FilterPruner}.
 *
 * @param mask           survivors: every element of a pruned filter is pruned
 * @param prunedFilters  indices along the channel axis of the removed filters, ascending; the
 *                       consuming layer's matching input channels are dead
 * @param zeroFilters    how many of them were all-zero already
 */
public record FilterPruning(PruningMask mask, int[] prunedFilters, int zeroFilters) {
}
