package io.wpack.loader;

import java.nio.ByteBuffer;

/**
 * Where a decoded tensor goes. Writes are positional so that independent chunks can be
 * decoded in parallel, each straight into its own part of the sink.
 */
public interface ByteSink {
    /** Capacity in bytes; the loader writes exactly the tensor's size. */
    long size();

    /**
     * A writable buffer over {@code [offset, offset + length)} positioned at 0, for decoding in
     * place, or null when the region is not contiguous in memory. The loader writes every byte
     * of it.
     */
    ByteBuffer window(long offset, int length);

    /** Copies the remaining bytes of {@code src} to {@code offset}. */
    void write(long offset, ByteBuffer src);
}
