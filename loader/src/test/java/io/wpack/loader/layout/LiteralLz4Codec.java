package io.wpack.loader.layout;

import io.wpack.encoders.ByteCodec;
import io.wpack.encoders.Codecs;
import io.wpack.formats.WpkFormatException;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * An "lz4" codec for tests whose encoder writes one all-literal LZ4 block (the real encoder
 * needs commons-compress, which the loader does not have); decoding is the loader's own.
 */
final class LiteralLz4Codec implements ByteCodec {
    static final LiteralLz4Codec INSTANCE = new LiteralLz4Codec();

    @Override
    public String name() {
        return "lz4";
    }

    /** Token {@code min(len, 15) << 4}, the length's excess as 255s and a final byte, the literals. */
    @Override
    public byte[] encode(byte[] src, int off, int len) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(len + len / 255 + 2);
        out.write(Math.min(len, 15) << 4);
        if (len >= 15) {
            int rest = len - 15;
            while (rest >= 255) {
                out.write(255);
                rest -= 255;
            }
            out.write(rest);
        }
        out.write(src, off, len);
        return out.toByteArray();
    }

    @Override
    public void decode(ByteBuffer src, ByteBuffer dst) throws WpkFormatException {
        Codecs.LZ4.decode(src, dst);
    }

    @Override
    public int decodeSpeedRank() {
        return 1;
    }
}
