package io.wpack.encoders;

import java.nio.Buffer;
import java.nio.ByteBuffer;

/**
 * ByteBuffer plumbing shared by the codecs, which all decode over plain arrays.
 *
 * <p>Positions are moved through {@link Buffer} on purpose: {@code ByteBuffer.position(int)}
 * returning {@code ByteBuffer} only exists since Java 9, and code compiled against it fails to
 * link on runtimes that lack the override, such as older Android.
 */
public final class Buffers {
    private Buffers() {
    }

    /** The remaining bytes of {@code buffer} as an array: its backing array, or a copy for direct buffers. */
    public static byte[] arrayOf(ByteBuffer buffer) {
        if (buffer.hasArray()) {
            return buffer.array();
        }
        byte[] copy = new byte[buffer.remaining()];
        buffer.duplicate().get(copy);
        return copy;
    }

    /** Where the remaining bytes of {@code buffer} start in {@link #arrayOf(ByteBuffer)}. */
    public static int arrayOffsetOf(ByteBuffer buffer) {
        return buffer.hasArray() ? buffer.arrayOffset() + buffer.position() : 0;
    }

    /**
     * An array to decode {@code dst}'s remaining bytes into, at {@link #arrayOffsetOf}: its
     * backing array, or a scratch array for a direct buffer, which {@link #finishDecode} copies.
     */
    public static byte[] outputArrayOf(ByteBuffer dst) {
        return dst.hasArray() ? dst.array() : new byte[dst.remaining()];
    }

    /** Ends a decode into {@link #outputArrayOf}{@code (dst)}: copies a scratch array into dst, then consumes both buffers. */
    public static void finishDecode(ByteBuffer src, ByteBuffer dst, byte[] out) {
        if (!dst.hasArray()) {
            putAtPosition(dst, out, 0, dst.remaining());
        }
        consume(src);
        consume(dst);
    }

    public static void consume(ByteBuffer buffer) {
        ((Buffer) buffer).position(buffer.limit());
    }

    /** Copies {@code src[off, off + len)} to {@code dst} at its position, without moving the position. */
    public static void putAtPosition(ByteBuffer dst, byte[] src, int off, int len) {
        ByteBuffer view = dst.duplicate();
        view.put(src, off, len);
    }

    public static void checkRange(byte[] src, int off, int len) {
        if (off < 0 || len < 0 || off > src.length - len) {
            throw new IndexOutOfBoundsException(
                    "range [" + off + ", " + off + " + " + len + ") out of bounds for length " + src.length);
        }
    }
}
