package io.wpack.encoders.range;

/**
 * How fast a context's probability follows the bits it sees. A context that has seen n bits moves
 * 1/(n + start) of the way toward the next one, so its first bits weigh like a running average
 * over the bits so far plus {@code start} bits' worth of its initial guess; from
 * {@code limit − start} bits on it moves 1/limit, an exponential average over about that many bits.
 * On the small tensors this coder is for, a fixed fast rate spends most of its cost on noise in
 * the estimate, and a fixed slow one learns too late.
 *
 * <p>A context's state is one int: P(bit = 0) in units of 2^-16 in the low 16 bits, kept within
 * [{@link #MIN_PROBABILITY}, 2^16 − {@link #MIN_PROBABILITY}], and the bits seen, capped, above.
 * A context keeps one rate for its life: its count is capped for that rate.
 */
public final class AdaptiveRate {
    public static final int PROBABILITY_BITS = 16;
    public static final int ONE = 1 << PROBABILITY_BITS;
    public static final int MIN_PROBABILITY = 32;

    /** step[n] = 2^16 / (n + start), in 2^-16 units; the last entry, 2^16 / limit, repeats. */
    private final int[] step;

    public AdaptiveRate(int start, int limit) {
        if (start < 2 || limit < start || limit > 1 << 12) {
            throw new IllegalArgumentException("rate 1/(n + " + start + ") down to 1/" + limit);
        }
        step = new int[limit - start + 1];
        for (int n = 0; n < step.length; n++) {
            step[n] = ONE / (n + start);
        }
    }

    /** The state of a fresh context whose P(bit = 0) is {@code probabilityOfZero} / 2^16. */
    public static int state(int probabilityOfZero) {
        return Math.max(MIN_PROBABILITY, Math.min(ONE - MIN_PROBABILITY, probabilityOfZero));
    }

    static int probabilityOfZero(int state) {
        return state & 0xFFFF;
    }

    /** The state after {@code bit}: the probability moved toward it, one more bit counted. */
    int update(int state, int bit) {
        int p = state & 0xFFFF;
        int n = state >>> 16;
        int s = step[n];
        // (2^16 − p)·s < 2^16 · 2^15: start ≥ 2 keeps s ≤ 2^15, so the product fits an int.
        if (bit == 0) {
            p = Math.min(ONE - MIN_PROBABILITY, p + ((ONE - p) * s >>> 16));
        } else {
            p = Math.max(MIN_PROBABILITY, p - (p * s >>> 16));
        }
        return Math.min(n + 1, step.length - 1) << 16 | p;
    }
}
