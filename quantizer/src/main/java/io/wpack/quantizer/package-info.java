/**
 * Quantization: numeric analysis of weight tensors, never bytes or files. Plain arrays go in
 * (a {@link io.wpack.quantizer.WeightView} over a {@code float[]}, an optional
 * {@code boolean[] keep} mask from {@link io.wpack.quantizer.prune}); result objects come out,
 * holding the codes and side data a package stores, and a {@code dequantize()} that computes
 * exactly what a loader must.
 *
 * <h2>Reconstruction, bit for bit</h2>
 * All arithmetic is IEEE-754 binary32, round to nearest even, no fused multiply-add.
 * <ul>
 *   <li>{@link io.wpack.quantizer.IntegerQuantization}:
 *       {@code value = (float) (code - zeroPoint[p]) * scale[p]}, with p = 0 per tensor, the
 *       channel per channel, or the group in ONNX's blocked layout per group.</li>
 *   <li>{@link io.wpack.quantizer.CodebookQuantization}:
 *       {@code value = codebook[b * K + code]}, with b = 0 per tensor or the channel.</li>
 *   <li>{@link io.wpack.quantizer.FloatQuantization}: {@code value = widen(code)} with
 *       {@link io.wpack.formats.FloatBits}.</li>
 * </ul>
 * Every scheme reconstructs exact zeros and pruned elements as exactly +0 (a float
 * narrowing keeps -0 as -0), and refuses a tensor holding NaN or an infinity with a
 * {@link io.wpack.formats.WpkFormatException} naming it ({@link io.wpack.quantizer.FiniteValues}).
 */
package io.wpack.quantizer;
