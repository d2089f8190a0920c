package io.wpack.encoders;

import io.wpack.formats.WpkFormatException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DeflateCodecTest extends AbstractByteCodecTest {
    private final DeflateCodec codec = new DeflateCodec();

    @Override
    protected ByteCodec codec() {
        return codec;
    }

    @Test
    void emptyInputIsOneEmptyFinalBlock() {
        // BFINAL=1, BTYPE=01 (fixed Huffman), end-of-block code: no header, no checksum.
        assertArrayEquals(new byte[] {3, 0}, codec.encode(new byte[0], 0, 0));
    }

    @Test
    void decodesStreamsFromOtherSettings() throws WpkFormatException {
        byte[] data = TestData.mixed(200_000, 40);
        for (int level : new int[] {0, 1, 6}) {
            for (int strategy : new int[] {Deflater.DEFAULT_STRATEGY, Deflater.HUFFMAN_ONLY, Deflater.FILTERED}) {
                assertArrayEquals(data, decode(deflate(data, level, strategy, false), data.length));
            }
        }
        // Sync flushes leave empty stored blocks in the middle of the stream.
        assertArrayEquals(data, decode(deflate(data, 9, Deflater.DEFAULT_STRATEGY, true), data.length));
    }

    @Test
    void zlibWrappedStreamsAreRejected() {
        byte[] data = TestData.textLike(1000, 41);
        Deflater zlib = new Deflater(9, false);
        zlib.setInput(data);
        zlib.finish();
        byte[] buffer = new byte[2000];
        int n = zlib.deflate(buffer);
        zlib.end();
        byte[] stream = Arrays.copyOf(buffer, n);
        assertThrows(WpkFormatException.class, () -> decode(stream, data.length));
    }

    private byte[] decode(byte[] stream, int size) throws WpkFormatException {
        ByteBuffer dst = ByteBuffer.allocate(size);
        codec.decode(ByteBuffer.wrap(stream), dst);
        return dst.array();
    }

    private static byte[] deflate(byte[] data, int level, int strategy, boolean syncFlushes) {
        Deflater deflater = new Deflater(level, true);
        deflater.setStrategy(strategy);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int step = syncFlushes ? 10_000 : data.length;
        for (int off = 0; off < data.length; off += step) {
            deflater.setInput(data, off, Math.min(step, data.length - off));
            while (!deflater.needsInput()) {
                out.write(buffer, 0, deflater.deflate(buffer, 0, buffer.length, Deflater.NO_FLUSH));
            }
            if (syncFlushes) {
                int n;
                do {
                    n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
                    out.write(buffer, 0, n);
                } while (n == buffer.length);
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.toByteArray();
    }
}
