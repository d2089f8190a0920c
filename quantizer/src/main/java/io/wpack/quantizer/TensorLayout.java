package io.wpack.quantizer;

/**
 * The index arithmetic of {@link WeightView} without the values, so that quantization results
 * can map an element to its scale or codebook long after the input array is gone.
 */
final class TensorLayout {
    private final int[] shape;
    private final int size;
    private final int channelAxis;
    private final int reductionAxis;
    private final int channelCount;
    private final int channelStride;
    private final int reductionLength;
    private final int reductionStride;

    TensorLayout(int[] shape, int size, LayerAxes axes) {
        this.shape = shape.clone();
        this.size = size;
        this.channelAxis = axes.channelAxis();
        this.reductionAxis = axes.reductionAxis();
        this.channelCount = channelAxis < 0 ? 1 : shape[channelAxis];
        this.channelStride = channelAxis < 0 ? Math.max(1, size) : strideOf(shape, channelAxis);
        this.reductionLength = reductionAxis < 0 ? 1 : shape[reductionAxis];
        this.reductionStride = reductionAxis < 0 ? 1 : strideOf(shape, reductionAxis);
    }

    int[] shape() {
        return shape.clone();
    }

    int size() {
        return size;
    }

    int rank() {
        return shape.length;
    }

    int dim(int axis) {
        return shape[axis];
    }

    int channelAxis() {
        return channelAxis;
    }

    int reductionAxis() {
        return reductionAxis;
    }

    LayerAxes axes() {
        return new LayerAxes(channelAxis, reductionAxis);
    }

    int channelCount() {
        return channelCount;
    }

    int channelOf(int i) {
        return channelAxis < 0 ? 0 : (i / channelStride) % channelCount;
    }

    int reductionLength() {
        return reductionLength;
    }

    int reductionStride() {
        return reductionStride;
    }

    int lineCount() {
        return reductionLength == 0 ? 0 : size / reductionLength;
    }

    int lineStart(int line) {
        int outer = line / reductionStride;
        int inner = line % reductionStride;
        return outer * reductionLength * reductionStride + inner;
    }

    int groupsPerLine(int groupSize) {
        if (groupSize < 1) {
            throw new IllegalArgumentException("group size must be positive: " + groupSize);
        }
        return (reductionLength + groupSize - 1) / groupSize;
    }

    int groupCount(int groupSize) {
        return Math.multiplyExact(lineCount(), groupsPerLine(groupSize));
    }

    int groupOf(int i, int groupSize) {
        int outer = i / (reductionLength * reductionStride);
        int rest = i - outer * reductionLength * reductionStride;
        int r = rest / reductionStride;
        int inner = rest - r * reductionStride;
        int perLine = (reductionLength + groupSize - 1) / groupSize;
        return (outer * perLine + r / groupSize) * reductionStride + inner;
    }

    int[] groupIndices(int group, int groupSize) {
        int perLine = groupsPerLine(groupSize);
        int inner = group % reductionStride;
        int rest = group / reductionStride;
        int j = rest % perLine;
        int outer = rest / perLine;
        int start = outer * reductionLength * reductionStride + inner;
        int from = j * groupSize;
        int[] out = new int[Math.min(groupSize, reductionLength - from)];
        for (int t = 0; t < out.length; t++) {
            out[t] = start + (from + t) * reductionStride;
        }
        return out;
    }

    int rows() {
        return channelCount;
    }

    int cols() {
        return channelCount == 0 ? 0 : size / channelCount;
    }

    int index2d(int row, int col) {
        if (channelAxis < 0) {
            return col;
        }
        int outer = col / channelStride;
        int inner = col - outer * channelStride;
        return (outer * channelCount + row) * channelStride + inner;
    }

    int stride(int axis) {
        return strideOf(shape, axis);
    }

    private static int strideOf(int[] shape, int axis) {
        long s = 1;
        for (int i = axis + 1; i < shape.length; i++) {
            s *= shape[i];
        }
        // A zero-length trailing dimension leaves no elements to address; 1 keeps the index arithmetic defined.
        return s == 0 ? 1 : (int) s;
    }
}
