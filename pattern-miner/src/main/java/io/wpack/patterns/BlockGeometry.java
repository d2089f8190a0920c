package io.wpack.patterns;

/**
 * Where the blocks of one shape sit in a tensor: the offsets of a block's elements from its
 * origin, and every origin, in row-major order of the origins. Blocks are aligned to their
 * extents along their axes; a partial block at the end of an axis is not a block.
 */
final class BlockGeometry {
    /** Element offsets from the origin, in the block's own row-major order. */
    final int[] offsets;
    final int[] origins;

    private BlockGeometry(int[] offsets, int[] origins) {
        this.offsets = offsets;
        this.origins = origins;
    }

    /** The geometry of {@code shape} in {@code tensor}, or null when the tensor has no such blocks. */
    static BlockGeometry of(CodeTensor tensor, BlockShape shape) {
        int rank = tensor.rank();
        int[] extent = new int[Math.max(1, rank)];
        java.util.Arrays.fill(extent, 1);
        long[] dims = rank == 0 ? new long[] {tensor.size()} : tensor.shape();
        int axisA;
        int axisB = -1;
        switch (shape.kind()) {
            case ROW:
                axisA = Math.max(0, tensor.blockAxis());
                extent[axisA] = shape.cols();
                break;
            case SQUARE:
                if (rank < 2) {
                    return null;
                }
                axisA = tensor.blockAxis();
                axisB = axisA == rank - 1 ? rank - 2 : rank - 1;
                extent[axisA] = 2;
                extent[axisB] = 2;
                break;
            default:
                int[] k = tensor.kernelAxes();
                if (k == null) {
                    return null;
                }
                axisA = k[0];
                axisB = k[1];
                extent[axisA] = shape.rows();
                if (axisB >= 0) {
                    extent[axisB] = shape.cols();
                } else if (shape.cols() != 1) {
                    return null;
                }
                if (dims[axisA] != shape.rows() || (axisB >= 0 && dims[axisB] != shape.cols())) {
                    return null;
                }
        }
        int r = dims.length;
        int[] stride = new int[r];
        long s = 1;
        for (int a = r - 1; a >= 0; a--) {
            stride[a] = (int) s;
            s *= dims[a];
        }
        // Block element offsets: row-major over the block's own axes.
        int elements = 1;
        for (int e : extent) {
            elements *= e;
        }
        int[] offsets = new int[elements];
        int[] coord = new int[r];
        for (int i = 0; i < elements; i++) {
            int off = 0;
            for (int a = 0; a < r; a++) {
                off += coord[a] * stride[a];
            }
            offsets[i] = off;
            for (int a = r - 1; a >= 0; a--) {
                if (++coord[a] < extent[a]) {
                    break;
                }
                coord[a] = 0;
            }
        }
        // Origins: along each axis the multiples of its extent that leave room for a whole block.
        long count = 1;
        int[] steps = new int[r];
        for (int a = 0; a < r; a++) {
            steps[a] = (int) (dims[a] / extent[a]);
            count *= steps[a];
        }
        int[] origins = new int[(int) count];
        if (count == 0) {
            return new BlockGeometry(offsets, origins);
        }
        java.util.Arrays.fill(coord, 0);
        int last = r - 1;
        int lastStep = extent[last] * stride[last];
        for (int o = 0; o < count; ) {
            int base = 0;
            for (int a = 0; a < last; a++) {
                base += coord[a] * extent[a] * stride[a];
            }
            for (int i = 0; i < steps[last]; i++) {
                origins[o++] = base + i * lastStep;
            }
            for (int a = last - 1; a >= 0; a--) {
                if (++coord[a] < steps[a]) {
                    break;
                }
                coord[a] = 0;
            }
        }
        return new BlockGeometry(offsets, origins);
    }
}
