package io.wpack.packer.numpy;

import io.wpack.packer.io.StreamBytes;
import io.wpack.packer.model.TensorData;

import java.io.IOException;
import java.io.InputStream;

/** Big-endian elements read as little-endian, swapped a buffer at a time while streaming. */
final class ByteSwappedTensorData implements TensorData {
    private static final int BUFFER = 1 << 16; // a multiple of every element width

    private final TensorData source;
    private final int width;
    private final String what;

    ByteSwappedTensorData(TensorData source, int width, String what) {
        this.source = source;
        this.width = width;
        this.what = what;
    }

    @Override
    public long byteSize() {
        return source.byteSize();
    }

    @Override
    public InputStream open() throws IOException {
        InputStream in = source.open();
        return new InputStream() {
            private final byte[] buf = new byte[(int) Math.min(BUFFER, Math.max(width, source.byteSize()))];
            private int pos;
            private int limit;
            private long left = source.byteSize();

            @Override
            public int read() throws IOException {
                if (!fill()) {
                    return -1;
                }
                return buf[pos++] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                if (!fill()) {
                    return -1;
                }
                int n = Math.min(len, limit - pos);
                System.arraycopy(buf, pos, b, off, n);
                pos += n;
                return n;
            }

            /** Refills with whole elements, so a swap never straddles two fills. */
            private boolean fill() throws IOException {
                if (pos < limit) {
                    return true;
                }
                if (left == 0) {
                    return false;
                }
                int n = (int) Math.min(buf.length - buf.length % width, left);
                StreamBytes.readFully(in, buf, 0, n, what);
                swap(buf, n, width);
                left -= n;
                pos = 0;
                limit = n;
                return true;
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    static void swap(byte[] b, int length, int width) {
        for (int i = 0; i + width <= length; i += width) {
            for (int lo = i, hi = i + width - 1; lo < hi; lo++, hi--) {
                byte t = b[lo];
                b[lo] = b[hi];
                b[hi] = t;
            }
        }
    }
}
