package io.wpack.encoders.huffman;

import java.util.Arrays;

/**
 * A growable byte array written LSB-first: the first bit written is bit 0 of byte 0, as in
 * DEFLATE. Bytes and LEB128 varints go in at byte boundaries. Encoder side only.
 */
public final class BitWriter {
    private byte[] bytes;
    private int size;
    /** Bits not yet flushed to {@code bytes}, the oldest in bit 0; fewer than 32 between calls. */
    private long pending;
    private int pendingBits;

    public BitWriter() {
        this(256);
    }

    public BitWriter(int initialCapacity) {
        bytes = new byte[Math.max(16, initialCapacity)];
    }

    /** Appends the low {@code count} bits of {@code value}, {@code 0 <= count <= 32}; higher bits must be zero. */
    public void writeBits(long value, int count) {
        pending |= value << pendingBits;
        pendingBits += count;
        if (pendingBits >= 32) {
            ensure(4);
            bytes[size] = (byte) pending;
            bytes[size + 1] = (byte) (pending >>> 8);
            bytes[size + 2] = (byte) (pending >>> 16);
            bytes[size + 3] = (byte) (pending >>> 24);
            size += 4;
            pending >>>= 32;
            pendingBits -= 32;
        }
    }

    /** Pads with zero bits to the next byte boundary. */
    public void alignToByte() {
        while (pendingBits > 0) {
            ensure(1);
            bytes[size++] = (byte) pending;
            pending >>>= 8;
            pendingBits = Math.max(0, pendingBits - 8);
        }
        pending = 0;
    }

    public void writeByte(int b) {
        requireAligned();
        ensure(1);
        bytes[size++] = (byte) b;
    }

    public void writeBytes(byte[] src, int off, int len) {
        requireAligned();
        ensure(len);
        System.arraycopy(src, off, bytes, size, len);
        size += len;
    }

    /** Unsigned LEB128: seven bits per byte, least significant first, high bit set on all but the last. */
    public void writeVarint(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative varint " + value);
        }
        while (value >= 0x80) {
            writeByte((int) (value & 0x7F) | 0x80);
            value >>>= 7;
        }
        writeByte((int) value);
    }

    /** Bytes written so far, a partial last byte counted as whole. */
    public long sizeInBytes() {
        return size + (pendingBits + 7) / 8;
    }

    /** The bytes written, after padding to a byte boundary. */
    public byte[] toByteArray() {
        alignToByte();
        return Arrays.copyOf(bytes, size);
    }

    /** Appends everything {@code other} holds, padded to a byte, at this writer's byte boundary. */
    public void writeAll(BitWriter other) {
        other.alignToByte();
        writeBytes(other.bytes, 0, other.size);
    }

    private void requireAligned() {
        if (pendingBits != 0) {
            throw new IllegalStateException("not at a byte boundary");
        }
    }

    private void ensure(int more) {
        if (bytes.length - size < more) {
            long wanted = Math.max((long) size + more, 2L * bytes.length);
            if (wanted > Integer.MAX_VALUE - 8) {
                wanted = (long) size + more;
                if (wanted > Integer.MAX_VALUE - 8) {
                    throw new IllegalStateException("encoded stream exceeds 2 GiB");
                }
            }
            bytes = Arrays.copyOf(bytes, (int) wanted);
        }
    }
}
