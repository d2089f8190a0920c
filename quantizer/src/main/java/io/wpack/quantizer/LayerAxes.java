package io.wpack.quantizer;

/**
 * Which axis of a weight tensor indexes output channels and which one the layer sums over.
 *
 * @param channelAxis   the output-channel axis, or -1 when the tensor has none (scalars, biases):
 *                      the whole tensor is then one channel
 * @param reductionAxis the axis the layer reduces over (input features or input channels), or
 *                      -1 for a scalar; groups (per-group quantization, N:M sparsity) run along it
 */
public record LayerAxes(int channelAxis, int reductionAxis) {

    public LayerAxes {
        if (channelAxis < -1 || reductionAxis < -1) {
            throw new IllegalArgumentException("axes must be -1 or non-negative: " + channelAxis + ", " + reductionAxis);
        }
        if (channelAxis >= 0 && channelAxis == reductionAxis) {
            throw new IllegalArgumentException("channel and reduction axis are both " + channelAxis);
        }
    }

    public LayerAxes withChannelAxis(int axis) {
        return new LayerAxes(axis, reductionAxis);
    }

    public LayerAxes withReductionAxis(int axis) {
        return new LayerAxes(channelAxis, axis);
    }
}
