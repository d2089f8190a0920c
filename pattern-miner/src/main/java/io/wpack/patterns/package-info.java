/**
 * The pattern miner (issue 5): repeated value blocks (Wen and Gregg, 2020) and sparsity masks
 * (PatDNN) in int8/uint8 code tensors, and the choice of how to code them.
 *
 * <ul>
 * <li>{@link io.wpack.patterns.PatternMiner} counts blocks of 1×2, 1×4, 1×8 along the reduction
 *     axis, 2×2 and whole kernels, values by radix-sorting their keys and masks in FastUtil maps;
 *     linear in the tensor.
 * <li>{@link io.wpack.patterns.DictionaryPlanner} chooses the dictionary size by total coded
 *     size, the dictionary included, into a {@link io.wpack.patterns.PatternPlan}.
 * <li>{@link io.wpack.patterns.PatternAnalyzer#analyse} reports everything for {@code wpack
 *     mine} ({@link io.wpack.patterns.PatternReport}, a table row or JSON);
 *     {@link io.wpack.patterns.PatternAnalyzer#choose} is the packer's fast path to a configured
 *     codec ({@link io.wpack.patterns.PatternChoice}).
 * <li>{@link io.wpack.patterns.CodecLayouts} and {@link io.wpack.patterns.SegmentAxes} map a
 *     tensor's axes onto the codecs' column-major logical order and segments.
 * <li>{@link io.wpack.patterns.BlockMerger}: an optional lossy step, off by default, that
 *     replaces blocks within a bound of a dictionary entry by the entry.
 * </ul>
 * Numeric analysis only: the bytes are written by the codecs of {@code io.wpack.encoders.pattern}.
 */
package io.wpack.patterns;
