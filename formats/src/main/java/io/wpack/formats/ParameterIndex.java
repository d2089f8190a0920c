package io.wpack.formats;

import io.wpack.formats.proto.CodebookDequantization;
import io.wpack.formats.proto.Granularity;
import io.wpack.formats.proto.IntegerDequantization;

/**
 * Maps a flat element index to the index of its quantization parameters (scale and zero
 * point, or codebook): 0 per tensor, the channel coordinate per channel, or the row-major
 * index into the group-parameter shape (the tensor's shape with the reduction axis cut to
 * ceil(R / G)) per group, as ONNX {@code DequantizeLinear} lays out blocked scales.
 */
public final class ParameterIndex {
    private final int kind; // 0 tensor, 1 channel, 2 group
    private final long innerStride; // elements after the axis
    private final long axisLength;
    private final long groupSize;
    private final long groupsPerLine;
    private final long count;

    private ParameterIndex(int kind, long innerStride, long axisLength, long groupSize, long count) {
        this.kind = kind;
        this.innerStride = innerStride;
        this.axisLength = axisLength;
        this.groupSize = groupSize;
        this.groupsPerLine = groupSize == 0 ? 0 : (axisLength + groupSize - 1) / groupSize;
        this.count = count;
    }

    /** How many parameter sets the tensor has. */
    public long count() {
        return count;
    }

    /**
     * How many elements from {@code element} on (at least 1) share its parameter index, so that
     * dequantizing loops can hoist the scale out of the inner loop.
     */
    public long runFrom(long element) {
        switch (kind) {
            case 0:
                return Long.MAX_VALUE;
            case 1:
                return innerStride - element % innerStride;
            default: {
                if (innerStride > 1) {
                    return 1;
                }
                long coord = element % axisLength;
                long groupEnd = Math.min(axisLength, (coord / groupSize + 1) * groupSize);
                return groupEnd - coord;
            }
        }
    }

    public long of(long element) {
        switch (kind) {
            case 0:
                return 0;
            case 1:
                return (element / innerStride) % axisLength;
            default: {
                long outer = element / (axisLength * innerStride);
                long coord = (element / innerStride) % axisLength;
                long inner = element % innerStride;
                return (outer * groupsPerLine + coord / groupSize) * innerStride + inner;
            }
        }
    }

    public static ParameterIndex forInteger(IntegerDequantization q, long[] shape) throws WpkFormatException {
        Granularity g = q.getGranularity();
        switch (g) {
            case PER_TENSOR:
                return new ParameterIndex(0, 1, 1, 0, 1);
            case PER_CHANNEL:
                return perAxis(q.getChannelAxis(), shape);
            case PER_GROUP: {
                int axis = q.getReductionAxis();
                Verify.verify(axis >= 0 && axis < shape.length, "group axis %d out of range for rank %d", axis,
                        shape.length);
                long gs = q.getGroupSize();
                Verify.verify(gs > 0, "group size must be positive");
                long inner = 1;
                for (int i = axis + 1; i < shape.length; i++) {
                    inner = Verify.multiplySize(inner, shape[i], "group stride");
                }
                long count = 1;
                for (int i = 0; i < shape.length; i++) {
                    long d = i == axis ? (shape[i] + gs - 1) / gs : shape[i];
                    count = Verify.multiplySize(count, d, "group count");
                }
                return new ParameterIndex(2, Math.max(inner, 1), Math.max(shape[axis], 1), gs, count);
            }
            default:
                throw new WpkFormatException("unknown quantization granularity " + q.getGranularityValue()
                        + " (the package needs a newer wpack)");
        }
    }

    public static ParameterIndex forCodebook(CodebookDequantization q, long[] shape) throws WpkFormatException {
        return q.getPerChannel() ? perAxis(q.getChannelAxis(), shape) : new ParameterIndex(0, 1, 1, 0, 1);
    }

    private static ParameterIndex perAxis(int axis, long[] shape) throws WpkFormatException {
        Verify.verify(axis >= 0 && axis < shape.length, "channel axis %d out of range for rank %d", axis, shape.length);
        long inner = 1;
        for (int i = axis + 1; i < shape.length; i++) {
            inner = Verify.multiplySize(inner, shape[i], "channel stride");
        }
        return new ParameterIndex(1, Math.max(inner, 1), Math.max(shape[axis], 1), 0, shape[axis]);
    }
}
