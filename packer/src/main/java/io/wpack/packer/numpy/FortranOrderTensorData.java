package io.wpack.packer.numpy;

import io.wpack.formats.Verify;
import io.wpack.formats.WpkFormatException;
import io.wpack.packer.io.StreamBytes;
import io.wpack.packer.model.TensorData;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A column-major (Fortran order) array presented in row-major (C) order. Reordering needs
 * random access, so {@link #open()} reads the whole array into memory; the importer
 * checks up front that it fits one Java array. The copy is made on each open rather than
 * at import, so a model full of such arrays is not held in memory all at once.
 */
final class FortranOrderTensorData implements TensorData {
    private final TensorData source;
    private final long[] shape;
    private final int width;
    private final String what;

    FortranOrderTensorData(TensorData source, long[] shape, int width, String what) throws WpkFormatException {
        Verify.toIntSize(source.byteSize(), what + ": a Fortran-order array is reordered in memory, and this one");
        this.source = source;
        this.shape = shape.clone();
        this.width = width;
        this.what = what;
    }

    @Override
    public long byteSize() {
        return source.byteSize();
    }

    @Override
    public InputStream open() throws IOException {
        byte[] in;
        try (InputStream s = source.open()) {
            in = StreamBytes.readExactly(s, (int) source.byteSize(), what);
        }
        return new ByteArrayInputStream(toCOrder(in, shape, width));
    }

    /**
     * Element (i0, ..., i(n-1)) sits at i0 + d0·(i1 + d1·(i2 + ...)) in Fortran order. We walk
     * the output in C order with an odometer and keep that Fortran index up to date by
     * adding the axis stride on each step and taking back a whole axis on each wrap.
     */
    static byte[] toCOrder(byte[] in, long[] shape, int width) {
        int n = shape.length;
        long count = in.length / width;
        byte[] out = new byte[in.length];
        if (n <= 1 || count == 0) {
            System.arraycopy(in, 0, out, 0, in.length);
            return out;
        }
        long[] fortranStride = new long[n];
        long stride = 1;
        for (int k = 0; k < n; k++) {
            fortranStride[k] = stride;
            stride *= shape[k];
        }
        long[] index = new long[n];
        long f = 0;
        for (long o = 0; o < count; o++) {
            System.arraycopy(in, (int) (f * width), out, (int) (o * width), width);
            for (int k = n - 1; k >= 0; k--) {
                if (++index[k] < shape[k]) {
                    f += fortranStride[k];
                    break;
                }
                index[k] = 0;
                f -= (shape[k] - 1) * fortranStride[k];
            }
        }
        return out;
    }
}
