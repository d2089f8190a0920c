package io.wpack.quantizer;

/**
 * How far a reconstruction is from the original, for reports and for choosing a scheme.
 *
 * @param sqnrDb        signal-to-quantization-noise ratio {@code 10 log10(Σx² / Σ(x - x̂)²)} in dB;
 *                      +∞ when the reconstruction is exact, -∞ when the signal is all zero but the
 *                      reconstruction is not
 * @param meanSquaredError {@code Σ(x - x̂)² / n}; 0 for an empty tensor
 * @param maxAbsError   largest {@code |x - x̂|}
 * @param sparsity      fraction of the reconstruction that is exactly 0 (either sign); 0 for an empty tensor
 * @param bitsPerWeight storage estimate of the representation ({@link QuantizedTensor#bitsPerWeight()}),
 *                      or NaN when measured without one
 */
public record QuantizationError(double sqnrDb, double meanSquaredError, double maxAbsError, double sparsity,
                                double bitsPerWeight) {

    public static QuantizationError measure(float[] original, QuantizedTensor quantized) {
        return measure(original, quantized.dequantize(), quantized.bitsPerWeight());
    }

    public static QuantizationError measure(float[] original, float[] reconstructed, double bitsPerWeight) {
        if (original.length != reconstructed.length) {
            throw new IllegalArgumentException("lengths differ: " + original.length + " and " + reconstructed.length);
        }
        double signal = 0;
        double noise = 0;
        double maxAbs = 0;
        long zeros = 0;
        for (int i = 0; i < original.length; i++) {
            double x = original[i];
            double e = x - reconstructed[i];
            signal += x * x;
            noise += e * e;
            maxAbs = Math.max(maxAbs, Math.abs(e));
            if (reconstructed[i] == 0) {
                zeros++;
            }
        }
        int n = original.length;
        double sqnr;
        if (noise == 0) {
            sqnr = Double.POSITIVE_INFINITY;
        } else if (signal == 0) {
            sqnr = Double.NEGATIVE_INFINITY;
        } else {
            sqnr = 10 * Math.log10(signal / noise);
        }
        return new QuantizationError(sqnr, n == 0 ? 0 : noise / n, maxAbs, n == 0 ? 0 : (double) zeros / n,
                bitsPerWeight);
    }
}
