package io.wpack.encoders;

import io.wpack.encoders.huffman.InputCursor;
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
 * quantized, magnitude-pruned tensor has structure a per-tensor order-0 code cannot use: a
 * channel's share of non-zeros, and its smallest surviving magnitude (pruning's threshold over
 * the channel's scale), differ from channel to channel. For small tensors, where a stored table
 * costs as much as the codes, it is the smallest coder; it decodes at tens of MB/s, so the
 * packer tries it only on small tensors ({@link #MAX_CANDIDATE_BYTES}).
 *
 * <p>Layout. Parameters {@code channels} C and {@code inner} I view a chunk of n bytes as
 * [n / (C·I), C, I], row-major; n must be a multiple of C·I. Element (o, c, i) is at
 * {@code (o·C + c)·I + i}. Elements are coded channel by channel: c = 0..C−1, then o, then i.
 * Parameter {@code zero} (0..255, absent: 0) is the byte that stands for zero; each byte b is
 * read as {@code d = (byte) (b − zero)}.
 *
 * <p>Model, per element, all probabilities starting afresh with each chunk:
 * <pre>
 * flag   = d != 0, in context (bucket, previous flag of the channel, column):
 *          bucket = 8 + seen for the channel's first 4 elements (seen = 0..3), else
 *          min(7, floor(8 · nonzero / seen)); bucket b &lt; 8 starts at P(0) = (4096 − 512·b − 256) / 4096,
 *          the others at 3/4; column = 0, 1 or 2 as the share of earlier channels with a non-zero
 *          at the same (o, i) is under 1/10, under 3/10, or more (2 in the first channel): an input
 *          that matters little to one output channel tends to matter little to the others
 * sign   = d &lt; 0, a direct bit (probability 1/2)
 * v      = |d| − 1 (0..127), 7 bits from the most significant, each in the context of the bits
 *          above it (a binary tree); the first 2 levels (nodes 1..3) also in the context of
 *          min(7, bit length of the channel's smallest |d| so far), 0 before its first non-zero
 * </pre>
 * Deeper levels conditioned on the channel, or finer buckets of its smallest magnitude, came out
 * larger on the corpus's small tensors: more contexts to learn than codes to learn them from.
 *
 * v = 127 with a positive sign (+128) is not a byte and is rejected.
 *
 * <p>Byte grammar: {@code n:varint} (the chunk's length, checked against the destination: the
 * range coder's stream does not say where the symbols end), then the range coder's stream
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
     * it decodes at tens of MB/s, so a smaller saving counts as a tie, and a tie keeps the faster.
     */
    public static final double MAX_SHARE_OF_BEST = 0.97;

    static final int FLAG_CONTEXTS = 12 * 2 * 3;
    /** 8 buckets × tree nodes 1..3 (at 4·bucket + node), then nodes 4..127 shared (at 32 + node). */
    static final int MAGNITUDE_CONTEXTS = 32 + 128;

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
        RangeEncoder rc = new RangeEncoder(len / 2 + 16);
        rc.writeVarint(len);
        Model model = new Model((int) (outer * inner));
        for (int c = 0; c < channels; c++) {
            model.startChannel();
            for (long o = 0; o < outer; o++) {
                int base = off + (int) ((o * channels + c) * inner);
                for (int i = 0; i < inner; i++) {
                    int d = (byte) (src[base + i] - zero);
                    int flag = d != 0 ? 1 : 0;
                    rc.encodeBit(model.flags, model.flagContext(), flag);
                    if (flag != 0) {
                        int magnitude = Math.abs(d);
                        rc.encodeDirect(d < 0 ? 1 : 0);
                        int v = magnitude - 1;
                        int node = 1;
                        for (int level = 6; level >= 0; level--) {
                            int bit = v >>> level & 1;
                            rc.encodeBit(model.magnitudes, model.magnitudeContext(node), bit);
                            node = node << 1 | bit;
                        }
                        model.sawNonZero(magnitude);
                    } else {
                        model.sawZero();
                    }
                }
            }
        }
        return rc.finish();
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
        int stated = cursor.readVarint(Integer.MAX_VALUE, "chunk length");
        if (stated != n) {
            throw new WpkFormatException(0, NAME + " stream of " + stated + " bytes, expected " + n);
        }
        RangeDecoder rc = new RangeDecoder(in, cursor.position(), cursor.remaining());
        Model model = new Model((int) (outer * inner));
        for (int c = 0; c < channels; c++) {
            model.startChannel();
            for (long o = 0; o < outer; o++) {
                int base = outStart + (int) ((o * channels + c) * inner);
                for (int i = 0; i < inner; i++) {
                    if (rc.decodeBit(model.flags, model.flagContext()) == 0) {
                        out[base + i] = (byte) zero;
                        model.sawZero();
                        continue;
                    }
                    boolean negative = rc.decodeDirect() != 0;
                    int node = 1;
                    for (int level = 0; level < 7; level++) {
                        node = node << 1 | rc.decodeBit(model.magnitudes, model.magnitudeContext(node));
                    }
                    int magnitude = node - 128 + 1;
                    if (magnitude == 128 && !negative) {
                        throw new WpkFormatException(0, NAME + " decodes +128, which is not a byte");
                    }
                    out[base + i] = (byte) (zero + (negative ? -magnitude : magnitude));
                    model.sawNonZero(magnitude);
                }
            }
        }
        rc.requireEnd();
        Buffers.finishDecode(src, dst, out);
    }

    /** The adaptive probabilities and the per-channel state their contexts are drawn from. */
    private static final class Model {
        final short[] flags = new short[FLAG_CONTEXTS];
        final short[] magnitudes = new short[MAGNITUDE_CONTEXTS];
        /** Per position (o, i) of a channel: how many earlier channels had a non-zero there. */
        private final int[] column;
        private int channel = -1;
        private int position;
        private int seen;
        private int nonZero;
        private int previous;
        private int smallestBucket;
        private int smallest;

        Model(int positions) {
            column = new int[positions];
            for (int b = 0; b < 12; b++) {
                // The bucket estimates the share of non-zeros, so it starts there.
                short p = (short) (b < 8 ? RangeEncoder.ONE - 512 * b - 256 : RangeEncoder.ONE * 3 / 4);
                Arrays.fill(flags, 6 * b, 6 * b + 6, p);
            }
            Arrays.fill(magnitudes, (short) (RangeEncoder.ONE / 2));
        }

        void startChannel() {
            channel++;
            position = 0;
            seen = 0;
            nonZero = 0;
            previous = 0;
            smallest = Integer.MAX_VALUE;
            smallestBucket = 0;
        }

        int flagContext() {
            int bucket = seen < 4 ? 8 + seen : Math.min(7, (int) (8L * nonZero / seen));
            // Share of earlier channels with a non-zero here: under 10%, under 30%, or more (or none yet).
            long here = 10L * column[position];
            int col = channel == 0 ? 2 : here < channel ? 0 : here < 3L * channel ? 1 : 2;
            return 6 * bucket + 3 * previous + col;
        }

        int magnitudeContext(int node) {
            return node < 4 ? smallestBucket * 4 + node : 32 + node;
        }

        void sawZero() {
            seen++;
            position++;
            previous = 0;
        }

        void sawNonZero(int magnitude) {
            seen++;
            nonZero++;
            column[position++]++;
            previous = 1;
            if (magnitude < smallest) {
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
