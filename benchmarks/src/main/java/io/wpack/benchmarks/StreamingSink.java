package io.wpack.benchmarks;

import io.wpack.loader.ByteSink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * A sink that hands a tensor's bytes to a consumer as they are decoded, so exporting a package
 * never holds a whole tensor. {@code WpkPackage.read} decodes chunks in order on the calling
 * thread, so writes arrive sequentially.
 */
final class StreamingSink implements ByteSink {
    /** Receives consecutive runs of the tensor's bytes. */
    interface Consumer {
        void accept(byte[] b, int off, int len) throws IOException;
    }

    private final long size;
    private final Consumer consumer;
    private long next;
    private byte[] copy = new byte[0];

    StreamingSink(long size, Consumer consumer) {
        this.size = size;
        this.consumer = consumer;
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
                consumer.accept(src.array(), src.arrayOffset() + src.position(), n);
            } else {
                if (copy.length < n) {
                    copy = new byte[n];
                }
                src.duplicate().get(copy, 0, n);
                consumer.accept(copy, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        src.position(src.limit());
        next += n;
    }

    boolean complete() {
        return next == size;
    }
}
