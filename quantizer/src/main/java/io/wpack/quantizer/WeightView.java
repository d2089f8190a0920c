package io.wpack.quantizer;

import io.wpack.formats.DTypes;
import io.wpack.formats.Verify;
import io.wpack.formats.WpkFormatException;

import java.util.Arrays;

/**
 * A row-major float tensor with a name, its shape, and the axes that matter to quantization
 * and pruning. It wraps the caller's array without copying; nothing in this module writes to
 * it.
 *
 * <p>Three ways of cutting the tensor recur:
 * <ul>
 *   <li><b>channels</b>: all elements with the same coordinate on the channel axis
 *       ({@link #channelOf}); with no channel axis the whole tensor is channel 0;</li>
 *   <li><b>lines</b>: all elements that differ only in their reduction-axis coordinate
 *       ({@link #lineStart}, {@link #reductionStride}), numbered in row-major order of the
 *       other coordinates;</li>
 *   <li><b>groups</b> of G: each line cut into runs of G consecutive reduction coordinates,
 *       the last run shorter when G does not divide the axis. Groups are numbered like the
 *       elements of a tensor whose reduction axis is {@code ceil(R / G)} long, which is the
 *       layout ONNX {@code DequantizeLinear} uses for blocked scales ({@link #groupOf}).</li>
 * </ul>
 * The 2-D view used by structured pruning has one row per channel and, as columns, the other
 * coordinates flattened in row-major order ({@link #index2d}).
 */
public final class WeightView {
    private final String name;
    private final float[] values;
    private final TensorLayout layout;

    private WeightView(String name, float[] values, int[] shape, LayerAxes axes) {
        this.name = name;
        this.values = values;
        this.layout = new TensorLayout(shape, values.length, axes);
    }

    /** A view with the default axes for its rank ({@link ChannelAxes#defaultFor}). */
    public static WeightView of(String name, float[] values, long... shape) throws WpkFormatException {
        Verify.verify(shape != null, "tensor %s: no shape", quote(name));
        return of(name, values, shape, ChannelAxes.defaultFor(shape.length));
    }

    public static WeightView of(String name, float[] values, long[] shape, LayerAxes axes) throws WpkFormatException {
        Verify.verify(shape != null, "tensor %s: no shape", quote(name));
        int[] dims = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            Verify.verify(shape[i] >= 0 && shape[i] <= Integer.MAX_VALUE, "tensor %s: dimension %d is %d",
                    quote(name), i, shape[i]);
            dims[i] = (int) shape[i];
        }
        return of(name, values, dims, axes);
    }

    public static WeightView of(String name, float[] values, int[] shape, LayerAxes axes) throws WpkFormatException {
        Verify.verify(values != null && shape != null && axes != null, "tensor %s: values, shape and axes are required",
                quote(name));
        long[] asLong = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            asLong[i] = shape[i];
        }
        long count = DTypes.elementCount(asLong);
        Verify.verify(count == values.length, "tensor %s: shape %s holds %d elements but %d values were given",
                quote(name), Arrays.toString(shape), count, values.length);
        Verify.verify(axes.channelAxis() < shape.length && axes.reductionAxis() < shape.length,
                "tensor %s: axes %s do not fit rank %d", quote(name), axes, shape.length);
        Verify.verify(shape.length == 0 || axes.reductionAxis() >= 0,
                "tensor %s: a tensor of rank %d needs a reduction axis", quote(name), shape.length);
        return new WeightView(name, values, shape, axes);
    }

    /** A rank-1 view: no channel axis, groups along the only axis. */
    public static WeightView flat(String name, float[] values) throws WpkFormatException {
        return of(name, values, new int[] {values.length}, ChannelAxes.defaultFor(1));
    }

    /** The same tensor with other axes, e.g. a caller's override of {@link ChannelAxes}. */
    public WeightView withAxes(LayerAxes axes) throws WpkFormatException {
        return of(name, values, layout.shape(), axes);
    }

    public String name() {
        return name;
    }

    /** The wrapped array itself, not a copy. */
    public float[] values() {
        return values;
    }

    public int[] shape() {
        return layout.shape();
    }

    public int rank() {
        return layout.rank();
    }

    public int dim(int axis) {
        return layout.dim(axis);
    }

    public int size() {
        return values.length;
    }

    public LayerAxes axes() {
        return layout.axes();
    }

    public int channelAxis() {
        return layout.channelAxis();
    }

    public int reductionAxis() {
        return layout.reductionAxis();
    }

    /** Number of channels; 1 when there is no channel axis. */
    public int channelCount() {
        return layout.channelCount();
    }

    /** Channel of the element at flat index {@code i}. */
    public int channelOf(int i) {
        return layout.channelOf(i);
    }

    /** The flat indices of one channel, in increasing order. */
    public int[] channelIndices(int channel) {
        if (channel < 0 || channel >= layout.channelCount()) {
            throw new IndexOutOfBoundsException("channel " + channel + " of " + layout.channelCount());
        }
        int[] out = new int[layout.cols()];
        for (int col = 0; col < out.length; col++) {
            out[col] = layout.index2d(channel, col);
        }
        return out;
    }

    /** Length of the reduction axis; 1 for a scalar. */
    public int reductionLength() {
        return layout.reductionLength();
    }

    /** Distance in the flat array between neighbours along the reduction axis. */
    public int reductionStride() {
        return layout.reductionStride();
    }

    /** Number of lines along the reduction axis. */
    public int lineCount() {
        return layout.lineCount();
    }

    /** Flat index of the first element of a line; its j-th element is at {@code lineStart + j * reductionStride}. */
    public int lineStart(int line) {
        return layout.lineStart(line);
    }

    /** Groups per line for group size G: {@code ceil(R / G)}. */
    public int groupsPerLine(int groupSize) {
        return layout.groupsPerLine(groupSize);
    }

    /** Number of groups of G in the tensor. */
    public int groupCount(int groupSize) {
        return layout.groupCount(groupSize);
    }

    /** Group of the element at flat index {@code i}, in the ONNX blocked-scale layout. */
    public int groupOf(int i, int groupSize) {
        return layout.groupOf(i, groupSize);
    }

    /** The flat indices of one group of G, in reduction order. */
    public int[] groupIndices(int group, int groupSize) {
        if (group < 0 || group >= layout.groupCount(groupSize)) {
            throw new IndexOutOfBoundsException("group " + group + " of " + layout.groupCount(groupSize));
        }
        return layout.groupIndices(group, groupSize);
    }

    /** Rows of the 2-D view: the channels. */
    public int rows() {
        return layout.rows();
    }

    /** Columns of the 2-D view: every other coordinate, flattened. */
    public int cols() {
        return layout.cols();
    }

    /** Flat index of (row, col) in the 2-D view. */
    public int index2d(int row, int col) {
        return layout.index2d(row, col);
    }

    /** Row-major stride of an axis: the product of the dimensions after it. */
    public int stride(int axis) {
        return layout.stride(axis);
    }

    TensorLayout layout() {
        return layout;
    }

    @Override
    public String toString() {
        return "WeightView[" + quote(name) + " " + Arrays.toString(layout.shape()) + ", " + layout.axes() + "]";
    }

    static String quote(String name) {
        return "\"" + name + "\"";
    }
}
