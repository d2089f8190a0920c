package io.wpack.encoders.range;

import java.util.Arrays;

/**
 * Writes a range-coded stream (see the package description). Each context's probability lives
 * in the caller's {@code int[]} of states ({@link AdaptiveRate}) and is updated here.
 *
 * <p>The bytes of {@code low} go out most significant first as range narrows; a carry out of
 * {@code low} is propagated into the bytes still held back ({@code cache} and a run of 0xFF).
 * LZMA's coder also writes a first byte that is always 0 and flushes 4 bytes of {@code low} at
 * the end; here the first byte is left out, and {@link #finish} stores only 2 of the 4: the
 * final interval always holds a whole block of 2^16 aligned values (its range is 2^24 or more),
 * so 2 bytes name the block and whatever follows them decodes the same symbols. The reader puts
 * 2 zero bytes after them. That costs 2 bytes per stream instead of 6, which matters for streams
 * of a few hundred bytes, and because no byte after the stored ones changes what is decoded,
 * bytes appended to a stream are always found: the reader stops short of them.
 */
public final class RangeEncoder {
    static final int TOP = 1 << 24;
    /** Bytes at the end of every stream that are zero and not stored; the reader supplies them. */
    public static final int IMPLIED_ZEROS = 2;
    /** The final interval's block of values that the stored bytes name. */
    static final int BLOCK = 1 << 8 * IMPLIED_ZEROS;

    private long low;
    private int range = -1;
    private int cache;
    private long pending = 1;
    private byte[] out;
    private int size;

    public RangeEncoder(int expectedBytes) {
        out = new byte[Math.max(16, expectedBytes)];
    }

    /** Codes {@code bit} (0 or 1) with the probability of {@code states[i]}, then adapts it. */
    public void encodeBit(int[] states, int i, int bit, AdaptiveRate rate) {
        int s = states[i];
        int bound = (range >>> AdaptiveRate.PROBABILITY_BITS) * AdaptiveRate.probabilityOfZero(s);
        if (bit == 0) {
            range = bound;
        } else {
            low += bound & 0xFFFFFFFFL;
            range -= bound;
        }
        states[i] = rate.update(s, bit);
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

    /** Codes the low {@code count} bits of {@code value}, most significant first, as direct bits. */
    public void encodeDirectBits(int value, int count) {
        for (int k = count - 1; k >= 0; k--) {
            encodeDirect(value >>> k & 1);
        }
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
        // The first block of 2^16 that starts in [low, low + 2^16): it ends by low + 2^17, inside
        // the interval. The reader's code then ends below 2^16, which it checks.
        low = low + BLOCK - 1 & -BLOCK;
        for (int i = 0; i < 5; i++) {
            shiftLow();
        }
        // The first byte is always 0: the whole stream lies in [0, 2^32) of the first window.
        return Arrays.copyOfRange(out, 1, size - IMPLIED_ZEROS);
    }
}
