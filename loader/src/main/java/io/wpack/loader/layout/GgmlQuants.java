package io.wpack.loader.layout;

import io.wpack.formats.FloatBits;

import java.nio.ByteBuffer;

/**
 * ggml's Q8_0 and Q4_0 block quantizations, byte for byte as its reference functions
 * {@code quantize_row_q8_0_ref} and {@code quantize_row_q4_0_ref} (ggml-quants.c) write
 * them, so the output can go into a GGUF file or a ggml kernel unchanged. All arithmetic is
 * float32 as in C; the scale is stored as IEEE half, rounded to nearest even like
 * {@code GGML_FP32_TO_FP16}.
 *
 * <pre>
 * block_q8_0 (34 bytes): d    f16   amax / 127, amax = max |x|
 *                        qs   32 x i8   q[j] = roundf(x[j] * id), id = d != 0 ? 1 / d : 0,
 *                                       roundf rounding halves away from zero
 * block_q4_0 (18 bytes): d    f16   max / -8, max = the first x of largest |x|, with its sign
 *                        qs   16 x u8   q[j] = min(15, (int8) (x[j] * id + 8.5f)) (truncation),
 *                                       qs[j] = q[j] | q[j + 16] &lt;&lt; 4: low nibbles hold
 *                                       elements 0..15, high nibbles 16..31
 * </pre>
 *
 * Dequantization: Q8_0 {@code x = d * q}; Q4_0 {@code x = d * (q - 8)}. The details that
 * matter for byte equality: the quantizer multiplies by {@code id = 1/d} rather than dividing
 * by d; it uses the float32 d, not the stored half; Q4_0's d is {@code -0.0} (half
 * {@code 0x8000}) for an all-zero block, because {@code 0.0f / -8} is negative zero; Q4_0's
 * absolute maximum keeps the first element of largest magnitude (strict {@code <}). NaN and
 * infinite inputs have no defined ggml output (C leaves the integer conversion undefined);
 * here they give q = 0 where the product is NaN.
 */
public final class GgmlQuants {
    /** Elements per block, {@code QK8_0 == QK4_0 == 32}. */
    public static final int QK = 32;
    public static final int Q8_0_BYTES = 2 + QK;
    public static final int Q4_0_BYTES = 2 + QK / 2;

    private GgmlQuants() {
    }

    /** Quantizes {@code x[off, off + 32)} into one block_q8_0 at absolute position {@code at} of {@code out} (little-endian). */
    public static void quantizeQ8_0(float[] x, int off, ByteBuffer out, int at) {
        float amax = 0.0f;
        for (int j = 0; j < QK; j++) {
            float av = Math.abs(x[off + j]);
            amax = amax > av ? amax : av; // ggml's MAX(amax, fabsf(v)), NaN handling included
        }
        float d = amax / ((1 << 7) - 1);
        float id = d != 0.0f ? 1.0f / d : 0.0f;
        out.putShort(at, FloatBits.floatToHalf(d));
        for (int j = 0; j < QK; j++) {
            float x0 = x[off + j] * id;
            out.put(at + 2 + j, (byte) (int) roundf(x0));
        }
    }

    /** Quantizes {@code x[off, off + 32)} into one block_q4_0 at absolute position {@code at} of {@code out}. */
    public static void quantizeQ4_0(float[] x, int off, ByteBuffer out, int at) {
        float amax = 0.0f;
        float max = 0.0f;
        for (int j = 0; j < QK; j++) {
            float v = x[off + j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -8;
        float id = d != 0.0f ? 1.0f / d : 0.0f;
        out.putShort(at, FloatBits.floatToHalf(d));
        for (int j = 0; j < QK / 2; j++) {
            float x0 = x[off + j] * id;
            float x1 = x[off + QK / 2 + j] * id;
            int xi0 = Math.min(15, (byte) (int) (x0 + 8.5f));
            int xi1 = Math.min(15, (byte) (int) (x1 + 8.5f));
            out.put(at + 2 + j, (byte) (xi0 | xi1 << 4));
        }
    }

    /** The 32 values of the block_q8_0 at {@code at}, as {@code dequantize_row_q8_0}. */
    public static void dequantizeQ8_0(ByteBuffer in, int at, float[] y, int off) {
        float d = FloatBits.halfToFloat(in.getShort(at));
        for (int j = 0; j < QK; j++) {
            y[off + j] = in.get(at + 2 + j) * d;
        }
    }

    /** The 32 values of the block_q4_0 at {@code at}, as {@code dequantize_row_q4_0}. */
    public static void dequantizeQ4_0(ByteBuffer in, int at, float[] y, int off) {
        float d = FloatBits.halfToFloat(in.getShort(at));
        for (int j = 0; j < QK / 2; j++) {
            int b = in.get(at + 2 + j) & 0xFF;
            y[off + j] = ((b & 0x0F) - 8) * d;
            y[off + j + QK / 2] = ((b >>> 4) - 8) * d;
        }
    }

    /** C's roundf: nearest integer, halves away from zero (Math.round rounds them up). */
    static float roundf(float v) {
        if (!(Math.abs(v) < 0x1p23f)) {
            return v; // already integral, or NaN/infinity
        }
        float r = (float) Math.floor(Math.abs(v) + 0.5);
        return Math.copySign(r, v);
    }
}
