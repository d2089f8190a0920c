package io.wpack.quantizer.prune;

/**
 * The result of {@link PatternPruner}: the mask, plus the side data a pattern-aware format
 * stores instead of the mask (a pattern index per kernel and the library).
 *
 * @param mask           survivors
 * @param kernelHeight   kh
 * @param kernelWidth    kw
 * @param patterns       the library: bitmasks over positions, bit {@code y * kw + x}, each with
 *                       {@link PatternPruner#ENTRIES_PER_KERNEL} bits set
 * @param kernelPatterns per kernel (numbered as {@link PatternPruner} says), its pattern index,
 *                       or -1 when connectivity pruning removed the whole kernel
 */
public record PatternPruning(PruningMask mask, int kernelHeight, int kernelWidth, long[] patterns,
                             int[] kernelPatterns) {

    /** Kernels removed whole by connectivity pruning. */
    public int removedKernels() {
        int removed = 0;
        for (int p : kernelPatterns) {
            if (p < 0) {
                removed++;
            }
        }
        return removed;
    }
}
