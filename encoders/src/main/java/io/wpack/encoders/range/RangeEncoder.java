package io.wpack.encoders.range;

import java.util.Arrays;

/**
 * Writes a range-coded stream (see the package description). Probabilities are P(bit = 0) in
 * units of 2^-12, kept in the caller's {@code short[]} and updated here.
 *
 * <p>Stream: the bytes of {@code low}, most significant first, as range narrows; a carry out of
 * {@code low} is propagated into the bytes still held back ({@code cache} and a run of 0xFF).
 * {@link #finish} writes 5 more, so the reader, which starts by reading 5 bytes and then one per
 * renormalisation, ends exactly at the last byte.
 */
public final class RangeEncoder {
    public static final int PROBABILITY_BITS = 12;
    public static final int ONE = 1 << PROBABILITY_BITS;
    /** Adaptation rate: each bit moves its probability 1/16 of the way toward itself. */
    public static final int MOVE_BITS = 4;
    static final int TOP = 1 << 24;

    private long low;
    private int range = -1;
    private int cache;
    private long pending = 1;
    private byte[] out;
    private int size;

    public RangeEncoder(int expectedBytes) {
        out = new byte[Math.max(16, expectedBytes)];
    }

    /** Writes an unsigned LEB128 varint ahead of the coded bits; only before the first bit. */
    public void writeVarint(int value) {
        if (range != -1 || low != 0) {
            throw new IllegalStateException("a varint goes before the coded bits");
        }
        while ((value & ~0x7F) != 0) {
            put(value & 0x7F | 0x80);
            value >>>= 7;
        }
        put(value);
    }

    /** Codes {@code bit} (0 or 1) with the probability at {@code probs[i]}, then adapts it. */
    public void encodeBit(short[] probs, int i, int bit) {
        int p = probs[i];
        int bound = (range >>> PROBABILITY_BITS) * p;
        if (bit == 0) {
            range = bound;
            probs[i] = (short) (p + ((ONE - p) >>> MOVE_BITS));
        } else {
            low += bound & 0xFFFFFFFFL;
            range -= bound;
            probs[i] = (short) (p - (p >>> MOVE_BITS));
        }
        normalize();
    }

    /** Codes {@code bit} with probability one half and no context. */
    public void encodeDirect(int bit) {
        range >>>= 1;
        if (bit != 0) {
            low += range & 0xFFFFFFFFL;
        }
        normalize();
    }

    /** Writes out a byte of low per 8 bits the range lost, keeping it at 2^24 or more. */
    private void normalize() {
        while (Integer.compareUnsigned(range, TOP) < 0) {
            range <<= 8;
            shiftLow();
        }
    }

    private void shiftLow() {
        if (low < 0xFF000000L || low > 0xFFFFFFFFL) {
            int carry = (int) (low >>> 32);
            int held = cache;
            do {
                put(held + carry);
                held = 0xFF;
            } while (--pending != 0);
            cache = (int) (low >>> 24) & 0xFF;
        }
        pending++;
        low = (low & 0x00FFFFFFL) << 8;
    }

    private void put(int b) {
        if (size == out.length) {
            out = Arrays.copyOf(out, Math.max(16, out.length * 2));
        }
        out[size++] = (byte) b;
    }

    /** Flushes the coder and returns the stream; the encoder is spent. */
    public byte[] finish() {
        for (int i = 0; i < 5; i++) {
            shiftLow();
        }
        return Arrays.copyOf(out, size);
    }
}
