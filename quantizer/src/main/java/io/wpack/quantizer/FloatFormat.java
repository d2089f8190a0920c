package io.wpack.quantizer;

import io.wpack.formats.FloatBits;
import io.wpack.formats.proto.DType;

/** The small float formats a tensor can be narrowed to, with their exact widening. */
public enum FloatFormat {
    F16(16, DType.F16),
    BF16(16, DType.BF16),
    F8_E4M3(8, DType.F8_E4M3),
    F8_E5M2(8, DType.F8_E5M2);

    private final int bits;
    private final DType dtype;

    FloatFormat(int bits, DType dtype) {
        this.bits = bits;
        this.dtype = dtype;
    }

    public int bits() {
        return bits;
    }

    /** The element type a package stores the codes as. */
    public DType dtype() {
        return dtype;
    }

    /** Saturating round-to-nearest-even narrowing; the code in the low {@link #bits()} bits. */
    public int narrow(float f) {
        switch (this) {
            case F16:
                return FloatNarrowing.floatToHalf(f) & 0xFFFF;
            case BF16:
                return FloatNarrowing.floatToBf16(f) & 0xFFFF;
            case F8_E4M3:
                return FloatNarrowing.floatToE4m3(f) & 0xFF;
            default:
                return FloatNarrowing.floatToE5m2(f) & 0xFF;
        }
    }

    /** Exact widening of a code ({@link FloatBits}). */
    public float widen(int code) {
        switch (this) {
            case F16:
                return FloatBits.halfToFloat(code & 0xFFFF);
            case BF16:
                return FloatBits.bf16ToFloat(code & 0xFFFF);
            case F8_E4M3:
                return FloatBits.e4m3ToFloat(code & 0xFF);
            default:
                return FloatBits.e5m2ToFloat(code & 0xFF);
        }
    }
}
