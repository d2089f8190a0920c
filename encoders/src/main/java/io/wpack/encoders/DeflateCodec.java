package io.wpack.encoders;

import io.wpack.formats.WpkFormatException;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import static io.wpack.formats.Verify.verify;

/**
 * Raw deflate (RFC 1951: no zlib or gzip wrapper, so no header, checksum or timestamp; the
 * package checksums each tensor itself), at level 9. Both sides use {@code java.util.zip}, so
 * the loader needs no library.
 *
 * <p>The output is deterministic for a given zlib build; different zlib versions may choose
 * different but equally valid streams.
 */
public final class DeflateCodec implements ByteCodec {
    public static final String NAME = "deflate";

    private static final int LEVEL = 9;
    // Bounds the scratch memory for direct destinations and the encoder's output chunks.
    private static final int CHUNK = 64 * 1024;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public byte[] encode(byte[] src, int off, int len) {
        Buffers.checkRange(src, off, len);
        Deflater deflater = new Deflater(LEVEL, true);
        try {
            deflater.setInput(src, off, len);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(len / 2 + 64);
            byte[] chunk = new byte[CHUNK];
            while (!deflater.finished()) {
                int n = deflater.deflate(chunk);
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    @Override
    public void decode(ByteBuffer src, ByteBuffer dst) throws WpkFormatException {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(Buffers.arrayOf(src), Buffers.arrayOffsetOf(src), src.remaining());
            int expected = dst.remaining();
            if (dst.hasArray()) {
                inflateFully(inflater, dst.array(), dst.arrayOffset() + dst.position(), expected, 0, expected);
            } else {
                byte[] chunk = new byte[Math.min(CHUNK, expected)];
                ByteBuffer view = dst.duplicate();
                for (int done = 0; done < expected; ) {
                    int n = Math.min(chunk.length, expected - done);
                    inflateFully(inflater, chunk, 0, n, done, expected);
                    view.put(chunk, 0, n);
                    done += n;
                }
            }
            requireEnd(inflater, expected);
        } catch (DataFormatException e) {
            throw new WpkFormatException(inflater.getBytesRead(), "corrupt deflate stream: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
        Buffers.consume(src);
        Buffers.consume(dst);
    }

    /** Fills {@code out[off, off + len)}; {@code done} and {@code expected} only word the errors. */
    private static void inflateFully(Inflater inflater, byte[] out, int off, int len, long done, long expected)
            throws DataFormatException, WpkFormatException {
        int filled = 0;
        int remainingIn = inflater.getRemaining();
        while (filled < len) {
            int n = inflater.inflate(out, off + filled, len - filled);
            filled += n;
            if (n == 0) {
                verify(!inflater.finished(), inflater.getBytesRead(),
                        "deflate stream decodes to %d bytes, expected %d", done + filled, expected);
                verify(!inflater.needsInput(), inflater.getBytesRead(),
                        "deflate stream is truncated after %d of %d bytes", done + filled, expected);
                verify(!inflater.needsDictionary(), inflater.getBytesRead(), "deflate stream asks for a preset dictionary");
                // Neither output nor a reason for none: only go on while input is being consumed.
                verify(inflater.getRemaining() < remainingIn, inflater.getBytesRead(), "deflate stream makes no progress");
            }
            remainingIn = inflater.getRemaining();
        }
    }

    /** With the destination full, the stream must end right here: no more output and no input left over. */
    private static void requireEnd(Inflater inflater, int expected) throws DataFormatException, WpkFormatException {
        byte[] probe = new byte[1];
        int remainingIn = inflater.getRemaining();
        while (!inflater.finished()) {
            // The end-of-block code that follows the last byte is only consumed by another call.
            int n = inflater.inflate(probe);
            verify(n == 0, inflater.getBytesRead(), "deflate stream decodes to more than %d bytes", expected);
            if (inflater.finished()) {
                break;
            }
            verify(!inflater.needsInput(), inflater.getBytesRead(),
                    "deflate stream is truncated after its %d bytes of output", expected);
            verify(!inflater.needsDictionary(), inflater.getBytesRead(), "deflate stream asks for a preset dictionary");
            verify(inflater.getRemaining() < remainingIn, inflater.getBytesRead(), "deflate stream makes no progress");
            remainingIn = inflater.getRemaining();
        }
        verify(inflater.getRemaining() == 0, inflater.getBytesRead(),
                "%d bytes follow the end of the deflate stream", inflater.getRemaining());
    }

    @Override
    public int decodeSpeedRank() {
        return 5;
    }

    @Override
    public String toString() {
        return NAME;
    }
}
