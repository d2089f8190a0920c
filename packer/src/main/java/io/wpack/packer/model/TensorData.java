package io.wpack.packer.model;

import java.io.IOException;
import java.io.InputStream;

/**
 * The bytes of one tensor's stored elements, read as a stream so that a tensor larger than
 * the heap (or than 2 GiB) never has to be held in memory at once.
 */
public interface TensorData {
    /** Exact number of bytes {@link #open()} yields. */
    long byteSize();

    /**
     * A fresh stream over the bytes, from the start. May be called more than once. The
     * stream must yield exactly {@link #byteSize()} bytes; a shorter source is a
     * {@link io.wpack.formats.WpkFormatException}.
     */
    InputStream open() throws IOException;

    static TensorData of(byte[] bytes) {
        return new ByteArrayTensorData(bytes);
    }
}
