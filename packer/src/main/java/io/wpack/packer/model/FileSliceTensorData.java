package io.wpack.packer.model;

import io.wpack.formats.Verify;
import io.wpack.formats.WpkFormatException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A byte range of a file: safetensors data, TF.js shards, ONNX external data, raw npy. */
public final class FileSliceTensorData implements TensorData {
    private final Path file;
    private final long offset;
    private final long length;

    /** Checks that the range lies inside the file as it is now. */
    public FileSliceTensorData(Path file, long offset, long length) throws IOException {
        long fileSize = java.nio.file.Files.size(file);
        Verify.verify(offset >= 0 && length >= 0 && offset <= fileSize && length <= fileSize - offset,
                "%s: byte range [%d, +%d) lies outside the file (%d bytes)", file.getFileName(), offset, length, fileSize);
        this.file = file;
        this.offset = offset;
        this.length = length;
    }

    @Override
    public long byteSize() {
        return length;
    }

    @Override
    public InputStream open() throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        return new InputStream() {
            private long pos = offset;
            private final long end = offset + length;

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
                if (pos >= end) {
                    return -1;
                }
                int want = (int) Math.min(len, end - pos);
                int n = ch.read(ByteBuffer.wrap(b, off, want), pos);
                if (n < 0) {
                    throw new WpkFormatException(pos, file.getFileName() + " ended early (it changed while being read?)");
                }
                pos += n;
                return n;
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    }

    public Path file() {
        return file;
    }

    public long offset() {
        return offset;
    }
}
