package io.wpack.encoders.huffman;

import io.wpack.formats.WpkFormatException;

/**
 * A position in an untrusted byte range {@code [pos, end)} of an array, for the byte-level parts
 * of a stream (headers, varints, section bounds). Error offsets are relative to {@code origin},
 * the first byte of the codec's stream.
 */
public final class InputCursor {
    final byte[] in;
    final int origin;
    int pos;
    int end;

    public InputCursor(byte[] in, int origin, int pos, int end) {
        if (origin < 0 || pos < origin || end < pos || end > in.length) {
            throw new IndexOutOfBoundsException("cursor [" + pos + ", " + end + ") of " + in.length);
        }
        this.in = in;
        this.origin = origin;
        this.pos = pos;
        this.end = end;
    }

    public int position() {
        return pos;
    }

    public int end() {
        return end;
    }

    public int remaining() {
        return end - pos;
    }

    /** Offset of the current position in the codec's stream, for error messages. */
    public long offset() {
        return pos - origin;
    }

    public int readByte(String what) throws WpkFormatException {
        if (pos >= end) {
            throw new WpkFormatException(offset(), "stream ends before " + what);
        }
        return in[pos++] & 0xFF;
    }

    /** Copies the next {@code length} bytes into {@code dst} from {@code dstOff}. */
    public void readFully(byte[] dst, int dstOff, int length, String what) throws WpkFormatException {
        if (length < 0 || length > end - pos) {
            throw new WpkFormatException(offset(), "stream ends before " + what);
        }
        System.arraycopy(in, pos, dst, dstOff, length);
        pos += length;
    }

    /** An unsigned LEB128 varint of at most five bytes whose value is at most {@code max}. */
    public int readVarint(int max, String what) throws WpkFormatException {
        long start = offset();
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            if (shift > 28) {
                throw new WpkFormatException(start, what + ": varint longer than five bytes");
            }
            int b = readByte(what);
            value |= (long) (b & 0x7F) << shift;
            if (value > max) {
                throw new WpkFormatException(start, what + " is larger than " + max);
            }
            if (b < 0x80) {
                if (b == 0 && shift > 0) {
                    throw new WpkFormatException(start, what + ": varint has a redundant zero byte");
                }
                return (int) value;
            }
        }
    }

    /** Splits off the next {@code length} bytes as a cursor of their own and skips them here. */
    public InputCursor take(int length, String what) throws WpkFormatException {
        if (length < 0 || length > end - pos) {
            throw new WpkFormatException(offset(), what + " of " + length + " bytes runs past the end of the stream ("
                    + (end - pos) + " bytes left)");
        }
        InputCursor part = new InputCursor(in, origin, pos, pos + length);
        pos += length;
        return part;
    }

    /** Requires that every byte has been consumed. */
    public void requireEnd(String what) throws WpkFormatException {
        if (pos != end) {
            throw new WpkFormatException(offset(), (end - pos) + " bytes follow the end of " + what);
        }
    }
}
