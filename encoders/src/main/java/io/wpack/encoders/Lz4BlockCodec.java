package io.wpack.encoders;

import io.wpack.formats.WpkFormatException;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * LZ4 block format (see {@link Lz4BlockDecoder} for the byte grammar): the fastest decoder after
 * raw, for tensors with repeated byte runs such as zero padding or pruned weights.
 *
 * <p>Encoding uses commons-compress's match finder, which is on the packer's classpath (see
 * {@link Lz4BlockEncoder}). Decoding is our own and needs no library.
 */
public final class Lz4BlockCodec implements ByteCodec {
    public static final String NAME = "lz4";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public byte[] encode(byte[] src, int off, int len) throws IOException {
        Buffers.checkRange(src, off, len);
        if (len == 0) {
            return new byte[] {0}; // one token with no literals, as the reference encoder writes
        }
        if (!OptionalLibraries.commonsCompressPresent()) {
            throw new IllegalStateException("lz4 encoding needs org.apache.commons:commons-compress on the classpath");
        }
        return Lz4BlockEncoder.encode(src, off, len);
    }

    @Override
    public void decode(ByteBuffer src, ByteBuffer dst) throws WpkFormatException {
        byte[] in = Buffers.arrayOf(src);
        int inStart = Buffers.arrayOffsetOf(src);
        int inEnd = inStart + src.remaining();
        int outLength = dst.remaining();
        if (dst.hasArray()) {
            int outStart = dst.arrayOffset() + dst.position();
            Lz4BlockDecoder.decode(in, inStart, inEnd, dst.array(), outStart, outStart + outLength);
        } else {
            // Back-references need random access to the output, which is far faster on an array
            // than through a direct buffer's accessors; this costs one heap copy of the tensor.
            byte[] out = new byte[outLength];
            Lz4BlockDecoder.decode(in, inStart, inEnd, out, 0, outLength);
            Buffers.putAtPosition(dst, out, 0, outLength);
        }
        Buffers.consume(src);
        Buffers.consume(dst);
    }

    @Override
    public int decodeSpeedRank() {
        return 1;
    }

    @Override
    public String toString() {
        return NAME;
    }
}
