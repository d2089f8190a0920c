package io.wpack.encoders.range;

import io.wpack.formats.WpkFormatException;

/** Reads what {@link RangeEncoder} wrote, with the same probabilities in the same order. */
public final class RangeDecoder {
    private final byte[] in;
    private final int origin;
    private final int end;
    private int pos;
    private int range = -1;
    private int code;

    /** Reads {@code in[off, off + len)}; starts by reading the first 5 bytes. */
    public RangeDecoder(byte[] in, int off, int len) throws WpkFormatException {
        this.in = in;
        this.origin = off;
        this.pos = off;
        this.end = off + len;
        if (len < 5) {
            throw new WpkFormatException(0, "range-coded stream of " + len + " bytes, shorter than its 5-byte start");
        }
        for (int i = 0; i < 5; i++) {
            code = code << 8 | in[pos++] & 0xFF;
        }
    }

    public int decodeBit(short[] probs, int i) throws WpkFormatException {
        int p = probs[i];
        int bound = (range >>> RangeEncoder.PROBABILITY_BITS) * p;
        int bit;
        if (Integer.compareUnsigned(code, bound) < 0) {
            range = bound;
            probs[i] = (short) (p + ((RangeEncoder.ONE - p) >>> RangeEncoder.MOVE_BITS));
            bit = 0;
        } else {
            code -= bound;
            range -= bound;
            probs[i] = (short) (p - (p >>> RangeEncoder.MOVE_BITS));
            bit = 1;
        }
        normalize();
        return bit;
    }

    public int decodeDirect() throws WpkFormatException {
        range >>>= 1;
        int bit = 0;
        if (Integer.compareUnsigned(code, range) >= 0) {
            code -= range;
            bit = 1;
        }
        normalize();
        return bit;
    }

    /** Reads a byte per 8 bits the range lost, keeping it at 2^24 or more, as the encoder does. */
    private void normalize() throws WpkFormatException {
        while (Integer.compareUnsigned(range, RangeEncoder.TOP) < 0) {
            range <<= 8;
            code = code << 8 | next();
        }
    }

    private int next() throws WpkFormatException {
        if (pos >= end) {
            throw new WpkFormatException(pos - origin, "range-coded stream ends early");
        }
        return in[pos++] & 0xFF;
    }

    /** Requires that every byte was read: the encoder writes exactly as many as the decoder reads. */
    public void requireEnd() throws WpkFormatException {
        if (pos != end) {
            throw new WpkFormatException(pos - origin, (end - pos) + " bytes after the end of the range-coded stream");
        }
    }
}
