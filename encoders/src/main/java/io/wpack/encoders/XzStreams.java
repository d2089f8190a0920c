package io.wpack.encoders;

import io.wpack.formats.WpkFormatException;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.tukaani.xz.LZMA2InputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZ;
import org.tukaani.xz.XZOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.Buffer;
import java.nio.ByteBuffer;

import static io.wpack.formats.Verify.verify;

/**
 * The only class that names xz library types, for {@link XzCodec}; loaded only once the
 * libraries are known to be present.
 */
final class XzStreams {
    private static final int PRESET_DICTIONARY_SIZE = 8 << 20;
    // Bounds the scratch memory when decoding into a direct buffer.
    private static final int CHUNK = 64 * 1024;

    private XzStreams() {
    }

    static byte[] encode(byte[] src, int off, int len) throws IOException {
        // commons-compress's XZCompressorOutputStream only takes a preset; we need to set the
        // dictionary size too, so we build the same stream from the xz library directly.
        LZMA2Options options = new LZMA2Options(XzCodec.PRESET);
        options.setDictSize(Math.max(LZMA2Options.DICT_SIZE_MIN, Math.min(len, PRESET_DICTIONARY_SIZE)));
        ByteArrayOutputStream out = new ByteArrayOutputStream(len / 3 + 64);
        try (XZOutputStream xz = new XZOutputStream(out, options, XZ.CHECK_CRC64)) {
            xz.write(src, off, len);
        }
        return out.toByteArray();
    }

    static void decode(ByteBuffer src, ByteBuffer dst) throws WpkFormatException {
        int expected = dst.remaining();
        ByteBufferInputStream in = new ByteBufferInputStream(src.duplicate());
        try (InputStream xz = new XZCompressorInputStream(in, false, memoryLimitKiB(expected))) {
            if (dst.hasArray()) {
                readFully(xz, dst.array(), dst.arrayOffset() + dst.position(), expected, 0, expected, in);
            } else {
                byte[] chunk = new byte[Math.min(CHUNK, expected)];
                ByteBuffer view = dst.duplicate();
                for (int done = 0; done < expected; ) {
                    int n = Math.min(chunk.length, expected - done);
                    readFully(xz, chunk, 0, n, done, expected, in);
                    view.put(chunk, 0, n);
                    done += n;
                }
            }
            // Reading on to the end is what checks the CRC64, the index and the footer.
            verify(xz.read() == -1, in.consumed(), "xz stream decodes to more than %d bytes", expected);
            // The xz stream stops at its footer; anything after it is not ours.
            verify(in.remaining() == 0, in.consumed(), "%d bytes follow the end of the xz stream", in.remaining());
        } catch (WpkFormatException e) {
            throw e;
        } catch (org.apache.commons.compress.MemoryLimitException e) {
            throw new WpkFormatException(in.consumed(), String.format(
                    "xz stream needs %d KiB to decode, more than its %d-byte output justifies (at most %d KiB)",
                    e.getMemoryNeededInKb(), expected, e.getMemoryLimitInKb()), e);
        } catch (org.tukaani.xz.MemoryLimitException e) {
            throw new WpkFormatException(in.consumed(), String.format(
                    "xz stream needs %d KiB to decode, more than its %d-byte output justifies (at most %d KiB)",
                    e.getMemoryNeeded(), expected, e.getMemoryLimit()), e);
        } catch (IOException | RuntimeException e) {
            // Any failure inside the library on untrusted input means the input is bad.
            throw new WpkFormatException(in.consumed(), "corrupt xz stream: " + e, e);
        }
        Buffers.consume(src);
        Buffers.consume(dst);
    }

    private static void readFully(InputStream xz, byte[] out, int off, int len, int done, int expected,
            ByteBufferInputStream in) throws IOException {
        int filled = 0;
        while (filled < len) {
            int n = xz.read(out, off + filled, len - filled);
            verify(n > 0, in.consumed(), "xz stream decodes to %d bytes, expected %d", done + filled, expected);
            filled += n;
        }
    }

    /**
     * The most memory the decoder may use: enough for a dictionary as large as the output, the
     * largest any encoder needs for it. The .xz header can only state sizes of the form 2^n or
     * 3 * 2^(n-1), so the bound is rounded up to the next one of those.
     */
    static int memoryLimitKiB(int decodedSize) {
        long wanted = Math.max(decodedSize, LZMA2Options.DICT_SIZE_MIN);
        long dictionary = LZMA2InputStream.DICT_SIZE_MAX;
        for (int shift = 11; shift < 31; shift++) {
            if ((2L << shift) >= wanted) {
                dictionary = 2L << shift;
                break;
            }
            if ((3L << shift) >= wanted) {
                dictionary = 3L << shift;
                break;
            }
        }
        return LZMA2InputStream.getMemoryUsage((int) Math.min(dictionary, LZMA2InputStream.DICT_SIZE_MAX));
    }

    /** Reads a buffer's remaining bytes without copying them out first. */
    private static final class ByteBufferInputStream extends InputStream {
        private final ByteBuffer buffer;
        private final int start;

        ByteBufferInputStream(ByteBuffer buffer) {
            this.buffer = buffer;
            this.start = buffer.position();
        }

        int remaining() {
            return buffer.remaining();
        }

        long consumed() {
            return buffer.position() - start;
        }

        @Override
        public int read() {
            return buffer.hasRemaining() ? buffer.get() & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (!buffer.hasRemaining()) {
                return -1;
            }
            int n = Math.min(len, buffer.remaining());
            buffer.get(b, off, n);
            return n;
        }

        @Override
        public long skip(long n) {
            int k = (int) Math.max(0, Math.min(n, buffer.remaining()));
            ((Buffer) buffer).position(buffer.position() + k);
            return k;
        }

        @Override
        public int available() {
            return buffer.remaining();
        }
    }
}
