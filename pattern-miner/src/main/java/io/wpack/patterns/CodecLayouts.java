package io.wpack.patterns;

import io.wpack.encoders.pattern.BlockDictCodec;
import io.wpack.encoders.pattern.MaskValuesCodec;

import java.util.ArrayList;
import java.util.List;

/**
 * How a tensor's blocks map onto the pattern codecs, which code one-dimensional blocks in the
 * column-major order of a chunk seen as C columns (see {@link MaskValuesCodec}):
 * <ul>
 * <li>blocks along axis a: C = the stride of a (the product of the later dimensions), so that
 *     a is the fastest-moving axis;
 * <li>one segment per index of a "channel" axis a: C = dim(a)·stride(a) unless a is the first
 *     axis, segments of outer(a)·stride(a) bytes, so that each channel is one segment;
 * <li>a whole kernel: trailing kernel axes are contiguous already (C = 1); leading ones need
 *     C = the product of the other dimensions.
 * </ul>
 */
public final class CodecLayouts {
    /** Segment classes the miner allows maskvalues. */
    public static final int CLASSES = 16;

    private CodecLayouts() {
    }

    /** A codec candidate with a label for reports. */
    public record Candidate(String scheme, String label, io.wpack.encoders.ByteCodec codec) {
    }

    /** Columns that make {@code axis} the fastest-moving axis of the logical order. */
    public static int columnsAlong(CodeTensor t, int axis) {
        return axis < 0 ? 1 : Math.max(1, t.stride(axis));
    }

    /** {columns, segment}: each index of {@code axis} one contiguous segment of the logical order. */
    public static int[] channelSegments(CodeTensor t, int axis) {
        int outer = t.outer(axis);
        int inner = t.stride(axis);
        int columns = outer > 1 ? t.dim(axis) * inner : 1;
        return new int[] {columns, outer * inner};
    }

    /**
     * maskvalues candidates: blocks of 4 and 8 over the chunk as it is and with each axis as the
     * segment (channel) axis, and whole kernels.
     */
    public static List<Candidate> maskValues(CodeTensor t) {
        List<Candidate> out = new ArrayList<>();
        for (int b : new int[] {4, 8}) {
            MaskValuesCodec codec = new MaskValuesCodec(b);
            out.add(new Candidate(MaskValuesCodec.NAME, "b" + b, codec));
            for (int a = 0; a < t.rank(); a++) {
                if (t.dim(a) > 1 && t.dim(a) < t.size()) {
                    int[] cs = channelSegments(t, a);
                    out.add(new Candidate(MaskValuesCodec.NAME, "b" + b + " segments along axis " + a,
                            codec.withLayout(cs[0], cs[1], CLASSES)));
                }
            }
        }
        int[] k = t.kernelAxes();
        if (k != null) {
            int kernel = t.dim(k[0]) * (k[1] < 0 ? 1 : t.dim(k[1]));
            if (kernel <= MaskValuesCodec.MAX_BLOCK) {
                boolean leading = k[0] == 0;
                int columns = leading ? Math.max(1, t.size() / kernel) : 1;
                MaskValuesCodec kv = new MaskValuesCodec(kernel);
                out.add(new Candidate(MaskValuesCodec.NAME, "k" + kernel, kv.withLayout(columns, 0, 1)));
                // Segments of one output channel's kernels, when the layout keeps them together.
                if (!leading && t.rank() >= 3) {
                    out.add(new Candidate(MaskValuesCodec.NAME, "k" + kernel + " ch0",
                            kv.withLayout(1, t.stride(0), CLASSES)));
                }
            }
        }
        return out;
    }

    /** The columns that make blocks of {@code shape} contiguous, or -1 when the codecs cannot code it. */
    public static int columnsFor(CodeTensor t, BlockShape shape) {
        switch (shape.kind()) {
            case ROW:
                return columnsAlong(t, t.blockAxis());
            case KERNEL:
                int[] k = t.kernelAxes();
                if (k == null || shape.elements() > BlockDictCodec.MAX_BLOCK) {
                    return -1;
                }
                return k[0] == 0 ? Math.max(1, t.size() / shape.elements()) : 1;
            default:
                return -1;
        }
    }
}
