package io.wpack.encoders;

import io.wpack.encoders.huffman.BitWriter;
import io.wpack.encoders.huffman.CanonicalHuffmanDecoder;
import io.wpack.encoders.huffman.CanonicalHuffmanEncoder;
import io.wpack.encoders.huffman.InputCursor;
import io.wpack.formats.WpkFormatException;

import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Order-0 Huffman over one-byte codes whose code is not stored but rebuilt from a few integer
 * parameters of a distribution model: for small int8/uint8 tensors (a 1×1 convolution of 16×16
 * has 256 codes), where {@code huffman}'s code-length table costs as much as the data.
 *
 * <p>Model. Symbol s (a byte) lies at the signed distance {@code d = (byte) (s - center)} from the
 * zero byte, magnitude {@code m = |d|}, 1..128 for s ≠ center. In integers only, so that every
 * reader rebuilds the same code:
 * <pre>
 * f(center) = max(1, zero · 2^16)                      ; P(zero byte) = zero / 256
 * w(m)      = 0 for m &lt; hole; w(hole) = 2^30; w(m + 1) = floor(w(m) · decay / 4096)
 * W         = Σ over s ≠ center of w(m(s))
 * f(s)      = max(1, floor((2^24 − zero · 2^16) · w(m(s)) / W))   for s ≠ center
 * </pre>
 * a two-sided geometric decay of ratio decay/4096 from the smallest magnitude that magnitude
 * pruning left ({@code hole}), with every byte kept codable by the floor of 1. The code is the
 * optimal one of at most {@value #MAX_CODE_LENGTH} bits for these frequencies (package-merge,
 * ties by symbol) made canonical, as in a Huffman section.
 *
 * <p>Parameters, in the manifest stage, decimal without sign or leading zeros: {@code zero}
 * 0..255 and {@code decay} 0..4095, required; {@code hole} 1..128 (absent: 1) and {@code center}
 * 0..255 (absent: 0; the zero point of uint8 codes), optional and omitted by {@link #params()} at
 * their defaults. {@link #choose} fits them to a payload.
 *
 * <p>Byte grammar, for a chunk of n bytes: a Huffman section without its table, so all 256
 * symbols have codes and the single-symbol form never occurs:
 * <pre>
 * stream = (nothing)                        ; n = 0
 *        | codes                            ; n &lt; 1024: one stream
 *        | size0 size1 size2 s0 s1 s2 s3    ; n &gt;= 1024: four streams
 * </pre>
 * Streams, their sizes and the end mark are those of {@link CanonicalHuffmanEncoder}'s sections,
 * and the same table-driven four-stream decoder reads them.
 */
public final class ModelHuffmanCodec implements ByteCodec {
    public static final String NAME = "huffman-model";
    public static final String ZERO = "zero";
    public static final String DECAY = "decay";
    public static final String HOLE = "hole";
    public static final String CENTER = "center";
    public static final int MAX_ZERO = 255;
    public static final int MAX_DECAY = 4095;
    public static final int MAX_HOLE = 128;
    /**
     * 15 bits, not the 12 of byte sections: the ~240 bytes a small tensor never uses keep a code
     * each, and at 12 bits they would take 6% of the code space (0.09 bit a symbol), at 15 bits
     * 0.7%. Codes over 12 bits are that rare, so the decoder's slow path for them costs nothing.
     */
    public static final int MAX_CODE_LENGTH = 15;

    private static final int TOTAL_BITS = 24;
    /** Pruned int8 codes leave holes of up to a few tens of steps; larger ones are climbed to. */
    private static final int MAX_HOLE_TRIED = 48;
    private static final int DECAY_BITS = 12;

    private final int zero;
    private final int decay;
    private final int hole;
    private final int center;
    private final int[] lengths;
    private final CanonicalHuffmanEncoder encoder;
    private final Map<String, String> params;

    /**
     * @param zero P(center byte) in 1/256 steps, 0..255
     * @param decay ratio of successive magnitudes' probabilities in 1/4096 steps, 0..4095
     * @param hole smallest magnitude the geometric part starts at, 1..128
     * @param center the zero byte, 0..255
     */
    public ModelHuffmanCodec(int zero, int decay, int hole, int center) {
        check(zero, 0, MAX_ZERO, ZERO);
        check(decay, 0, MAX_DECAY, DECAY);
        check(hole, 1, MAX_HOLE, HOLE);
        check(center, 0, 255, CENTER);
        this.zero = zero;
        this.decay = decay;
        this.hole = hole;
        this.center = center;
        this.encoder = CanonicalHuffmanEncoder.fromCounts(frequencies(zero, decay, hole, center), MAX_CODE_LENGTH);
        this.lengths = encoder.codeLengths();
        Map<String, String> p = new LinkedHashMap<>();
        p.put(ZERO, Integer.toString(zero));
        p.put(DECAY, Integer.toString(decay));
        if (hole != 1) {
            p.put(HOLE, Integer.toString(hole));
        }
        if (center != 0) {
            p.put(CENTER, Integer.toString(center));
        }
        this.params = Collections.unmodifiableMap(p);
    }

    private static void check(int value, int min, int max, String what) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(NAME + " " + what + " is " + min + ".." + max + ", not " + value);
        }
    }

    /** The codec a manifest stage's parameters describe. */
    public static ModelHuffmanCodec fromParams(Map<String, String> params) throws WpkFormatException {
        for (String key : params.keySet()) {
            if (!key.equals(ZERO) && !key.equals(DECAY) && !key.equals(HOLE) && !key.equals(CENTER)) {
                throw new WpkFormatException("codec '" + NAME + "' has unknown parameters " + params.keySet()
                        + ": the package may need a newer wpack");
            }
        }
        return new ModelHuffmanCodec(number(params, ZERO, 0, MAX_ZERO, -1), number(params, DECAY, 0, MAX_DECAY, -1),
                number(params, HOLE, 1, MAX_HOLE, 1), number(params, CENTER, 0, 255, 0));
    }

    /** A decimal parameter without sign or leading zeros in [min, max]; absent gives {@code absent}, or fails if -1. */
    private static int number(Map<String, String> params, String key, int min, int max, int absent)
            throws WpkFormatException {
        String text = params.get(key);
        if (text == null) {
            if (absent < 0) {
                throw new WpkFormatException("codec '" + NAME + "' needs the parameter '" + key + "', not only "
                        + params.keySet() + ": the package may need a newer wpack");
            }
            return absent;
        }
        int value = text.isEmpty() || text.length() > 5 ? -1 : 0;
        for (int i = 0; i < text.length() && value >= 0; i++) {
            char c = text.charAt(i);
            value = c >= '0' && c <= '9' ? value * 10 + (c - '0') : -1;
        }
        if (value < min || value > max || !Integer.toString(value).equals(text)) {
            throw new WpkFormatException("codec '" + NAME + "' has " + key + " '" + text + "'; this wpack knows "
                    + min + ".." + max);
        }
        return value;
    }

    // ---- the model

    /** The model's integer frequencies of all 256 bytes, each at least 1. */
    static long[] frequencies(int zero, int decay, int hole, int center) {
        long[] magnitude = new long[129];
        long w = 1L << 30;
        for (int m = hole; m <= 128; m++) {
            magnitude[m] = w;
            w = w * decay >>> DECAY_BITS;
        }
        long total = 0;
        for (int s = 0; s < 256; s++) {
            if (s != center) {
                total += magnitude[Math.abs((byte) (s - center))];
            }
        }
        // total >= 2^30 (the magnitude hole occurs at least once) and below 2^38; rest * w < 2^54.
        long rest = (1L << TOTAL_BITS) - ((long) zero << 16);
        long[] f = new long[256];
        for (int s = 0; s < 256; s++) {
            long v = s == center ? (long) zero << 16 : rest * magnitude[Math.abs((byte) (s - center))] / total;
            f[s] = Math.max(1, v);
        }
        return f;
    }

    static int[] codeLengths(int zero, int decay, int hole, int center) {
        return CanonicalHuffmanEncoder.fromCounts(frequencies(zero, decay, hole, center), MAX_CODE_LENGTH).codeLengths();
    }

    // ---- choosing parameters

    /**
     * The parameters that code {@code src[off, off + len)} in the fewest bits: the centre is 0 or
     * the most frequent byte; for it, zero and decay start from their maximum-likelihood values
     * and the hole from each small magnitude, then a coordinate search on the exact coded size
     * (Σ count · code length) refines them. Deterministic: the same bytes give the same codec.
     */
    public static ModelHuffmanCodec choose(byte[] src, int off, int len) {
        Buffers.checkRange(src, off, len);
        long[] counts = new long[256];
        for (int i = off; i < off + len; i++) {
            counts[src[i] & 0xFF]++;
        }
        int mode = 0;
        for (int s = 1; s < 256; s++) {
            if (counts[s] > counts[mode]) {
                mode = s;
            }
        }
        Search best = new Search(counts, 0).run();
        if (mode != 0) {
            Search other = new Search(counts, mode).run();
            if (other.bestBits < best.bestBits) {
                best = other;
            }
        }
        return new ModelHuffmanCodec(best.zero, best.decay, best.hole, best.center);
    }

    /** Coordinate search for one centre, memoizing the coded size of every parameter set it tries. */
    private static final class Search {
        private final long[] counts;
        private final int center;
        /** magnitudeCounts[m]: bytes at distance ±m from the centre. */
        private final long[] magnitudeCounts = new long[129];
        private final Map<Long, Long> tried = new HashMap<>();
        int zero;
        int decay;
        int hole;
        long bestBits = Long.MAX_VALUE;

        Search(long[] counts, int center) {
            this.counts = counts;
            this.center = center;
            for (int s = 0; s < 256; s++) {
                if (s != center) {
                    magnitudeCounts[Math.abs((byte) (s - center))] += counts[s];
                }
            }
        }

        Search run() {
            long n = 0;
            for (long c : counts) {
                n += c;
            }
            zero = n == 0 ? 0 : (int) Math.min(MAX_ZERO, (counts[center] * 256 + n / 2) / n);
            // Holes: 1 and every magnitude up to the first that occurs (pruning left none below),
            // at most MAX_HOLE_TRIED of them.
            int firstPresent = 1;
            while (firstPresent < MAX_HOLE_TRIED && magnitudeCounts[firstPresent] == 0) {
                firstPresent++;
            }
            hole = 1;
            decay = likelyDecay(1);
            bestBits = bits(zero, decay, hole);
            for (int h = 2; h <= firstPresent; h++) {
                int d = likelyDecay(h);
                long b = bits(zero, d, h);
                if (b < bestBits) {
                    bestBits = b;
                    hole = h;
                    decay = d;
                }
            }
            for (int pass = 0; pass < 3; pass++) {
                boolean moved = false;
                for (int step : new int[] {256, 64, 16, 4, 1}) {
                    moved |= climb(1, step, 0, MAX_DECAY);
                }
                for (int step : new int[] {16, 4, 1}) {
                    moved |= climb(0, step, 0, MAX_ZERO);
                }
                moved |= climb(2, 1, 1, MAX_HOLE);
                if (!moved) {
                    break;
                }
            }
            return this;
        }

        /** Moves coordinate {@code which} (0 zero, 1 decay, 2 hole) by ±step while that codes in fewer bits. */
        private boolean climb(int which, int step, int min, int max) {
            boolean moved = false;
            for (int sign : new int[] {1, -1}) {
                while (true) {
                    int z = zero, d = decay, h = hole;
                    if (which == 0) {
                        z += sign * step;
                    } else if (which == 1) {
                        d += sign * step;
                    } else {
                        h += sign * step;
                    }
                    int v = which == 0 ? z : which == 1 ? d : h;
                    if (v < min || v > max) {
                        break;
                    }
                    long b = bits(z, d, h);
                    if (b >= bestBits) {
                        break;
                    }
                    bestBits = b;
                    zero = z;
                    decay = d;
                    hole = h;
                    moved = true;
                }
            }
            return moved;
        }

        /** Geometric fit of the magnitudes from {@code h} on: ratio = mean / (1 + mean) of m − h. */
        private int likelyDecay(int h) {
            long sum = 0;
            long count = 0;
            for (int m = h; m <= 128; m++) {
                sum += (m - h) * magnitudeCounts[m];
                count += magnitudeCounts[m];
            }
            if (sum + count == 0) {
                return 0;
            }
            return (int) Math.min(MAX_DECAY, (sum << DECAY_BITS) / (sum + count));
        }

        private long bits(int z, int d, int h) {
            long key = (long) z << 32 | (long) d << 8 | h;
            Long known = tried.get(key);
            if (known != null) {
                return known;
            }
            int[] lengths = codeLengths(z, d, h, center);
            long total = 0;
            for (int s = 0; s < 256; s++) {
                total += counts[s] * lengths[s];
            }
            tried.put(key, total);
            return total;
        }
    }

    public int zero() {
        return zero;
    }

    public int decay() {
        return decay;
    }

    public int hole() {
        return hole;
    }

    public int center() {
        return center;
    }

    /** The code's lengths for the 256 bytes. */
    public int[] codeLengths() {
        return lengths.clone();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, String> params() {
        return params;
    }

    @Override
    public byte[] encode(byte[] src, int off, int len) {
        Buffers.checkRange(src, off, len);
        if (len == 0) {
            return new byte[0];
        }
        BitWriter out = new BitWriter(len / 2 + 64);
        encoder.writeStreams(src, off, len, out);
        return out.toByteArray();
    }

    @Override
    public void decode(ByteBuffer src, ByteBuffer dst) throws WpkFormatException {
        int n = dst.remaining();
        if (n == 0) {
            if (src.hasRemaining()) {
                throw new WpkFormatException(0, NAME + " stream of " + src.remaining() + " bytes for no symbols");
            }
            return;
        }
        byte[] in = Buffers.arrayOf(src);
        int inStart = Buffers.arrayOffsetOf(src);
        InputCursor cursor = new InputCursor(in, inStart, inStart, inStart + src.remaining());
        if (dst.hasArray()) {
            CanonicalHuffmanDecoder.decodeBytesWithCode(cursor, lengths, dst.array(), dst.arrayOffset() + dst.position(), n);
        } else {
            byte[] out = new byte[n];
            CanonicalHuffmanDecoder.decodeBytesWithCode(cursor, lengths, out, 0, n);
            Buffers.putAtPosition(dst, out, 0, n);
        }
        Buffers.consume(src);
        Buffers.consume(dst);
    }

    @Override
    public int decodeSpeedRank() {
        return 3;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelHuffmanCodec && ((ModelHuffmanCodec) o).params.equals(params);
    }

    @Override
    public int hashCode() {
        return ((zero * 4096 + decay) * 129 + hole) * 256 + center;
    }

    @Override
    public String toString() {
        return NAME + params;
    }
}
