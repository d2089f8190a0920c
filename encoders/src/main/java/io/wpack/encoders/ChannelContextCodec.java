package io.wpack.encoders;

import io.wpack.encoders.huffman.BitWriter;
import io.wpack.encoders.huffman.InputCursor;
import io.wpack.encoders.range.AdaptiveRate;
import io.wpack.encoders.range.RangeDecoder;
import io.wpack.encoders.range.RangeEncoder;
import io.wpack.encoders.sparse.SparseParams;
import io.wpack.formats.WpkFormatException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One-byte codes coded channel by channel with an adaptive binary range coder, each bit in a
 * context drawn from what the channel has shown so far. No table is stored, and a per-channel
 * quantized, magnitude-pruned tensor has structure a per-tensor order-0 code cannot use:
 * <ul>
 *   <li>a channel's share of non-zeros, and its smallest surviving magnitude (pruning's threshold
 *       over the channel's scale), differ from channel to channel;
 *   <li>symmetric per-channel quantization maps each channel's largest |w| to the largest code,
 *       so every channel that is not pruned away holds it, mostly once.
 * </ul>
 * For small tensors, where a stored table costs as much as the codes, it is the smallest coder;
 * it decodes at 10 to 40 MB/s, so the packer tries it only on small tensors
 * ({@link #MAX_CANDIDATE_BYTES}).
 *
 * <p>Layout. Parameters {@code channels} C and {@code inner} I view a chunk of n bytes as
 * [n / (C·I), C, I], row-major; n must be a multiple of C·I. Element (o, c, i) is at
 * {@code (o·C + c)·I + i}; it is channel c's element k = o·I + i of m = n / C. Elements are coded
 * channel by channel: c = 0..C−1, then k. Parameter {@code zero} (0..255, absent: 0) is the byte
 * that stands for zero; each byte b is read as {@code d = (byte) (b − zero)}.
 *
 * <p>Model. First, as direct bits: whether M = max |d| is 127, else M in 8 bits (0..128); for
 * M &gt; 0, whether every channel with a non-zero holds ±M ("M in every"). Then per channel:
 * <pre>
 * empty  = channel all zero, in context (previous channel empty); an empty channel has no more bits
 * forced = for a non-empty channel's last element: ±M if M in every and no ±M yet, non-zero if no
 *          non-zero yet; a forced element has no flag, and ±M no max bit
 * flag   = d != 0, in context (bucket, previous flag of the channel, column):
 *          bucket = 8 + seen for the channel's first 4 elements (seen = 0..3), else
 *          min(7, floor(8 · nonzero / seen)); bucket b &lt; 8 starts at P(0) = 1 − (2b + 1)/16, the
 *          others at 3/4; column = 0, 1 or 2 as the share of earlier channels with a non-zero at the
 *          same k is under 1/10, under 3/10, or more (2 in the first channel): an input that matters
 *          little to one output channel tends to matter little to the others
 * max    = |d| == M, in context (channel has shown ±M); not coded when M = 1
 * v      = |d| − 1 (0..M − 2) when not max, 7 bits from the most significant, each in the context
 *          of the bits above it (a binary tree); the first 3 levels (nodes 1..7) also in the
 *          context of min(7, bit length of the channel's smallest non-max |d| so far), 0 before one
 * sign   = d &lt; 0, in context (class, lean): class 8 for ±M, else bit length of |d| − 1; lean =
 *          0, 1 or 2 as the channel's positives minus negatives so far is under −1, −1..1, over 1
 * </pre>
 * Each context adapts at the rate {@link AdaptiveRate} describes: 1/(n + 10) down to 1/64, and
 * 1/(n + 2) for the max bit. Deeper levels conditioned on the channel, finer buckets, contexts
 * from the previous magnitude or the same position in earlier channels, mixing models, and
 * decaying priors on the tree all came out larger on the corpus's small tensors.
 *
 * v + 1 at or over M, +128, and an M that no element has are rejected.
 *
 * <p>Byte grammar: {@code outer:varint} (n / (C·I), checked against the destination: the range
 * coder's stream does not say where the symbols end), then the range coder's stream
 * ({@link RangeEncoder}); empty for n = 0.
 */
public final class ChannelContextCodec implements ByteCodec {
    public static final String NAME = "channel-ac";
    public static final String CHANNELS = "channels";
    public static final String INNER = "inner";
    public static final String ZERO = "zero";
    /** The packer tries this codec on tensors of up to this many bytes. */
    public static final int MAX_CANDIDATE_BYTES = 4 << 10;
    /**
     * The packer keeps this codec only at this share of the best other candidate's size or less:
     * it decodes at 10 to 40 MB/s, so a smaller saving counts as a tie, and a tie keeps the faster.
     * On tensors of at most {@link #MAX_CANDIDATE_BYTES} that is a tenth of a millisecond at most.
     */
    public static final double MAX_SHARE_OF_BEST = 0.99;


    private final int channels;
    private final int inner;
    private final int zero;
    private final Map<String, String> params;

    public ChannelContextCodec(int channels, int inner, int zero) {
        SparseParams.checkRange(NAME, CHANNELS, channels, 1, Integer.MAX_VALUE);
        SparseParams.checkRange(NAME, INNER, inner, 1, Integer.MAX_VALUE);
        SparseParams.checkRange(NAME, ZERO, zero, 0, 255);
        this.channels = channels;
        this.inner = inner;
        this.zero = zero;
        Map<String, String> p = new LinkedHashMap<>();
        p.put(CHANNELS, Integer.toString(channels));
        p.put(INNER, Integer.toString(inner));
        if (zero != 0) {
            p.put(ZERO, Integer.toString(zero));
        }
        this.params = Collections.unmodifiableMap(p);
    }

    public static ChannelContextCodec fromParams(Map<String, String> params) throws WpkFormatException {
        boolean hasZero = params.containsKey(ZERO);
        if (hasZero) {
            SparseParams.requireKeys(NAME, params, CHANNELS, INNER, ZERO);
        } else {
            SparseParams.requireKeys(NAME, params, CHANNELS, INNER);
        }
        int c = SparseParams.intParam(NAME, params, CHANNELS, 1, Integer.MAX_VALUE);
        int i = SparseParams.intParam(NAME, params, INNER, 1, Integer.MAX_VALUE);
        int z = hasZero ? SparseParams.intParam(NAME, params, ZERO, 1, 255) : 0;
        return new ChannelContextCodec(c, i, z);
    }

    /**
     * The configuration for a tensor of {@code shape} whose codes are {@code codes[0, n)}: C the
     * length of {@code channelAxis} and I the product of the later axes (one channel of one
     * element when the axis is out of range or n is not a whole number of channels), and the
     * most frequent byte as the zero.
     */
    public static ChannelContextCodec forTensor(long[] shape, int channelAxis, byte[] codes, int n) {
        long channels = 1;
        long inner = 1;
        if (channelAxis >= 0 && channelAxis < shape.length) {
            channels = shape[channelAxis];
            for (int k = channelAxis + 1; k < shape.length; k++) {
                inner *= shape[k];
            }
        }
        if (channels <= 0 || inner <= 0 || channels > n || inner > n || n % (channels * inner) != 0) {
            channels = 1;
            inner = 1;
        }
        int[] counts = new int[256];
        for (int i = 0; i < n; i++) {
            counts[codes[i] & 0xFF]++;
        }
        int zero = 0;
        for (int b = 1; b < 256; b++) {
            if (counts[b] > counts[zero]) {
                zero = b;
            }
        }
        return new ChannelContextCodec((int) channels, (int) inner, zero);
    }

    public int channels() {
        return channels;
    }

    public int inner() {
        return inner;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, String> params() {
        return params;
    }

    /** n / (C·I), or -1 when n is not a multiple of C·I. */
    private long outer(int n) {
        long group = (long) channels * inner;
        return n % group == 0 ? n / group : -1;
    }

    @Override
    public byte[] encode(byte[] src, int off, int len) {
        Buffers.checkRange(src, off, len);
        long outer = outer(len);
        if (outer < 0) {
            throw new IllegalArgumentException(NAME + ": " + len + " bytes are not a multiple of " + channels + " × "
                    + inner);
        }
        if (len == 0) {
            return new byte[0];
        }
        int positions = (int) (outer * inner);
        int step = channels * inner;
        int max = 0;
        for (int k = off; k < off + len; k++) {
            max = Math.max(max, Math.abs((byte) (src[k] - zero)));
        }
        boolean[] nonEmpty = new boolean[channels];
        boolean[] hasMax = new boolean[channels];
        for (int k = off; k < off + len; ) {
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < inner; i++, k++) {
                    int a = Math.abs((byte) (src[k] - zero));
                    nonEmpty[c] |= a != 0;
                    hasMax[c] |= a == max;
                }
            }
        }
        boolean maxInEvery = true;
        for (int c = 0; c < channels; c++) {
            maxInEvery &= !nonEmpty[c] || hasMax[c];
        }
        RangeEncoder rc = new RangeEncoder(len / 2 + 16);
        // Symmetric int8 per channel maps each channel's largest |w| to 127, so that is one bit.
        rc.encodeDirect(max == 127 ? 1 : 0);
        if (max != 127) {
            rc.encodeDirectBits(max, 8);
        }
        if (max == 0) {
            return withOuter(outer, rc.finish());
        }
        rc.encodeDirect(maxInEvery ? 1 : 0);
        Model model = new Model(positions, max, maxInEvery);
        for (int c = 0; c < channels; c++) {
            boolean empty = !nonEmpty[c];
            rc.encodeBit(model.states, model.emptyContext(), empty ? 1 : 0, SLOW);
            model.startChannel(empty);
            if (empty) {
                continue;
            }
            int base = off + c * inner;
            for (int o = 0; o < outer; o++, base += step) {
                for (int i = 0; i < inner; i++) {
                    int d = (byte) (src[base + i] - zero);
                    int magnitude = Math.abs(d);
                    int must = model.forced(o == outer - 1 && i == inner - 1);
                    if (must == FREE) {
                        rc.encodeBit(model.states, model.flagContext(), magnitude != 0 ? 1 : 0, SLOW);
                        if (magnitude == 0) {
                            model.sawZero();
                            continue;
                        }
                    }
                    boolean isMax = magnitude == max;
                    if (must != MAX && max > 1) {
                        rc.encodeBit(model.states, model.maxContext(), isMax ? 1 : 0, FAST);
                    }
                    if (!isMax) {
                        int v = magnitude - 1;
                        int node = 1;
                        for (int level = 6; level >= 0; level--) {
                            int bit = v >>> level & 1;
                            rc.encodeBit(model.states, model.magnitudeContext(node), bit, SLOW);
                            node = node << 1 | bit;
                        }
                    }
                    rc.encodeBit(model.states, model.signContext(magnitude), d < 0 ? 1 : 0, SLOW);
                    model.sawNonZero(magnitude, d < 0);
                }
            }
        }
        return withOuter(outer, rc.finish());
    }

    private static byte[] withOuter(long outer, byte[] coded) {
        BitWriter out = new BitWriter(coded.length + 4);
        out.writeVarint(outer);
        out.writeBytes(coded, 0, coded.length);
        return out.toByteArray();
    }

    @Override
    public void decode(ByteBuffer src, ByteBuffer dst) throws WpkFormatException {
        int n = dst.remaining();
        long outer = outer(n);
        if (outer < 0) {
            throw new WpkFormatException(0, NAME + " chunk of " + n + " bytes is not a multiple of " + channels + " × "
                    + inner);
        }
        if (n == 0) {
            if (src.hasRemaining()) {
                throw new WpkFormatException(0, NAME + " stream of " + src.remaining() + " bytes for no symbols");
            }
            return;
        }
        byte[] out = Buffers.outputArrayOf(dst);
        int outStart = Buffers.arrayOffsetOf(dst);
        byte[] in = Buffers.arrayOf(src);
        int inStart = Buffers.arrayOffsetOf(src);
        InputCursor cursor = new InputCursor(in, inStart, inStart, inStart + src.remaining());
        int stated = cursor.readVarint(Integer.MAX_VALUE, "outer length");
        if (stated != outer) {
            throw new WpkFormatException(0, NAME + " stream of " + stated + " × " + channels + " × " + inner
                    + " bytes, expected " + n);
        }
        RangeDecoder rc = new RangeDecoder(in, cursor.position(), cursor.remaining());
        boolean stated127 = rc.decodeDirect() != 0;
        int max = stated127 ? 127 : rc.decodeDirectBits(8);
        if (max > 128) {
            throw new WpkFormatException(0, NAME + " states a largest magnitude of " + max + ", over 128");
        }
        if (max == 127 && !stated127) {
            throw new WpkFormatException(0, NAME + " states a largest magnitude of 127 in 8 bits, not its 1-bit form");
        }
        Arrays.fill(out, outStart, outStart + n, (byte) zero);
        if (max == 0) {
            rc.requireEnd();
            Buffers.finishDecode(src, dst, out);
            return;
        }
        boolean maxInEvery = rc.decodeDirect() != 0;
        int positions = (int) (outer * inner);
        Model model = new Model(positions, max, maxInEvery);
        boolean anyMax = false;
        for (int c = 0; c < channels; c++) {
            boolean empty = rc.decodeBit(model.states, model.emptyContext(), SLOW) != 0;
            model.startChannel(empty);
            if (empty) {
                continue;
            }
            int base = outStart + c * inner;
            int step = channels * inner;
            for (int o = 0; o < outer; o++, base += step) {
                for (int i = 0; i < inner; i++) {
                    int must = model.forced(o == outer - 1 && i == inner - 1);
                    if (must == FREE && rc.decodeBit(model.states, model.flagContext(), SLOW) == 0) {
                        model.sawZero();
                        continue;
                    }
                    boolean isMax = must == MAX || max == 1
                            || rc.decodeBit(model.states, model.maxContext(), FAST) != 0;
                    int magnitude = max;
                    anyMax |= isMax;
                    if (!isMax) {
                        int node = 1;
                        for (int level = 0; level < 7; level++) {
                            node = node << 1 | rc.decodeBit(model.states, model.magnitudeContext(node), SLOW);
                        }
                        magnitude = node - 128 + 1;
                        if (magnitude >= max) {
                            throw new WpkFormatException(0, NAME + " decodes a magnitude of " + magnitude
                                    + ", not under the stated largest " + max);
                        }
                    }
                    boolean negative = rc.decodeBit(model.states, model.signContext(magnitude), SLOW) != 0;
                    if (magnitude == 128 && !negative) {
                        throw new WpkFormatException(0, NAME + " decodes +128, which is not a byte");
                    }
                    out[base + i] = (byte) (zero + (negative ? -magnitude : magnitude));
                    model.sawNonZero(magnitude, negative);
                }
            }
        }
        if (!anyMax) {
            throw new WpkFormatException(0, NAME + " states a largest magnitude of " + max + ", which no element has");
        }
        rc.requireEnd();
        Buffers.finishDecode(src, dst, out);
    }

    /** What an element must be: anything, non-zero (last of a non-empty channel), or ±max. */
    static final int FREE = 0;
    static final int NON_ZERO = 1;
    static final int MAX = 2;

    static final AdaptiveRate SLOW = new AdaptiveRate(10, 64);
    /** Whether a non-zero is the largest magnitude is learnt fastest: one per channel, mostly. */
    static final AdaptiveRate FAST = new AdaptiveRate(2, 64);

    static final int EMPTY_CONTEXTS = 2;
    static final int FLAG_CONTEXTS = 12 * 2 * 3;
    static final int MAX_CONTEXTS = 2;
    /** 8 buckets × tree nodes 1..7 (at 8·bucket + node), then nodes 8..127 shared (at 64 + node). */
    static final int MAGNITUDE_CONTEXTS = 64 + 128;
    /** 9 magnitude classes × 3 sign balances. */
    static final int SIGN_CONTEXTS = 27;

    /** The adaptive probabilities and the per-channel state their contexts are drawn from. */
    private static final class Model {
        static final int EMPTY = 0;
        static final int FLAG = EMPTY + EMPTY_CONTEXTS;
        static final int MAXIMUM = FLAG + FLAG_CONTEXTS;
        static final int MAGNITUDE = MAXIMUM + MAX_CONTEXTS;
        static final int SIGN = MAGNITUDE + MAGNITUDE_CONTEXTS;

        final int[] states = new int[SIGN + SIGN_CONTEXTS];
        private final int max;
        private final boolean maxInEvery;
        /** Per position (o, i) of a channel: how many earlier channels had a non-zero there. */
        private final int[] column;
        private int channel = -1;
        private int previousEmpty;
        private int position;
        private int seen;
        private int nonZero;
        private int previous;
        private int smallestBucket;
        private int smallest;
        private boolean sawMax;
        private int balance;

        Model(int positions, int max, boolean maxInEvery) {
            this.max = max;
            this.maxInEvery = maxInEvery;
            column = new int[positions];
            Arrays.fill(states, AdaptiveRate.state(AdaptiveRate.ONE / 2));
            states[EMPTY] = states[EMPTY + 1] = AdaptiveRate.state(AdaptiveRate.ONE * 7 / 8);
            for (int b = 0; b < 12; b++) {
                // The bucket estimates the share of non-zeros, so it starts there.
                int p = b < 8 ? AdaptiveRate.ONE - (2 * b + 1) * (AdaptiveRate.ONE / 16) : AdaptiveRate.ONE * 3 / 4;
                Arrays.fill(states, FLAG + 6 * b, FLAG + 6 * b + 6, AdaptiveRate.state(p));
            }
        }

        int emptyContext() {
            return EMPTY + previousEmpty;
        }

        void startChannel(boolean empty) {
            channel++;
            previousEmpty = empty ? 1 : 0;
            position = 0;
            seen = 0;
            nonZero = 0;
            previous = 0;
            smallest = Integer.MAX_VALUE;
            smallestBucket = 0;
            sawMax = false;
            balance = 0;
        }

        /** Whether the next element, {@code last} of a non-empty channel or not, is forced. */
        int forced(boolean last) {
            if (!last) {
                return FREE;
            }
            if (maxInEvery && !sawMax) {
                return MAX;
            }
            return nonZero == 0 ? NON_ZERO : FREE;
        }

        int flagContext() {
            int bucket = seen < 4 ? 8 + seen : Math.min(7, (int) (8L * nonZero / seen));
            // Share of earlier channels with a non-zero here: under 10%, under 30%, or more (or none yet).
            long here = 10L * column[position];
            int col = channel == 0 ? 2 : here < channel ? 0 : here < 3L * channel ? 1 : 2;
            return FLAG + 6 * bucket + 3 * previous + col;
        }

        int maxContext() {
            return MAXIMUM + (sawMax ? 1 : 0);
        }

        int magnitudeContext(int node) {
            return MAGNITUDE + (node < 8 ? smallestBucket * 8 + node : 64 + node);
        }

        int signContext(int magnitude) {
            int size = magnitude == max ? 8 : 31 - Integer.numberOfLeadingZeros(magnitude);
            int lean = balance < -1 ? 0 : balance > 1 ? 2 : 1;
            return SIGN + 3 * size + lean;
        }

        void sawZero() {
            seen++;
            position++;
            previous = 0;
        }

        void sawNonZero(int magnitude, boolean negative) {
            seen++;
            nonZero++;
            column[position++]++;
            previous = 1;
            balance += negative ? -1 : 1;
            if (magnitude == max) {
                sawMax = true;
            } else if (magnitude < smallest) {
                smallest = magnitude;
                smallestBucket = Math.min(7, 32 - Integer.numberOfLeadingZeros(magnitude));
            }
        }
    }

    @Override
    public int decodeSpeedRank() {
        return 6;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelContextCodec && ((ChannelContextCodec) o).params.equals(params);
    }

    @Override
    public int hashCode() {
        return params.hashCode();
    }

    @Override
    public String toString() {
        return NAME + params;
    }
}
