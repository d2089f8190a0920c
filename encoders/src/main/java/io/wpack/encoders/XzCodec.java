package io.wpack.encoders;

import io.wpack.formats.WpkFormatException;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The .xz container with one LZMA2 filter at preset 6 and a CRC64 check, single-threaded: the
 * smallest output of the general-purpose codecs and the slowest to decode.
 *
 * <p>Needs commons-compress and org.tukaani:xz at run time, on both sides. The loader does not
 * pull them in, so a loader without them reports packages that use this codec as unreadable
 * instead of failing with a linkage error.
 *
 * <p>The encoder shrinks the LZMA2 dictionary to the input size (never above preset 6's 8 MiB):
 * a dictionary larger than the data compresses no better, and the decoder has to allocate it in
 * full. The decoder in turn refuses dictionaries larger than the destination, so a corrupt
 * header cannot make it allocate more memory than the tensor it decodes.
 */
public final class XzCodec implements ByteCodec {
    public static final String NAME = "xz";

    static final int PRESET = 6;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public byte[] encode(byte[] src, int off, int len) throws IOException {
        Buffers.checkRange(src, off, len);
        if (!OptionalLibraries.xzPresent()) {
            throw new IllegalStateException(
                    "xz encoding needs org.apache.commons:commons-compress and org.tukaani:xz on the classpath");
        }
        return XzStreams.encode(src, off, len);
    }

    @Override
    public void decode(ByteBuffer src, ByteBuffer dst) throws WpkFormatException {
        if (!OptionalLibraries.xzPresent()) {
            throw new WpkFormatException("this package uses the xz codec; "
                    + "add org.apache.commons:commons-compress and org.tukaani:xz to the classpath");
        }
        XzStreams.decode(src, dst);
    }

    @Override
    public int decodeSpeedRank() {
        return 6;
    }

    @Override
    public String toString() {
        return NAME;
    }
}
