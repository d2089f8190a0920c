package io.wpack.loader;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * A sink that streams a tensor to an output stream, for exporters and runtimes that copy
 * weights onward. {@link WpkPackage#read} and the stream loader decode chunks in order on one
 * thread, so writes arrive sequentially and nothing is buffered beyond one chunk; an
 * out-of-order write (from a parallel read) is refused.
 */
public final class StreamSink implements ByteSink {
    private final OutputStream out;
    private final long size;
    private long next;
    private byte[] copy = new byte[0];

    public StreamSink(OutputStream out, long size) {
        this.out = out;
        this.size = size;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public ByteBuffer window(long offset, int length) {
        return null;
    }

    @Override
    public void write(long offset, ByteBuffer src) {
        if (offset != next) {
            throw new IllegalStateException("out-of-order write at " + offset + ", expected " + next);
        }
        int n = src.remaining();
        try {
            if (src.hasArray()) {
                out.write(src.array(), src.arrayOffset() + src.position(), n);
            } else {
                if (copy.length < n) {
                    copy = new byte[n];
                }
                src.duplicate().get(copy, 0, n);
                out.write(copy, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        src.position(src.limit());
        next += n;
    }

    /** Whether every byte of the tensor has been written. */
    public boolean complete() {
        return next == size;
    }
}
