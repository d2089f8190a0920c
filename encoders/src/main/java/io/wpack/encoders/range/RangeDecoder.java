package io.wpack.encoders.range;

import io.wpack.formats.WpkFormatException;

/**
 * Reads what {@link RangeEncoder} wrote, with the same contexts in the same order. It reads the
 * stream's bytes and then exactly {@link RangeEncoder#IMPLIED_ZEROS} implied zero bytes, no more
 * and no fewer, so a stream that ends early, or has bytes after its end, is rejected.
 */
public final class RangeDecoder {
    private final byte[] in;
    private final int origin;
    private final int end;
    private int pos;
    private int range = -1;
    private int code;

    /** Reads {@code in[off, off + len)}; starts by reading 4 bytes. */
    public RangeDecoder(byte[] in, int off, int len) throws WpkFormatException {
        this.in = in;
        this.origin = off;
        this.pos = off;
        this.end = off + len;
        for (int i = 0; i < 4; i++) {
            code = code << 8 | next();
        }
    }

    public int decodeBit(int[] states, int i, AdaptiveRate rate) throws WpkFormatException {
        int s = states[i];
        int bound = (range >>> AdaptiveRate.PROBABILITY_BITS) * AdaptiveRate.probabilityOfZero(s);
        int bit;
        if (Integer.compareUnsigned(code, bound) < 0) {
            range = bound;
            bit = 0;
        } else {
            code -= bound;
            range -= bound;
            bit = 1;
        }
        states[i] = rate.update(s, bit);
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

    /** Reads {@code count} direct bits, most significant first. */
    public int decodeDirectBits(int count) throws WpkFormatException {
        int value = 0;
        for (int k = 0; k < count; k++) {
            value = value << 1 | decodeDirect();
        }
        return value;
    }

    /** Reads a byte per 8 bits the range lost, keeping it at 2^24 or more, as the encoder does. */
    private void normalize() throws WpkFormatException {
        while (Integer.compareUnsigned(range, RangeEncoder.TOP) < 0) {
            range <<= 8;
            code = code << 8 | next();
        }
    }

    private int next() throws WpkFormatException {
        if (pos < end) {
            return in[pos++] & 0xFF;
        }
        if (pos - end >= RangeEncoder.IMPLIED_ZEROS) {
            throw new WpkFormatException(end - origin, "range-coded stream ends early");
        }
        pos++;
        return 0;
    }

    /**
     * Requires that every stored byte and every implied zero was read, and that the stream ended
     * where its writer ends one: the reader's code below 2^16.
     */
    public void requireEnd() throws WpkFormatException {
        if (pos - end != RangeEncoder.IMPLIED_ZEROS) {
            int unread = end - pos + RangeEncoder.IMPLIED_ZEROS;
            throw new WpkFormatException(Math.min(pos, end) - origin, unread + " bytes after the end of the range-coded stream");
        }
        if (Integer.compareUnsigned(code, RangeEncoder.BLOCK) >= 0) {
            throw new WpkFormatException(end - origin, "range-coded stream does not end where its writer ends one");
        }
    }
}
