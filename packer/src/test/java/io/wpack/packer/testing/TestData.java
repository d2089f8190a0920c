package io.wpack.packer.testing;

import io.wpack.packer.model.TensorData;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Helpers shared by the importer tests. */
public final class TestData {
    private TestData() {
    }

    /** All bytes of a tensor, checking that the stream yields exactly byteSize() of them. */
    public static byte[] readAll(TensorData data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = data.open()) {
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
        }
        byte[] b = out.toByteArray();
        if (b.length != data.byteSize()) {
            throw new AssertionError("stream gave " + b.length + " bytes, byteSize() says " + data.byteSize());
        }
        return b;
    }

    /** Deterministic pseudo-random bytes. */
    public static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        int x = seed * 0x9E3779B9 + 1;
        for (int i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            b[i] = (byte) x;
        }
        return b;
    }

    public static ByteBuffer le(int capacity) {
        return ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
