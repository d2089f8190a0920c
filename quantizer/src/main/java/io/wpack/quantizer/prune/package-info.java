/**
 * Pruning: each pruner returns a {@link io.wpack.quantizer.prune.PruningMask} (true = keep)
 * and never changes the values. A quantizer given the mask's {@code keep()} array makes every
 * pruned element an exact 0; {@link io.wpack.quantizer.prune.PruningMask#apply} does the same
 * for float output.
 *
 * <p>Targets are sparsities s in [0, 1]; a pruner keeps {@code ceil((1 - s) n)} elements
 * ({@link io.wpack.quantizer.prune.Sparsity#keepCount}) exactly when it prunes single
 * elements. Pruning whole structures (blocks, rows and columns, kernels, filters), it keeps
 * at least that many, stopping within one structure of the target; the exceptions are the
 * ones inherent to the structure: kernel patterns alone keep 4 of kh×kw, and all-zero
 * filters are always removed. Every tie is broken by position, so masks are a deterministic
 * function of the values.
 */
package io.wpack.quantizer.prune;
