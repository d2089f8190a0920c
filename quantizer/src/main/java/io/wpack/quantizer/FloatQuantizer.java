package io.wpack.quantizer;

import io.wpack.formats.Verify;
import io.wpack.formats.WpkFormatException;

/**
 * Narrows each element to fp16, bf16 or fp8 with {@link FloatNarrowing} (round to nearest
 * even, saturating). Zeros keep their sign; pruned elements become +0.
 */
public final class FloatQuantizer {
    private final FloatFormat format;

    private FloatQuantizer(FloatFormat format) {
        this.format = format;
    }

    public static FloatQuantizer of(FloatFormat format) {
        if (format == null) {
            throw new IllegalArgumentException("format is required");
        }
        return new FloatQuantizer(format);
    }

    public FloatFormat format() {
        return format;
    }

    public FloatQuantization quantize(WeightView view) throws WpkFormatException {
        return quantize(view, null);
    }

    /** @param keep null, or one flag per element: false marks a pruned element, stored as +0 */
    public FloatQuantization quantize(WeightView view, boolean[] keep) throws WpkFormatException {
        FiniteValues.require(view);
        Verify.verify(keep == null || keep.length == view.size(), "tensor %s: mask has %d flags for %d elements",
                WeightView.quote(view.name()), keep == null ? 0 : keep.length, view.size());
        float[] values = view.values();
        short[] codes = new short[values.length];
        for (int i = 0; i < values.length; i++) {
            codes[i] = keep != null && !keep[i] ? 0 : (short) format.narrow(values[i]);
        }
        return new FloatQuantization(format, view.shape(), codes);
    }
}
