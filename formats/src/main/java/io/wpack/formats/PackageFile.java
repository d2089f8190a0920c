package io.wpack.formats;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.wpack.formats.proto.Chunk;
import io.wpack.formats.proto.Manifest;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Random access to a package through a seekable channel. Opening reads and checks the
 * header, manifest and footer only; each chunk is read, and its CRC checked, on request.
 */
public final class PackageFile implements Closeable {
    private final SeekableByteChannel channel;
    private final boolean ownsChannel;
    private final PackageHeader header;
    private final Manifest manifest;
    private final List<TensorEntry> tensors;
    private final Map<String, TensorEntry> byName;

    private PackageFile(SeekableByteChannel channel, boolean ownsChannel) throws IOException {
        this.channel = channel;
        this.ownsChannel = ownsChannel;
        long size = channel.size();
        byte[] head = new byte[(int) Math.min(size, PackageHeader.SIZE)];
        readFully(0, ByteBuffer.wrap(head), "header");
        this.header = PackageHeader.decode(head, size);
        byte[] manifestBytes = new byte[(int) header.manifestLength()];
        readFully(header.manifestOffset(), ByteBuffer.wrap(manifestBytes), "manifest");
        this.manifest = parseManifest(manifestBytes, header);
        byte[] footer = new byte[PackageFooter.SIZE];
        readFully(header.footerOffset(), ByteBuffer.wrap(footer), "footer");
        PackageFooter.check(footer, header);
        this.tensors = Collections.unmodifiableList(ManifestValidator.validate(manifest, header));
        Map<String, TensorEntry> m = new HashMap<>();
        for (TensorEntry t : tensors) {
            m.put(t.name(), t);
        }
        this.byName = m;
    }

