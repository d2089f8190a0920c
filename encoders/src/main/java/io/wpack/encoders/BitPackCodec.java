package io.wpack.encoders;

import io.wpack.formats.WpkFormatException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fixed-width bit packing of integer elements whose values span a small range: int4 codes
 * stored as int8, 5- or 6-bit quantized weights, uint16 indices below 2^12. Each element of
 * {@code elem} bytes is coded as a symbol of {@code width} bits, {@code symbol = (element -
 * offset) mod 2^(8·elem)}, the element read as a little-endian unsigned integer; so int8 codes
 * in [-8, 7] pack into 4 bits with {@code offset} = 248 (the byte of -8). Decoding costs no
 * entropy decoding at all: whole 64-bit words are unpacked with shifts and masks.
 *
 * <p>Parameters, in the manifest stage: {@code elem} = 1, 2 or 4 bytes per element;
 * {@code width} = 1..min(16, 8·elem) bits per symbol; {@code offset} = 0..2^(8·elem) - 1, in
 * decimal, optional (absent means 0; {@link #params()} omits it then). {@link #choose} picks
 * the narrowest configuration for a payload; the packer configures one per tensor.
 *
 * <p>Byte grammar, for a chunk of d bytes, n = d / elem elements:
 * <pre>
 * stream = packed tail
 * packed = floor(n·width / 8) + 1 bytes, read LSB-first (bit 0 of a byte first): symbol i in
 *          bits [i·width, (i+1)·width), least significant bit first; bit n·width set (end
 *          mark); the bits after it zero
 * tail   = the last d mod elem bytes, as they are
 * </pre>
 * So the stream is exactly floor(n·width / 8) + 1 + d mod elem bytes. The end mark makes the
 * symbol count exact: a reader told one element more or fewer finds the mark, or a non-zero
 * bit after it, in the wrong place, even when both counts need the same number of bytes. Every
 * other bit pattern decodes; there is no checksum (the chunk's CRC32C covers the stream).
 *
 * <p>The decoder reads eight symbols at a time, which take exactly {@code width} bytes: from one
 * 64-bit word for widths up to 8; for wider symbols from two words, the group's first and last
 * eight bytes, which between them hold every symbol whole (for each j &lt; 8, either j·w + w
 * &lt;= 64 or j·w &gt;= 8w - 64, checked for w = 9..16). It adds the offset to all lanes of a
 * word at once (SWAR) and stores whole words. Groups whose word would run past the end mark's
 * byte, and the last n mod 8 symbols, take a precise tail that reads single bytes.
 */
public final class BitPackCodec implements ByteCodec {
    public static final String NAME = "bitpack";
    public static final String ELEM = "elem";
    public static final String WIDTH = "width";
    public static final String OFFSET = "offset";
    public static final int MAX_WIDTH = 16;

    private static final long LOW7_8 = 0x7F7F7F7F7F7F7F7FL;
    private static final long LOW15_16 = 0x7FFF7FFF7FFF7FFFL;
    private static final long LOW31_32 = 0x7FFFFFFF7FFFFFFFL;

    private final int elem;
    private final int width;
    private final long offset;
    private final Map<String, String> params;

    /**
     * @param elem bytes per element: 1, 2 or 4
     * @param width bits per symbol, 1..min(16, 8·elem)
     * @param offset the element value coded as symbol 0, as an unsigned integer below 2^(8·elem)
     */
    public BitPackCodec(int elem, int width, long offset) {
        if (elem != 1 && elem != 2 && elem != 4) {
            throw new IllegalArgumentException("bitpack elem is 1, 2 or 4, not " + elem);
        }
        if (width < 1 || width > Math.min(MAX_WIDTH, 8 * elem)) {
            throw new IllegalArgumentException("bitpack width for elem " + elem + " is 1.." + Math.min(MAX_WIDTH, 8 * elem)
                    + ", not " + width);
        }
        if (offset < 0 || offset > elementMask(elem)) {
            throw new IllegalArgumentException("bitpack offset for elem " + elem + " is 0.." + elementMask(elem)
                    + ", not " + offset);
        }
        this.elem = elem;
        this.width = width;
        this.offset = offset;
        Map<String, String> p = new LinkedHashMap<>();
        p.put(ELEM, Integer.toString(elem));
        p.put(WIDTH, Integer.toString(width));
        if (offset != 0) {
            p.put(OFFSET, Long.toString(offset));
        }
        this.params = Collections.unmodifiableMap(p);
    }

    /** The codec a manifest stage's parameters describe: {@code elem} and {@code width}, optionally {@code offset}. */
    public static BitPackCodec fromParams(Map<String, String> params) throws WpkFormatException {
        for (String key : params.keySet()) {
            if (!key.equals(ELEM) && !key.equals(WIDTH) && !key.equals(OFFSET)) {
                throw new WpkFormatException("codec '" + NAME + "' has unknown parameters " + params.keySet()
                        + ": the package may need a newer wpack");
            }
        }
        int elem = (int) number(params, ELEM, 1, 4, true);
        if (elem == 3) {
            throw new WpkFormatException("codec '" + NAME + "' has elem '3'; this wpack knows 1, 2 and 4");
        }
        int width = (int) number(params, WIDTH, 1, Math.min(MAX_WIDTH, 8 * elem), true);
        long offset = number(params, OFFSET, 0, elementMask(elem), false);
        return new BitPackCodec(elem, width, offset);
    }

    /** A decimal parameter without sign or leading zeros, in [min, max]; absent means 0 unless required. */
    private static long number(Map<String, String> params, String key, long min, long max, boolean required)
            throws WpkFormatException {
        String text = params.get(key);
        if (text == null) {
            if (required) {
                throw new WpkFormatException("codec '" + NAME + "' needs the parameter '" + key + "', not only "
                        + params.keySet() + ": the package may need a newer wpack");
            }
            return 0;
        }
        long value;
        try {
            value = text.length() > 12 ? -1 : Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new WpkFormatException("codec '" + NAME + "' has " + key + " '" + text + "', not an integer");
        }
        if (value < min || value > max || !Long.toString(value).equals(text)) {
            throw new WpkFormatException("codec '" + NAME + "' has " + key + " '" + text + "'; this wpack knows "
                    + min + ".." + max);
        }
        return value;
    }

    /**
     * The narrowest bitpack configuration for {@code src[off, off + len)} read as elements of
     * {@code elem} bytes, or null when no width below the element's own 8·elem bits and at most 16
     * holds every element (packing would not shrink the payload). The offset is 0, the smallest
     * unsigned element or the smallest two's-complement element, whichever gives the narrowest
     * width, in that order on ties. A trailing partial element is stored as it is and does not
     * count.
     */
    public static BitPackCodec choose(byte[] src, int off, int len, int elem) {
        Buffers.checkRange(src, off, len);
        if (elem != 1 && elem != 2 && elem != 4) {
            throw new IllegalArgumentException("bitpack elem is 1, 2 or 4, not " + elem);
        }
        int n = len / elem;
        long mask = elementMask(elem);
        long signBit = (mask >>> 1) + 1;
        long uMin = Long.MAX_VALUE, uMax = Long.MIN_VALUE, sMin = Long.MAX_VALUE, sMax = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            long e = element(src, off + i * elem, elem);
            long s = (e ^ signBit) - signBit;
            uMin = Math.min(uMin, e);
            uMax = Math.max(uMax, e);
            sMin = Math.min(sMin, s);
            sMax = Math.max(sMax, s);
        }
        if (n == 0) {
            return new BitPackCodec(elem, 1, 0);
        }
        int best = bits(uMax);
        long bestOffset = 0;
        if (bits(uMax - uMin) < best) {
            best = bits(uMax - uMin);
            bestOffset = uMin;
        }
        if (bits(sMax - sMin) < best) {
            best = bits(sMax - sMin);
            bestOffset = sMin & mask;
        }
        if (best >= 8 * elem || best > MAX_WIDTH) {
            return null;
        }
        return new BitPackCodec(elem, best, bestOffset);
    }

    /** Bits of the largest symbol, at least 1. */
    private static int bits(long maxSymbol) {
        return Math.max(1, 64 - Long.numberOfLeadingZeros(maxSymbol));
    }

    public int elem() {
        return elem;
    }

    public int width() {
        return width;
    }

    public long offset() {
        return offset;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, String> params() {
        return params;
    }

    /**
     * @throws IllegalArgumentException if an element is not {@code offset} plus a {@code
     *     width}-bit symbol; {@link #choose} gives a configuration that fits
     */
    @Override
    public byte[] encode(byte[] src, int off, int len) {
        Buffers.checkRange(src, off, len);
        int n = len / elem;
        int tail = len - n * elem;
        long bits = (long) n * width;
        long size = (bits >>> 3) + 1 + tail;
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("bitpack stream exceeds 2 GiB");
        }
        byte[] out = new byte[(int) size];
        long mask = elementMask(elem);
        long acc = 0;
        int accBits = 0;
        int o = 0;
        for (int i = 0; i < n; i++) {
            long e = element(src, off + i * elem, elem);
            long s = (e - offset) & mask;
            if (s >>> width != 0) {
                throw new IllegalArgumentException("element " + i + " (" + e + ") is not offset " + offset + " plus a "
                        + width + "-bit symbol");
            }
            acc |= s << accBits;
            accBits += width;
            while (accBits >= 8) {
                out[o++] = (byte) acc;
                acc >>>= 8;
                accBits -= 8;
            }
        }
        out[o++] = (byte) (acc | 1L << accBits);
        System.arraycopy(src, off + n * elem, out, o, tail);
        return out;
    }

    @Override
    public void decode(ByteBuffer src, ByteBuffer dst) throws WpkFormatException {
        byte[] in = Buffers.arrayOf(src);
        int inStart = Buffers.arrayOffsetOf(src);
        int inEnd = inStart + src.remaining();
        int d = dst.remaining();
        if (dst.hasArray()) {
            decode(in, inStart, inEnd, dst.array(), dst.arrayOffset() + dst.position(), d);
        } else {
            byte[] out = new byte[d];
            decode(in, inStart, inEnd, out, 0, d);
            Buffers.putAtPosition(dst, out, 0, d);
        }
        Buffers.consume(src);
        Buffers.consume(dst);
    }

    private void decode(byte[] in, int inStart, int inEnd, byte[] out, int outStart, int d) throws WpkFormatException {
        int n = d / elem;
        int tail = d - n * elem;
        long bits = (long) n * width;
        long expected = (bits >>> 3) + 1 + tail;
        if (inEnd - inStart != expected) {
            throw new WpkFormatException(Math.min(inEnd - inStart, expected), "bitpack stream of " + (inEnd - inStart)
                    + " bytes; " + n + " elements of " + width + " bits and " + tail + " tail bytes take " + expected);
        }
        int markAt = inStart + (int) (bits >>> 3);
        if ((in[markAt] & 0xFF) >>> (bits & 7) != 1) {
            throw new WpkFormatException(bits >>> 3, "bitpack end mark is not right after the " + n
                    + " elements, or bits follow it");
        }
        int avail = markAt + 1 - inStart;
        int done;
        switch (elem) {
            case 1:
                done = unpackBytes(in, inStart, avail, out, outStart, n);
                break;
            case 2:
                done = unpackShorts(in, inStart, avail, out, outStart, n);
                break;
            default:
                done = unpackInts(in, inStart, avail, out, outStart, n);
        }
        unpackTail(in, inStart, markAt + 1, out, outStart, done, n);
        System.arraycopy(in, markAt + 1, out, outStart + n * elem, tail);
    }

    /** Groups of 8 symbols whose loads stay within the {@code avail} bytes of the packed bits. */
    private int fastGroups(int n, int avail) {
        // Group g loads bytes [g·w, g·w + max(8, w)).
        int reach = Math.max(8, width);
        if (avail < reach) {
            return 0;
        }
        return Math.min(n >>> 3, (avail - reach) / width + 1);
    }

    /** elem 1 (width <= 8): one word in, one word out per group. Returns the symbols decoded. */
    private int unpackBytes(byte[] in, int inStart, int avail, byte[] out, int outStart, int n) {
        ByteBuffer words = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer outWords = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        int w = width;
        long mask = (1L << w) - 1;
        long offsets = (offset & 0xFF) * 0x0101010101010101L;
        int groups = fastGroups(n, avail);
        int ip = inStart;
        int op = outStart;
        if (w == 8) {
            for (int g = 0; g < groups; g++, ip += 8, op += 8) {
                outWords.putLong(op, addLanes(words.getLong(ip), offsets, LOW7_8));
            }
            return groups << 3;
        }
        for (int g = 0; g < groups; g++, ip += w, op += 8) {
            long word = words.getLong(ip);
            long lanes = word & mask
                    | (word >>> w & mask) << 8
                    | (word >>> 2 * w & mask) << 16
                    | (word >>> 3 * w & mask) << 24
                    | (word >>> 4 * w & mask) << 32
                    | (word >>> 5 * w & mask) << 40
                    | (word >>> 6 * w & mask) << 48
                    | (word >>> 7 * w & mask) << 56;
            outWords.putLong(op, addLanes(lanes, offsets, LOW7_8));
        }
        return groups << 3;
    }

    /** elem 2: symbols into four 16-bit lanes per output word. */
    private int unpackShorts(byte[] in, int inStart, int avail, byte[] out, int outStart, int n) {
        ByteBuffer words = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer outWords = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        int w = width;
        long mask = (1L << w) - 1;
        long offsets = (offset & 0xFFFF) * 0x0001000100010001L;
        int hiBase = 8 * w - 64;
        int hiAt = Math.max(0, w - 8);
        int groups = fastGroups(n, avail);
        int ip = inStart;
        int op = outStart;
        for (int g = 0; g < groups; g++, ip += w, op += 16) {
            long lo = words.getLong(ip);
            long hi = words.getLong(ip + hiAt);
            long a = symbol(lo, hi, 0, w, hiBase, mask)
                    | symbol(lo, hi, w, w, hiBase, mask) << 16
                    | symbol(lo, hi, 2 * w, w, hiBase, mask) << 32
                    | symbol(lo, hi, 3 * w, w, hiBase, mask) << 48;
            long b = symbol(lo, hi, 4 * w, w, hiBase, mask)
                    | symbol(lo, hi, 5 * w, w, hiBase, mask) << 16
                    | symbol(lo, hi, 6 * w, w, hiBase, mask) << 32
                    | symbol(lo, hi, 7 * w, w, hiBase, mask) << 48;
            outWords.putLong(op, addLanes(a, offsets, LOW15_16));
            outWords.putLong(op + 8, addLanes(b, offsets, LOW15_16));
        }
        return groups << 3;
    }

    /** elem 4: symbols into two 32-bit lanes per output word. */
    private int unpackInts(byte[] in, int inStart, int avail, byte[] out, int outStart, int n) {
        ByteBuffer words = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer outWords = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        int w = width;
        long mask = (1L << w) - 1;
        long offsets = (offset & 0xFFFFFFFFL) * 0x0000000100000001L;
        int hiBase = 8 * w - 64;
        int hiAt = Math.max(0, w - 8);
        int groups = fastGroups(n, avail);
        int ip = inStart;
        int op = outStart;
        for (int g = 0; g < groups; g++, ip += w, op += 32) {
            long lo = words.getLong(ip);
            long hi = words.getLong(ip + hiAt);
            for (int j = 0; j < 8; j += 2) {
                long pair = symbol(lo, hi, j * w, w, hiBase, mask) | symbol(lo, hi, (j + 1) * w, w, hiBase, mask) << 32;
                outWords.putLong(op + 4 * j, addLanes(pair, offsets, LOW31_32));
            }
        }
        return groups << 3;
    }

    /**
     * Symbol at bit {@code shift} of a group of 8w bits held in {@code lo} (its first 64 bits) and
     * {@code hi} (its last 64, from bit {@code hiBase}); for w <= 8, lo holds the whole group.
     */
    private static long symbol(long lo, long hi, int shift, int w, int hiBase, long mask) {
        return (shift + w <= 64 ? lo >>> shift : hi >>> (shift - hiBase)) & mask;
    }

    /** Lane-wise addition modulo the lane size; {@code low} has all but the top bit of each lane set. */
    private static long addLanes(long a, long b, long low) {
        return ((a & low) + (b & low)) ^ ((a ^ b) & ~low);
    }

    /** Symbols [from, n) a byte at a time, reading no byte at or after {@code inLimit}. */
    private void unpackTail(byte[] in, int inStart, int inLimit, byte[] out, int outStart, int from, int n) {
        int w = width;
        int mask = (1 << w) - 1;
        long elementMask = elementMask(elem);
        for (int i = from; i < n; i++) {
            long bit = (long) i * w;
            int p = inStart + (int) (bit >>> 3);
            // At most 7 + 16 bits: three bytes hold any symbol.
            int v = in[p] & 0xFF;
            if (p + 1 < inLimit) {
                v |= (in[p + 1] & 0xFF) << 8;
            }
            if (p + 2 < inLimit) {
                v |= (in[p + 2] & 0xFF) << 16;
            }
            long e = ((v >>> (bit & 7) & mask) + offset) & elementMask;
            int o = outStart + i * elem;
            for (int k = 0; k < elem; k++) {
                out[o + k] = (byte) (e >>> 8 * k);
            }
        }
    }

    private static long elementMask(int elem) {
        return elem == 4 ? 0xFFFFFFFFL : (1L << 8 * elem) - 1;
    }

    /** The little-endian unsigned element at {@code src[at, at + elem)}. */
    private static long element(byte[] src, int at, int elem) {
        long e = 0;
        for (int k = 0; k < elem; k++) {
            e |= (src[at + k] & 0xFFL) << 8 * k;
        }
        return e;
    }

    @Override
    public int decodeSpeedRank() {
        return 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BitPackCodec && ((BitPackCodec) o).params.equals(params);
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
