package io.wpack.packer.onnx;

import com.google.protobuf.ByteString;
import io.wpack.packer.model.TensorData;

import java.io.InputStream;

/** Tensor bytes held in a protobuf {@code raw_data} field, shared with the parsed model rather than copied. */
final class ByteStringTensorData implements TensorData {
    private final ByteString bytes;

    ByteStringTensorData(ByteString bytes) {
        this.bytes = bytes;
    }

    @Override
    public long byteSize() {
        return bytes.size();
    }

    @Override
    public InputStream open() {
        return bytes.newInput();
    }
}
