package io.wpack.formats;

import io.wpack.formats.proto.Chunk;
import io.wpack.formats.proto.Manifest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.List;

/**
 * One pass over a package from a non-seekable stream. The header and manifest come first,
 * so the reader knows every chunk's place before it sees the data; chunks then arrive in
 * file order. Memory is one chunk buffer, bounded by the largest chunk, whatever the model
 * size. Every byte is checked: padding must be zero, each chunk's CRC must match, and the
 * footer must follow the last chunk.
 */
public final class PackageStreamReader {
    private final InputStream in;
    private final PackageHeader header;
    private final Manifest manifest;
    private final List<TensorEntry> tensors;
    private long position;
    private int tensorIndex;
    private int chunkIndex;
    private ByteBuffer buffer;
    private boolean done;

    /** Reads and checks the header and manifest. */
    public PackageStreamReader(InputStream in) throws IOException {
        this.in = in;
        byte[] head = readBytes(PackageHeader.SIZE, "header");
        this.header = PackageHeader.decode(head, -1);
        byte[] manifestBytes = readBytes((int) header.manifestLength(), "manifest");
        // parseManifest checks the CRC over the stored bytes, then inflates a deflated manifest.
        this.manifest = PackageFile.parseManifest(manifestBytes, header);
        this.tensors = Collections.unmodifiableList(ManifestValidator.validate(manifest, header));
        skipZeros(header.dataOffset() - position);
    }

    public PackageHeader header() {
        return header;
    }

    public Manifest manifest() {
        return manifest;
    }

    public List<TensorEntry> tensors() {
        return tensors;
    }

    /** A chunk as read from the stream; {@code stored} is valid until the next call to {@link #next}. */
    public record ChunkRead(TensorEntry tensor, int chunkIndex, ByteBuffer stored) {
    }

    /**
     * The next chunk in file order with its CRC checked (a tensor that shares another's chunks,
     * {@link TensorEntry#sameAs}, has none of its own and never appears here), or null after the last one, once
     * the footer has been checked.
     */
    public ChunkRead next() throws IOException {
        if (done) {
            return null;
        }
        while (tensorIndex < tensors.size() && chunkIndex >= tensors.get(tensorIndex).proto().getChunksCount()) {
            tensorIndex++;
            chunkIndex = 0;
        }
        if (tensorIndex >= tensors.size()) {
            finish();
            return null;
        }
        TensorEntry t = tensors.get(tensorIndex);
        Chunk c = t.proto().getChunks(chunkIndex);
        skipZeros(header.dataOffset() + c.getOffset() - position);
        int len = (int) c.getStoredLength();
        long chunkPos = position;
        readChunkBytes(len, "tensor '" + t.name() + "'");
        buffer.clear().limit(len);
        Verify.verify(Crc32c.of(buffer.array(), 0, len) == c.getCrc32C(), chunkPos,
                "checksum mismatch in tensor '%s' (chunk %d): the package is corrupt", t.name(), chunkIndex);
        return new ChunkRead(t, chunkIndex++, buffer);
    }

    private void finish() throws IOException {
        byte[] footer = readBytes(PackageFooter.SIZE, "footer");
        PackageFooter.check(footer, header);
        Verify.verify(in.read() < 0, position, "unexpected bytes after the footer");
        done = true;
    }

    private byte[] readBytes(int n, String what) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new WpkFormatException(position + b.length, "unexpected end of stream while reading " + what
                    + (position == 0 && b.length == 0 ? " (empty input)" : " (truncated?)"));
        }
        position += n;
        return b;
    }

    private void readInto(byte[] dst, int n, String what) throws IOException {
        int got = 0;
        while (got < n) {
            int k = in.read(dst, got, n - got);
            if (k < 0) {
                throw new WpkFormatException(position + got, "unexpected end of stream while reading " + what
                        + " (truncated?)");
            }
            got += k;
        }
        position += n;
    }

    /**
     * Reads a chunk into the reusable buffer, growing it only as bytes actually arrive: a
     * hostile manifest may name a 1 GiB chunk in a stream that holds a few bytes.
     */
    private void readChunkBytes(int n, String what) throws IOException {
        if (buffer == null) {
            buffer = ByteBuffer.allocate(Math.min(Math.max(n, 1), 1 << 20));
        }
        int got = 0;
        while (got < n) {
            if (got == buffer.capacity()) {
                ByteBuffer bigger = ByteBuffer.allocate((int) Math.min((long) n, 2L * buffer.capacity()));
                bigger.put(buffer.array(), 0, got);
                buffer = bigger;
            }
            int k = in.read(buffer.array(), got, Math.min(n, buffer.capacity()) - got);
            if (k < 0) {
                throw new WpkFormatException(position + got, "unexpected end of stream while reading " + what
                        + " (truncated?)");
            }
            got += k;
        }
        position += n;
    }

    private void skipZeros(long n) throws IOException {
        Verify.verify(n >= 0, position, "chunk offsets go backwards");
        byte[] tmp = new byte[(int) Math.min(Math.max(n, 1), 4096)];
        while (n > 0) {
            int k = (int) Math.min(n, tmp.length);
            readInto(tmp, k, "padding");
            for (int i = 0; i < k; i++) {
                Verify.verify(tmp[i] == 0, position - k + i, "padding byte is not zero: the package is corrupt");
            }
            n -= k;
        }
    }
}
