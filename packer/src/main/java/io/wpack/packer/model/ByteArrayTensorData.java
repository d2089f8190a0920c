package io.wpack.packer.model;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

/** Tensor bytes already in memory. */
public final class ByteArrayTensorData implements TensorData {
    private final byte[] bytes;

    public ByteArrayTensorData(byte[] bytes) {
        this.bytes = bytes;
    }

    @Override
    public long byteSize() {
        return bytes.length;
    }

    @Override
    public InputStream open() {
        return new ByteArrayInputStream(bytes);
    }

    public byte[] bytes() {
        return bytes;
    }
}