    public static PackageFile open(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return new PackageFile(ch, true);
        } catch (IOException | RuntimeException e) {
            try {
                ch.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Reads from a caller-owned channel, which stays open after {@link #close}. */
    public static PackageFile open(SeekableByteChannel channel) throws IOException {
        return new PackageFile(channel, false);
    }

    static Manifest parseManifest(byte[] bytes, PackageHeader header) throws WpkFormatException {
        int crc = Crc32c.of(bytes, 0, bytes.length);
        Verify.verify(crc == header.manifestCrc(), header.manifestOffset(), "manifest checksum mismatch: the package is corrupt");
        if (header.manifestCodec() == PackageHeader.MANIFEST_DEFLATE) {
            bytes = inflateManifest(bytes, header);
        }
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setRecursionLimit(32);
            return Manifest.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw new WpkFormatException(header.manifestOffset(), "manifest does not parse: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new WpkFormatException(header.manifestOffset(), "manifest does not parse: " + e.getMessage(), e);
        }
    }

    private static byte[] inflateManifest(byte[] stored, PackageHeader header) throws WpkFormatException {
        // Output is bounded by the header's decoded length (itself capped), never by the stream.
        byte[] out = new byte[(int) header.manifestDecodedLength()];
        java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
        try {
            inflater.setInput(stored);
            int n = 0;
            while (n < out.length) {
                int k = inflater.inflate(out, n, out.length - n);
                if (k == 0) {
                    break; // finished early, truncated, or wants a dictionary: all reported below
                }
                n += k;
            }
            Verify.verify(n == out.length && (inflater.finished() || finishesWithoutOutput(inflater)),
                    header.manifestOffset(), "compressed manifest does not decode to its recorded %d bytes",
                    out.length);
            Verify.verify(inflater.getRemaining() == 0, header.manifestOffset(), "bytes after the compressed manifest");
            return out;
        } catch (java.util.zip.DataFormatException e) {
            throw new WpkFormatException(header.manifestOffset(), "compressed manifest is corrupt: " + e.getMessage());
        } finally {
            inflater.end();
        }
    }

    private static boolean finishesWithoutOutput(java.util.zip.Inflater inflater) throws java.util.zip.DataFormatException {
        byte[] one = new byte[1];
        int k = inflater.inflate(one);
        return k == 0 && inflater.finished();
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

    /** The tensor with this name, or null. */
    public TensorEntry tensor(String name) {
        return byName.get(name);
    }

    /** Absolute file offset of a chunk. */
    public long chunkPosition(TensorEntry t, int chunk) {
        return header.dataOffset() + t.chunk(chunk).getOffset();
    }

    /** Reads one chunk's stored bytes into a new heap buffer and checks its CRC. */
    public ByteBuffer readChunk(TensorEntry t, int chunk) throws IOException {
        Chunk c = t.chunk(chunk);
        ByteBuffer buf = ByteBuffer.allocate((int) c.getStoredLength());
        readChunk(t, chunk, buf);
        buf.flip();
        return buf;
    }

    /** Reads one chunk's stored bytes into {@code dst} (which must have room) and checks its CRC. */
    public void readChunk(TensorEntry t, int chunk, ByteBuffer dst) throws IOException {
        Chunk c = t.chunk(chunk);
        int len = (int) c.getStoredLength();
        if (dst.remaining() < len) {
            throw new IllegalArgumentException("buffer too small for chunk");
        }
        ByteBuffer view = dst.duplicate();
        view.limit(view.position() + len);
        int start = view.position();
        readFully(chunkPosition(t, chunk), view, "tensor '" + t.name() + "'");
        view.position(start);
        checkCrc(t, chunk, view);
        dst.position(start + len);
    }

    /**
     * Maps one chunk read-only without copying, and checks its CRC. Needs a {@link FileChannel};
     * returns null for other channels.
     */
    public ByteBuffer mapChunk(TensorEntry t, int chunk) throws IOException {
        if (!(channel instanceof FileChannel)) {
            return null;
        }
        Chunk c = t.chunk(chunk);
        ByteBuffer mapped = ((FileChannel) channel).map(FileChannel.MapMode.READ_ONLY, chunkPosition(t, chunk),
                c.getStoredLength());
        checkCrc(t, chunk, mapped);
        return mapped;
    }

    private void checkCrc(TensorEntry t, int chunk, ByteBuffer bytes) throws WpkFormatException {
        Chunk c = t.chunk(chunk);
        Verify.verify(Crc32c.of(bytes) == c.getCrc32C(), chunkPosition(t, chunk),
                "checksum mismatch in tensor '%s' (chunk %d): the package is corrupt", t.name(), chunk);
    }

    /**
     * Checks that every byte between the manifest and the chunks, and between chunks, is
     * zero, so that no byte of the file goes unchecked by {@code verify}.
     */
    public void verifyPadding() throws IOException {
        long pos = header.manifestOffset() + header.manifestLength();
        long dataStart = header.dataOffset();
        checkZeros(pos, dataStart - pos);
        long rel = 0;
        for (TensorEntry t : tensors) {
            for (Chunk c : t.proto().getChunksList()) {
                checkZeros(dataStart + rel, c.getOffset() - rel);
                rel = c.getOffset() + c.getStoredLength();
            }
        }
    }

    private void checkZeros(long pos, long n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(n, 1 << 16));
        while (n > 0) {
            b.clear();
            b.limit((int) Math.min(n, b.capacity()));
            readFully(pos, b, "padding");
            for (int i = 0; i < b.limit(); i++) {
                Verify.verify(b.get(i) == 0, pos + i, "padding byte is not zero: the package is corrupt");
            }
            pos += b.limit();
            n -= b.limit();
        }
    }

    private void readFully(long position, ByteBuffer dst, String what) throws IOException {
        long pos = position;
        while (dst.hasRemaining()) {
            int n;
            if (channel instanceof FileChannel) {
                n = ((FileChannel) channel).read(dst, pos);
            } else {
                synchronized (channel) {
                    channel.position(pos);
                    n = channel.read(dst);
                }
            }
            if (n < 0) {
                throw new WpkFormatException(pos, "unexpected end of file while reading " + what + " (truncated?)");
            }
            pos += n;
        }
    }

    @Override
    public void close() throws IOException {
        if (ownsChannel) {
            channel.close();
        }
    }
}
