package io.wpack.formats;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The 16-byte footer after the data section: the total file size and a closing magic. It
 * lets a streaming reader confirm it saw the whole file, and a random-access reader tell a
 * truncated file from a corrupt one.
 *
 * <pre>
 *  0  8  file size   u64, including the footer
 *  8  4  CRC32C      u32 over bytes 0..7
 * 12  4  end magic   "WPKE"
 * </pre>
 */
public final class PackageFooter {
    public static final int SIZE = 16;
    private static final byte[] END_MAGIC = {'W', 'P', 'K', 'E'};

    private PackageFooter() {
    }

    public static byte[] encode(long fileSize) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(fileSize);
        b.putInt(Crc32c.of(b.array(), 0, 8));
        b.put(END_MAGIC);
        return b.array();
    }

    public static void check(byte[] bytes, PackageHeader header) throws WpkFormatException {
        long at = header.footerOffset();
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < END_MAGIC.length; i++) {
            Verify.verify(bytes[12 + i] == END_MAGIC[i], at + 12 + i, "bad footer magic: the package is truncated or corrupt");
        }
        Verify.verify(b.getInt(8) == Crc32c.of(bytes, 0, 8), at + 8, "footer checksum mismatch: the package is corrupt");
        Verify.verify(b.getLong(0) == header.fileSize(), at, "footer records file size %d but the header describes %d",
                b.getLong(0), header.fileSize());
    }
}
