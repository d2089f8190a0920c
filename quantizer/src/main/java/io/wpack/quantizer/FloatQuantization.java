package io.wpack.quantizer;

/**
 * A tensor narrowed to a small float format.
 *
 * <p><b>Reconstruction</b>: {@code value = widen(codes[i])} with the exact widening of
 * {@link io.wpack.formats.FloatBits} for the {@link #format()}; no parameters. Codes are
 * the format's bit pattern in the low 8 or 16 bits of each short.
 */
public final class FloatQuantization implements QuantizedTensor {
    private final FloatFormat format;
    private final int[] shape;
    private final short[] codes;

    FloatQuantization(FloatFormat format, int[] shape, short[] codes) {
        this.format = format;
        this.shape = shape;
        this.codes = codes;
    }

    public FloatFormat format() {
        return format;
    }

    public int[] shape() {
        return shape.clone();
    }

    /** The codes array itself, not a copy. */
    public short[] codes() {
        return codes;
    }

    /** The bit pattern of element i. */
    public int code(int i) {
        return format.bits() == 8 ? codes[i] & 0xFF : codes[i] & 0xFFFF;
    }

    @Override
    public int size() {
        return codes.length;
    }

    @Override
    public void dequantizeInto(float[] out) {
        for (int i = 0; i < codes.length; i++) {
            out[i] = format.widen(codes[i]);
        }
    }

    @Override
    public double bitsPerWeight() {
        return codes.length == 0 ? 0 : format.bits();
    }
}
