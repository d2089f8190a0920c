package io.wpack.formats;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The fixed 64-byte header at the start of every package. See FORMAT.md for the grammar:
 *
 * <pre>
 *  0  8  magic            89 57 50 4B 0D 0A 1A 0A  ("\x89WPK\r\n\x1a\n")
 *  8  4  format version   u32
 * 12  1  byte order       1 = little-endian (the only order written)
 * 13  1  manifest codec   0 = protobuf as is, 1 = raw DEFLATE of the protobuf
 * 14  2  reserved         zero
 * 16  4  alignment        u32, power of two, 64..4096
 * 20  4  manifest CRC32C  u32
 * 24  8  manifest offset  u64, always 64
 * 32  8  manifest length  u64
 * 40  8  data offset      u64, multiple of the alignment
 * 48  8  data length      u64
 * 56  4  manifest decoded length  u32: protobuf bytes after decoding (equals the length when codec 0)
 * 60  4  header CRC32C    u32 over bytes 0..59
 * </pre>
 */
public record PackageHeader(int version, int alignment, int manifestCrc, long manifestOffset, long manifestLength,
                            long dataOffset, long dataLength, int manifestCodec, long manifestDecodedLength) {

    public static final int MANIFEST_RAW = 0;
    public static final int MANIFEST_DEFLATE = 1;

    /** A header whose manifest is stored as plain protobuf. */
    public PackageHeader(int version, int alignment, int manifestCrc, long manifestOffset, long manifestLength,
                         long dataOffset, long dataLength) {
        this(version, alignment, manifestCrc, manifestOffset, manifestLength, dataOffset, dataLength, MANIFEST_RAW,
                manifestLength);
    }

    public static final int SIZE = 64;
    static final byte[] MAGIC = {(byte) 0x89, 'W', 'P', 'K', '\r', '\n', 0x1A, '\n'};
    static final byte BYTE_ORDER_LITTLE_ENDIAN = 1;

    /** Offset of the footer, which follows the data section. */
    public long footerOffset() {
        return dataOffset + dataLength;
    }

    /** Total file size this header describes. */
    public long fileSize() {
        return footerOffset() + PackageFooter.SIZE;
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC);
        b.putInt(version);
        b.put(BYTE_ORDER_LITTLE_ENDIAN).put((byte) manifestCodec).put((byte) 0).put((byte) 0);
        b.putInt(alignment);
        b.putInt(manifestCrc);
        b.putLong(manifestOffset);
        b.putLong(manifestLength);
        b.putLong(dataOffset);
        b.putLong(dataLength);
        b.putInt((int) manifestDecodedLength);
        b.putInt(Crc32c.of(b.array(), 0, 60));
        return b.array();
    }

    /**
     * Parses and checks a header. {@code fileSize} is the file's length when known, or -1 for a
     * stream; when known, every region the header names must lie inside it.
     */
    public static PackageHeader decode(byte[] bytes, long fileSize) throws WpkFormatException {
        Verify.verify(bytes.length >= SIZE, 0, "not a wpack package: shorter than the %d-byte header", SIZE);
        for (int i = 0; i < MAGIC.length; i++) {
            Verify.verify(bytes[i] == MAGIC[i], i, "not a wpack package: bad magic");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 0, SIZE).order(ByteOrder.LITTLE_ENDIAN);
        int version = b.getInt(8);
        // Version before the CRC so a newer header layout is reported as "too new", not "corrupt".
        Verify.verify(version >= FormatVersion.OLDEST_READABLE, 8,
                "package format version %d is too old: this reader supports versions %d to %d",
                version, FormatVersion.OLDEST_READABLE, FormatVersion.CURRENT);
        Verify.verify(version <= FormatVersion.CURRENT, 8,
                "package format version %d is too new: this reader supports versions %d to %d; upgrade wpack",
                version, FormatVersion.OLDEST_READABLE, FormatVersion.CURRENT);
        int storedCrc = b.getInt(60);
        Verify.verify(storedCrc == Crc32c.of(bytes, 0, 60), 60, "header checksum mismatch: the package is corrupt");
        Verify.verify(bytes[12] == BYTE_ORDER_LITTLE_ENDIAN, 12, "unsupported byte order mark %d", bytes[12]);
        int manifestCodec = bytes[13];
        Verify.verify(manifestCodec == MANIFEST_RAW || manifestCodec == MANIFEST_DEFLATE, 13,
                "unknown manifest codec %d", manifestCodec);
        Verify.verify(bytes[14] == 0 && bytes[15] == 0, 14, "reserved header bytes are not zero");
        int alignment = b.getInt(16);
        Verify.verify(alignment >= FormatVersion.MIN_ALIGNMENT && alignment <= FormatVersion.MAX_ALIGNMENT
                && Integer.bitCount(alignment) == 1, 16, "alignment %d is not a power of two in [%d, %d]",
                alignment, FormatVersion.MIN_ALIGNMENT, FormatVersion.MAX_ALIGNMENT);
        int manifestCrc = b.getInt(20);
        long manifestOffset = b.getLong(24);
        long manifestLength = b.getLong(32);
        long dataOffset = b.getLong(40);
        long dataLength = b.getLong(48);
        long manifestDecoded = Integer.toUnsignedLong(b.getInt(56));
        Verify.verify(manifestOffset == SIZE, 24, "manifest offset %d is not %d", manifestOffset, SIZE);
        Verify.verify(manifestLength >= 0 && manifestLength <= FormatVersion.MAX_MANIFEST_BYTES, 32,
                "manifest length %d is out of range (limit %d)", manifestLength, FormatVersion.MAX_MANIFEST_BYTES);
        Verify.verify(manifestDecoded <= FormatVersion.MAX_MANIFEST_BYTES, 56,
                "decoded manifest length %d is out of range (limit %d)", manifestDecoded, FormatVersion.MAX_MANIFEST_BYTES);
        Verify.verify(manifestCodec != MANIFEST_RAW || manifestDecoded == manifestLength, 56,
                "decoded manifest length %d differs from the stored length %d of a plain manifest", manifestDecoded,
                manifestLength);
        long manifestEnd = manifestOffset + manifestLength;
        Verify.verify(dataOffset >= manifestEnd && dataOffset % alignment == 0 && dataOffset - manifestEnd < alignment,
                40, "data offset %d does not follow the manifest (ends at %d) at the next %d-byte boundary",
                dataOffset, manifestEnd, alignment);
        Verify.verify(dataLength >= 0 && dataLength <= Long.MAX_VALUE - dataOffset - PackageFooter.SIZE, 48,
                "data length %d is out of range", dataLength);
        if (fileSize >= 0) {
            Verify.verify(manifestEnd <= fileSize, 32, "manifest (%d bytes) extends past the end of the file (%d bytes)",
                    manifestLength, fileSize);
            long expected = dataOffset + dataLength + PackageFooter.SIZE;
            Verify.verify(expected == fileSize, 48, "file is %d bytes but its header describes %d bytes%s", fileSize,
                    expected, fileSize < expected ? " (truncated?)" : "");
        }
        return new PackageHeader(version, alignment, manifestCrc, manifestOffset, manifestLength, dataOffset,
                dataLength, manifestCodec, manifestDecoded);
    }
}
