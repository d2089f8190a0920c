package io.wpack.formats;

import io.wpack.formats.proto.Chunk;
import io.wpack.formats.proto.Manifest;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a package atomically. Chunks are appended to a spool file while the manifest is
 * still unknown; {@link #finish} then writes header, manifest, the spooled data and the
 * footer to a temporary file beside the output and renames it into place. Until then the
 * output path is untouched, and {@link #close} without {@code finish} leaves nothing behind.
 */
public final class PackageWriter implements Closeable {
    private static final byte[] ZEROS = new byte[FormatVersion.MAX_ALIGNMENT];

    private final Path output;
    private final int alignment;
    private final Path spoolPath;
    private final FileChannel spool;
    private long spoolSize;
    private boolean finished;

    public PackageWriter(Path output, int alignment) throws IOException {
        if (alignment < FormatVersion.MIN_ALIGNMENT || alignment > FormatVersion.MAX_ALIGNMENT
                || Integer.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two in [" + FormatVersion.MIN_ALIGNMENT
                    + ", " + FormatVersion.MAX_ALIGNMENT + "], got " + alignment);
        }
        this.output = output.toAbsolutePath();
        this.alignment = alignment;
        Path dir = this.output.getParent();
        this.spoolPath = Files.createTempFile(dir, "." + this.output.getFileName() + ".", ".spool");
        this.spool = FileChannel.open(spoolPath, StandardOpenOption.WRITE, StandardOpenOption.READ,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    public int alignment() {
        return alignment;
    }

    /** Bytes of data section written so far. */
    public long dataLength() {
        return spoolSize;
    }

    /**
     * Appends one chunk's stored bytes (the buffer's remaining bytes) at the next aligned
     * offset and returns its manifest entry. Use this for raw chunks, which readers may map.
     */
    public Chunk appendChunk(ByteBuffer stored, long decodedLength) throws IOException {
        return appendChunk(stored, decodedLength, true);
    }

    /**
     * Appends one chunk's stored bytes, at the next aligned offset when {@code aligned}, else
     * right after the previous chunk. Only chunks of tensors without an encoding must be
     * aligned: they are the ones a reader maps and uses in place. Packing encoded chunks tight
     * saves half the alignment per chunk, which is a few percent of a model with many small
     * tensors.
     */
    public Chunk appendChunk(ByteBuffer stored, long decodedLength, boolean aligned) throws IOException {
        if (finished) {
            throw new IllegalStateException("package already finished");
        }
        long offset = aligned ? align(spoolSize, alignment) : spoolSize;
        writeZeros(spool, offset - spoolSize);
        int crc = Crc32c.of(stored);
        long len = stored.remaining();
        ByteBuffer b = stored.duplicate();
        while (b.hasRemaining()) {
            spool.write(b);
        }
        spoolSize = offset + len;
        return Chunk.newBuilder().setOffset(offset).setStoredLength(len).setDecodedLength(decodedLength)
                .setCrc32C(crc).build();
    }

    /** Writes the package and renames it over the output path. */
    public void finish(Manifest manifest) throws IOException {
        if (finished) {
            throw new IllegalStateException("package already finished");
        }
        if (manifest.getAlignment() != alignment) {
            manifest = manifest.toBuilder().setAlignment(alignment).build();
        }
        byte[] plain = manifest.toByteArray();
        // Names and metadata repeat a lot; a deflated manifest is often a third of the plain one.
        byte[] deflated = deflate(plain);
        int codec = deflated.length < plain.length ? PackageHeader.MANIFEST_DEFLATE : PackageHeader.MANIFEST_RAW;
        byte[] manifestBytes = codec == PackageHeader.MANIFEST_DEFLATE ? deflated : plain;
        long manifestEnd = PackageHeader.SIZE + (long) manifestBytes.length;
        long dataOffset = align(manifestEnd, alignment);
        PackageHeader header = new PackageHeader(FormatVersion.CURRENT, alignment,
                Crc32c.of(manifestBytes, 0, manifestBytes.length), PackageHeader.SIZE, manifestBytes.length,
                dataOffset, spoolSize, codec, plain.length);
        if (plain.length > FormatVersion.MAX_MANIFEST_BYTES) {
            throw new WpkFormatException("the manifest would be " + plain.length + " bytes, over the "
                    + FormatVersion.MAX_MANIFEST_BYTES + "-byte limit (too many tensors or too much metadata)");
        }
        // Validate what we are about to write with the reader's own checks.
        ManifestValidator.validate(manifest, header);

        Path tmp = Files.createTempFile(output.getParent(), "." + output.getFileName() + ".", ".tmp");
        boolean moved = false;
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(out, ByteBuffer.wrap(header.encode()));
                writeFully(out, ByteBuffer.wrap(manifestBytes));
                writeZeros(out, dataOffset - manifestEnd);
                long pos = 0;
                while (pos < spoolSize) {
                    pos += spool.transferTo(pos, spoolSize - pos, out);
                }
                writeFully(out, ByteBuffer.wrap(PackageFooter.encode(header.fileSize())));
                out.force(true);
            }
            try {
                Files.move(tmp, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
            finished = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            spool.close();
        } finally {
            Files.deleteIfExists(spoolPath);
        }
    }

    private static byte[] deflate(byte[] in) {
        java.util.zip.Deflater d = new java.util.zip.Deflater(9, true);
        try {
            d.setInput(in);
            d.finish();
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(in.length / 2 + 64);
            byte[] buf = new byte[1 << 16];
            while (!d.finished()) {
                int n = d.deflate(buf);
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } finally {
            d.end();
        }
    }

    public static long align(long value, int alignment) {
        return (value + alignment - 1) & -(long) alignment;
    }

    private static void writeZeros(FileChannel ch, long n) throws IOException {
        while (n > 0) {
            int k = (int) Math.min(n, ZEROS.length);
            writeFully(ch, ByteBuffer.wrap(ZEROS, 0, k));
            n -= k;
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
