package io.wpack.encoders;

import io.wpack.formats.WpkFormatException;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.tukaani.xz.LZMA2InputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class XzCodecTest extends AbstractByteCodecTest {
    private final XzCodec codec = new XzCodec();

    @Override
    protected ByteCodec codec() {
        return codec;
    }

    @Override
    protected boolean checksumsContent() {
        return true;
    }

    @Test
    void streamsAreStandardXzWithCrc64() throws IOException {
        byte[] data = TestData.textLike(50_000, 30);
        byte[] encoded = encode(data);
        // Stream header: magic, then flags 0x00 0x04 (check type 4 = CRC64).
        assertArrayEquals(new byte[] {(byte) 0xFD, '7', 'z', 'X', 'Z', 0, 0, 4}, Arrays.copyOf(encoded, 8));
        try (XZCompressorInputStream in = new XZCompressorInputStream(new ByteArrayInputStream(encoded))) {
            assertArrayEquals(data, in.readAllBytes());
        }
    }

    @Test
    void dictionaryShrinksToTheInput() {
        // The smallest dictionary the header can state, for small tensors; preset 6's 8 MiB at most.
        assertEquals(LZMA2InputStream.getMemoryUsage(4096), XzStreams.memoryLimitKiB(0));
        assertEquals(LZMA2InputStream.getMemoryUsage(4096), XzStreams.memoryLimitKiB(4096));
        assertEquals(LZMA2InputStream.getMemoryUsage(6144), XzStreams.memoryLimitKiB(4097));
        assertEquals(LZMA2InputStream.getMemoryUsage(3 << 20), XzStreams.memoryLimitKiB((2 << 20) + 1));
        assertEquals(LZMA2InputStream.getMemoryUsage(LZMA2InputStream.DICT_SIZE_MAX),
                XzStreams.memoryLimitKiB(Integer.MAX_VALUE));
    }

    @Test
    void dictionaryLargerThanTheOutputIsRejected() throws IOException {
        // commons-compress's stream at preset 6 states an 8 MiB dictionary whatever the input size.
        byte[] data = TestData.textLike(10_000, 31);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (XZCompressorOutputStream xz = new XZCompressorOutputStream(out, 6)) {
            xz.write(data);
        }
        WpkFormatException e = assertThrows(WpkFormatException.class,
                () -> codec.decode(ByteBuffer.wrap(out.toByteArray()), ByteBuffer.allocate(data.length)));
        assertTrue(e.getMessage().contains("KiB to decode"), e.getMessage());
    }
}
