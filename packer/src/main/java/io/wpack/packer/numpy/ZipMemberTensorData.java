package io.wpack.packer.numpy;

import io.wpack.formats.WpkFormatException;
import io.wpack.packer.io.StreamBytes;
import io.wpack.packer.model.FileSliceTensorData;
import io.wpack.packer.model.TensorData;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * The array elements of one {@code .npz} member, read straight from the member's bytes in
 * the zip file and inflated on the fly when the member is deflated.
 *
 * <p>The stream yields exactly {@link #byteSize()} bytes after skipping the npy header.
 * When it has delivered the last one it checks that the member ends there and that the
 * CRC-32 of the whole member matches the zip directory. The directory's sizes are not
 * trusted for allocation: output is capped at the size the npy header implies, so a
 * member that inflates to more (a zip bomb) fails after one extra byte.
 */
final class ZipMemberTensorData implements TensorData {
    private final FileSliceTensorData stored;
    private final boolean deflated;
    private final long headerLength;
    private final long dataLength;
    private final long expectedCrc;
    private final String what;

    ZipMemberTensorData(FileSliceTensorData stored, boolean deflated, long headerLength, long dataLength,
                        long expectedCrc, String what) {
        this.stored = stored;
        this.deflated = deflated;
        this.headerLength = headerLength;
        this.dataLength = dataLength;
        this.expectedCrc = expectedCrc;
        this.what = what;
    }

    @Override
    public long byteSize() {
        return dataLength;
    }

    @Override
    public InputStream open() throws IOException {
        InputStream raw = stored.open();
        Inflater inflater = deflated ? new Inflater(true) : null;
        InputStream member = deflated ? new InflaterInputStream(raw, inflater, 1 << 16) : raw;
        CRC32 crc = new CRC32();
        InputStream result = new InputStream() {
            private long left = dataLength;
            private boolean checked;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                if (left == 0) {
                    checkEnd();
                    return -1;
                }
                int n = readMember(b, off, (int) Math.min(len, left));
                if (n < 0) {
                    throw new WpkFormatException(what + ": member data ended " + left + " bytes early");
                }
                crc.update(b, off, n);
                left -= n;
                if (left == 0) {
                    checkEnd();
                }
                return n;
            }

            private void checkEnd() throws IOException {
                if (checked) {
                    return;
                }
                checked = true;
                if (readMember(new byte[1], 0, 1) >= 0) {
                    throw new WpkFormatException(what + ": member holds more bytes than its npy header's "
                            + "shape and dtype account for");
                }
                if (crc.getValue() != expectedCrc) {
                    throw new WpkFormatException(String.format("%s: CRC-32 %08x does not match the zip directory's "
                            + "%08x (corrupt member)", what, crc.getValue(), expectedCrc));
                }
            }

            @Override
            public void close() throws IOException {
                try {
                    member.close();
                } finally {
                    if (inflater != null) {
                        inflater.end();
                    }
                }
            }

            private int readMember(byte[] b, int off, int len) throws IOException {
                try {
                    return member.read(b, off, len);
                } catch (ZipException | EOFException e) {
                    throw new WpkFormatException(what + ": corrupt deflate data: " + e.getMessage(), e);
                }
            }
        };
        // Skip the header, folding it into the CRC, which covers the whole member.
        try {
            byte[] header = new byte[(int) headerLength];
            try {
                StreamBytes.readFully(member, header, 0, header.length, what + ": npy header");
            } catch (ZipException | EOFException e) {
                throw new WpkFormatException(what + ": corrupt deflate data: " + e.getMessage(), e);
            }
            crc.update(header, 0, header.length);
        } catch (IOException | RuntimeException e) {
            result.close();
            throw e;
        }
        return result;
    }
}
