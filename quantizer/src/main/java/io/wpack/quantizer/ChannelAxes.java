package io.wpack.quantizer;

import java.util.Locale;

/**
 * Where the output channels and the reduction sit in a weight tensor, by source format and
 * layer kind. A pure function of its arguments, so the packer can record the inputs and the
 * decision can be replayed; callers that know better pass their own {@link LayerAxes}.
 *
 * <table>
 *   <caption>Layouts</caption>
 *   <tr><th>source</th><th>layer</th><th>layout</th><th>channel</th><th>reduction</th></tr>
 *   <tr><td>onnx</td><td>Conv</td><td>O,I,k...</td><td>0</td><td>1</td></tr>
 *   <tr><td>onnx</td><td>ConvTranspose</td><td>I,O/g,k...</td><td>1</td><td>0</td></tr>
 *   <tr><td>onnx</td><td>Gemm transB=1</td><td>out,in</td><td>0</td><td>1</td></tr>
 *   <tr><td>onnx</td><td>Gemm transB=0, MatMul</td><td>...,in,out</td><td>rank-1</td><td>rank-2</td></tr>
 *   <tr><td>tfjs</td><td>Conv1D/Conv2D/Conv3D (fused too)</td><td>k...,I,O</td><td>rank-1</td><td>rank-2</td></tr>
 *   <tr><td>tfjs</td><td>DepthwiseConv2dNative</td><td>H,W,C,M</td><td>2</td><td>1 (W)</td></tr>
 *   <tr><td>tfjs</td><td>Conv2DBackpropInput</td><td>H,W,O,I</td><td>2</td><td>3</td></tr>
 *   <tr><td>tfjs</td><td>MatMul, Dense (transpose_b=false)</td><td>in,out</td><td>rank-1</td><td>rank-2</td></tr>
 *   <tr><td>any</td><td>unknown, rank &ge; 2</td><td>out,in,...</td><td>0</td><td>1</td></tr>
 *   <tr><td>any</td><td>rank 1</td><td>n</td><td>-1</td><td>0</td></tr>
 *   <tr><td>any</td><td>rank 0</td><td>scalar</td><td>-1</td><td>-1</td></tr>
 * </table>
 *
 * <p>The unknown-layer default follows PyTorch and ONNX ({@code [out, in, ...]}), which is
 * also what safetensors and NumPy exports of PyTorch models hold. A depthwise kernel sums only
 * over its spatial window, so its "reduction" axis is the kernel width: groups along it stay
 * inside one channel.
 */
public final class ChannelAxes {
    private ChannelAxes() {
    }

    /** Same as {@code forLayer(layerKind, sourceFormat, rank, false)}: ONNX and TF default to an untransposed B. */
    public static LayerAxes forLayer(String layerKind, String sourceFormat, int rank) {
        return forLayer(layerKind, sourceFormat, rank, false);
    }

    /**
     * @param layerKind    the operator that consumes the weight: an ONNX op type or a TF.js op
     *                     name; case is ignored; null or unknown gives the default
     * @param sourceFormat importer name ({@code onnx}, {@code tfjs}, {@code safetensors},
     *                     {@code npy}, {@code npz}); null or unknown gives the default
     * @param rank         the weight's rank
     * @param transposedB  ONNX Gemm {@code transB} or TF {@code transpose_b}: the weight is
     *                     stored {@code [out, in]}
     */
    public static LayerAxes forLayer(String layerKind, String sourceFormat, int rank, boolean transposedB) {
        if (rank < 0) {
            throw new IllegalArgumentException("negative rank " + rank);
        }
        if (rank < 2) {
            return defaultFor(rank);
        }
        String kind = layerKind == null ? "" : layerKind.toLowerCase(Locale.ROOT);
        String format = sourceFormat == null ? "" : sourceFormat.toLowerCase(Locale.ROOT);
        LayerAxes matrix = transposedB ? new LayerAxes(rank - 2, rank - 1) : new LayerAxes(rank - 1, rank - 2);
        switch (format) {
            case "onnx":
                switch (kind) {
                    case "conv":
                    case "qlinearconv":
                    case "convinteger":
                        return new LayerAxes(0, 1);
                    case "convtranspose":
                        return new LayerAxes(1, 0);
                    case "gemm":
                    case "matmul":
                    case "matmulinteger":
                        return matrix;
                    default:
                        return defaultFor(rank);
                }
            case "tfjs":
                switch (kind) {
                    case "conv1d":
                    case "conv2d":
                    case "conv3d":
                    case "fusedconv2d":
                    case "_fusedconv2d":
                        return new LayerAxes(rank - 1, rank - 2);
                    case "depthwiseconv2dnative":
                    case "depthwiseconv2d":
                    case "fuseddepthwiseconv2d":
                        return rank == 4 ? new LayerAxes(2, 1) : defaultFor(rank);
                    case "conv2dbackpropinput":
                    case "conv2dtranspose":
                        return rank == 4 ? new LayerAxes(2, 3) : defaultFor(rank);
                    case "matmul":
                    case "batchmatmul":
                    case "batchmatmulv2":
                    case "_fusedmatmul":
                    case "fusedmatmul":
                    case "dense":
                        return matrix;
                    default:
                        return defaultFor(rank);
                }
            default:
                return defaultFor(rank);
        }
    }

    /** {@code [out, in, ...]} for rank 2 and up; no channel axis below that. */
    public static LayerAxes defaultFor(int rank) {
        if (rank < 0) {
            throw new IllegalArgumentException("negative rank " + rank);
        }
        if (rank == 0) {
            return new LayerAxes(-1, -1);
        }
        if (rank == 1) {
            return new LayerAxes(-1, 0);
        }
        return new LayerAxes(0, 1);
    }
}
