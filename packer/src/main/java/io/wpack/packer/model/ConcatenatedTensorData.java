package io.wpack.packer.model;

import io.wpack.formats.Verify;
import io.wpack.formats.WpkFormatException;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Several pieces read one after the other as one tensor: a TF.js weight that starts in one
 * shard file and ends in the next. Each piece is opened only when the stream reaches it,
 * so at most one file is open at a time.
 */
public final class ConcatenatedTensorData implements TensorData {
    private final List<TensorData> parts;
    private final long byteSize;

    public ConcatenatedTensorData(List<? extends TensorData> parts) throws WpkFormatException {
        this.parts = List.copyOf(parts);
        long total = 0;
        for (TensorData p : this.parts) {
            total = Verify.addSize(total, p.byteSize(), "concatenated tensor size");
        }
        this.byteSize = total;
    }

    public List<TensorData> parts() {
        return parts;
    }

    @Override
    public long byteSize() {
        return byteSize;
    }

    @Override
    public InputStream open() {
        return new InputStream() {
            private int next;
            private InputStream current;
            private long leftInCurrent;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                while (current == null || leftInCurrent == 0) {
                    if (current != null) {
                        current.close();
                        current = null;
                    }
                    if (next == parts.size()) {
                        return -1;
                    }
                    TensorData part = parts.get(next++);
                    leftInCurrent = part.byteSize();
                    current = part.open();
                }
                int n = current.read(b, off, (int) Math.min(len, leftInCurrent));
                if (n < 0) {
                    throw new WpkFormatException("piece " + (next - 1) + " of a concatenated tensor ended "
                            + leftInCurrent + " bytes early");
                }
                leftInCurrent -= n;
                return n;
            }

            @Override
            public void close() throws IOException {
                if (current != null) {
                    current.close();
                    current = null;
                }
                next = parts.size();
            }
        };
    }
}
