package io.wpack.formats;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PackageHeaderTest {
    private static PackageHeader sample() {
        return new PackageHeader(FormatVersion.CURRENT, 64, 0x1234, 64, 100, 192, 1000);
    }

    @Test
    void roundTripsAndChecksFileSize() throws Exception {
        PackageHeader h = sample();
        byte[] bytes = h.encode();
        assertEquals(PackageHeader.SIZE, bytes.length);
        assertEquals(h, PackageHeader.decode(bytes, h.fileSize()));
        WpkFormatException e = assertThrows(WpkFormatException.class, () -> PackageHeader.decode(bytes, h.fileSize() - 1));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void exactBytesOfTheFixedFields() {
        byte[] b = sample().encode();
        assertEquals((byte) 0x89, b[0]);
        assertEquals('W', b[1]);
        assertEquals('P', b[2]);
        assertEquals('K', b[3]);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1, bb.getInt(8));
        assertEquals(1, b[12]);
        assertEquals(64, bb.getInt(16));
        assertEquals(64L, bb.getLong(24));
        assertEquals(192L, bb.getLong(40));
    }

    @Test
    void tellsTooNewFromTooOld() {
        byte[] newer = withVersion(FormatVersion.CURRENT + 1);
        WpkFormatException e = assertThrows(WpkFormatException.class, () -> PackageHeader.decode(newer, -1));
        assertTrue(e.getMessage().contains("too new"), e.getMessage());
        byte[] older = withVersion(0);
        e = assertThrows(WpkFormatException.class, () -> PackageHeader.decode(older, -1));
        assertTrue(e.getMessage().contains("too old"), e.getMessage());
    }

    @Test
    void rejectsBadMagicAndCorruptCrc() {
        byte[] b = sample().encode();
        b[1] = 'X';
        assertTrue(assertThrows(WpkFormatException.class, () -> PackageHeader.decode(b, -1)).getMessage()
                .contains("magic"));
        byte[] c = sample().encode();
        c[33] ^= 1;
        assertTrue(assertThrows(WpkFormatException.class, () -> PackageHeader.decode(c, -1)).getMessage()
                .contains("checksum"));
    }

    @Test
    void rejectsHugeManifestLengthEvenWithValidCrc() {
        PackageHeader h = new PackageHeader(FormatVersion.CURRENT, 64, 0, 64, FormatVersion.MAX_MANIFEST_BYTES + 1,
                PackageWriter.align(64 + FormatVersion.MAX_MANIFEST_BYTES + 1, 64), 0);
        assertThrows(WpkFormatException.class, () -> PackageHeader.decode(h.encode(), -1));
    }

    @Test
    void rejectsOverflowingDataLength() {
        PackageHeader h = new PackageHeader(FormatVersion.CURRENT, 64, 0, 64, 10, 128, Long.MAX_VALUE - 10);
        assertThrows(WpkFormatException.class, () -> PackageHeader.decode(h.encode(), -1));
    }

    private static byte[] withVersion(int version) {
        PackageHeader h = new PackageHeader(version, 64, 0, 64, 0, 64, 0);
        return h.encode();
    }
}
