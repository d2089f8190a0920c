package io.wpack.encoders;

import io.wpack.formats.WpkFormatException;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One general-purpose stage of a tensor's encoding chain: turns bytes into fewer bytes and back.
 *
 * <p>The decoded length is never stored in the encoded stream; the caller knows it from the
 * package manifest and passes a destination of exactly that size. That is what lets every
 * decoder bound its work and memory by the destination instead of by sizes read from untrusted
 * input.
 *
 * <p>Implementations are stateless and safe to share between threads.
 */
public interface ByteCodec {
    /** The name recorded in the package manifest, for example {@code "lz4"}. Never changes once released. */
    String name();

    /**
     * Encodes {@code src[off, off + len)}. The output depends only on the input bytes (no
     * timestamps, no thread count), so that packing the same model twice gives the same package.
     *
     * @throws IOException if the encoder fails
     * @throws IllegalStateException if a library the encoder needs is not on the classpath
     */
    byte[] encode(byte[] src, int off, int len) throws IOException;

    /**
     * Decodes all of {@code src}'s remaining bytes into exactly {@code dst.remaining()} bytes.
     * Either buffer may be heap or direct. On success both positions have advanced to their
     * limits; on failure the positions are unchanged and the contents of {@code dst} between its
     * position and limit are unspecified. Bytes of {@code dst} outside that range are never
     * written.
     *
     * @throws WpkFormatException if {@code src} is not a valid stream for this codec that decodes
     *     to exactly {@code dst.remaining()} bytes: too much or too little output, a truncated
     *     stream, bytes after its end, a back-reference before the start of the output, a failed
     *     integrity check, or a library this codec needs at run time is missing
     */
    void decode(ByteBuffer src, ByteBuffer dst) throws WpkFormatException;

    /**
     * Parameters recorded with the codec's name in the manifest stage, in a fixed order; a
     * codec configured for an element width (for example a float coder) lists it here, and
     * {@link Codecs#create} rebuilds the same codec from name and parameters.
     */
    default java.util.Map<String, String> params() {
        return java.util.Collections.emptyMap();
    }

    /** Lower decodes faster. The packer uses it to choose between codecs whose outputs are as small. */
    int decodeSpeedRank();
}
