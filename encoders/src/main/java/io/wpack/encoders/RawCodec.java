package io.wpack.encoders;

import io.wpack.formats.WpkFormatException;

import java.nio.ByteBuffer;
import java.util.Arrays;

import static io.wpack.formats.Verify.verify;

/** The identity codec: the stream is the data. Used when nothing else makes the tensor smaller. */
public final class RawCodec implements ByteCodec {
    public static final String NAME = "raw";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public byte[] encode(byte[] src, int off, int len) {
        Buffers.checkRange(src, off, len);
        return Arrays.copyOfRange(src, off, off + len);
    }

    @Override
    public void decode(ByteBuffer src, ByteBuffer dst) throws WpkFormatException {
        verify(src.remaining() == dst.remaining(), 0,
                "raw stream holds %d bytes, expected %d", src.remaining(), dst.remaining());
        dst.put(src);
    }

    @Override
    public int decodeSpeedRank() {
        return 0;
    }

    @Override
    public String toString() {
        return NAME;
    }
}
