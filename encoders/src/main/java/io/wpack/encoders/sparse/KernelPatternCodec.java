package io.wpack.encoders.sparse;

import io.wpack.encoders.huffman.Sections;
import io.wpack.encoders.Buffers;
import io.wpack.encoders.ByteCodec;
import io.wpack.encoders.huffman.BitWriter;
import io.wpack.encoders.huffman.InputCursor;
import io.wpack.formats.WpkFormatException;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * Kernel patterns over one-byte elements (int8/uint8 codes, zero = byte 0), after PatDNN (Niu et
 * al., 2020): a conv weight is a sequence of k×k kernels (k·k consecutive elements, as OIHW with
 * H = W = k lays them out); each kernel's non-zero mask is one of a small library of patterns,
 * mined from the data, and the all-zero pattern is a kernel removed by connectivity pruning. A
 * kernel costs its Huffman-coded pattern id and its kept values.
 *
 * <p>Parameters: {@code kernels} (1..2^31 - 1) and {@code k} (1..8), kernels·k·k at most
 * 2^31 - 1; {@code width} = 1. A chunk is exactly kernels·k·k bytes.
 *
 * <p>Byte grammar (Huffman sections: see {@link SparseStreams}), with K = k·k:
 * <pre>
 * stream  = P:varint library ids values
 * P       = patterns in the library, 1..min(kernels, 65536)
 * library = P masks of K bits each, LSB-first (bit j set: element j of the kernel is stored),
 *           then zero bits to a byte; strictly increasing as unsigned numbers, so the all-zero
 *           pattern, when present, is first
 * ids     = size:varint, a section of one pattern id per kernel, each below P (a byte section
 *           when P &lt;= 256, else a 16-bit section)
 * values  = a byte section, kernel by kernel, of the bytes at its pattern's set bits in
 *           increasing position; they may be 0; other elements are 0; it ends the stream
 * </pre>
 * The encoder's library is the distinct non-zero masks of the kernels. Should there be more than
 * 65536, it keeps the 65535 most frequent and the full mask, and codes the other kernels with the
 * full mask (their zeros then stored as values).
 */
public final class KernelPatternCodec implements ByteCodec {
    public static final String NAME = "kpattern";
    public static final String KERNELS = "kernels";
    public static final String K = "k";
    public static final int MAX_K = 8;
    public static final int MAX_PATTERNS = 1 << 16;

    private final int kernels;
    private final int side;
    private final int area;
    private final int size;
    private final Map<String, String> params;

    /** @throws IllegalArgumentException for a dimension out of range or kernels·k·k over 2^31 - 1 */
    public KernelPatternCodec(int kernels, int k) {
        SparseParams.checkRange(NAME, KERNELS, kernels, 1, Integer.MAX_VALUE);
        SparseParams.checkRange(NAME, K, k, 1, MAX_K);
        this.kernels = kernels;
        this.side = k;
        this.area = k * k;
        this.size = SparseParams.product(kernels, k, k);
        this.params = SparseParams.ordered(KERNELS, kernels, K, k, SparseParams.WIDTH, 1);
    }

    /** The codec a manifest stage describes: exactly kernels, k and width = 1. */
    public static KernelPatternCodec fromParams(Map<String, String> params) throws WpkFormatException {
        SparseParams.requireKeys(NAME, params, KERNELS, K, SparseParams.WIDTH);
        int kernels = SparseParams.intParam(NAME, params, KERNELS, 1, Integer.MAX_VALUE);
        int k = SparseParams.intParam(NAME, params, K, 1, MAX_K);
        SparseParams.intParam(NAME, params, SparseParams.WIDTH, 1, 1);
        SparseParams.size(NAME, kernels, k, k);
        return new KernelPatternCodec(kernels, k);
    }

    public int kernels() {
        return kernels;
    }

    public int k() {
        return side;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, String> params() {
        return params;
    }

    private long fullMask() {
        return area == 64 ? -1L : (1L << area) - 1;
    }

    @Override
    public byte[] encode(byte[] src, int off, int len) {
        Buffers.checkRange(src, off, len);
        SparseStreams.checkSourceLength(NAME, size, len);
        long[] maskOf = new long[kernels];
        for (int kernel = 0; kernel < kernels; kernel++) {
            long mask = 0;
            int at = off + kernel * area;
            for (int j = 0; j < area; j++) {
                mask |= (src[at + j] != 0 ? 1L : 0L) << j;
            }
            maskOf[kernel] = mask;
        }
        long[] library = library(maskOf);
        int[] ids = new int[kernels];
        byte[] values = new byte[len];
        int valueCount = 0;
        for (int kernel = 0; kernel < kernels; kernel++) {
            int id = indexOf(library, maskOf[kernel]);
            if (id < 0) {
                id = indexOf(library, fullMask());
            }
            ids[kernel] = id;
            int at = off + kernel * area;
            for (long mask = library[id]; mask != 0; mask &= mask - 1) {
                values[valueCount++] = src[at + Long.numberOfTrailingZeros(mask)];
            }
        }
        BitWriter out = new BitWriter(valueCount + kernels / 2 + 64);
        out.writeVarint(library.length);
        for (long mask : library) {
            for (int j = 0; j < area; j += 16) {
                int bits = Math.min(16, area - j);
                out.writeBits(mask >>> j & ((1L << bits) - 1), bits);
            }
        }
        out.alignToByte();
        SparseStreams.writeSizedSymbols(ids, kernels, library.length, out);
        Sections.writeBytes(values, valueCount, out);
        return out.toByteArray();
    }

    /** The distinct masks in increasing unsigned order, folded to at most 2^16 (see the class comment). */
    private long[] library(long[] maskOf) {
        long[] sorted = maskOf.clone();
        sortUnsigned(sorted);
        int distinct = 0;
        long[] counts = new long[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            if (distinct == 0 || sorted[i] != sorted[distinct - 1]) {
                sorted[distinct++] = sorted[i];
            }
            counts[distinct - 1]++;
        }
        if (distinct <= MAX_PATTERNS) {
            return Arrays.copyOf(sorted, distinct);
        }
        // Most frequent first, ties by mask, so the choice is deterministic.
        Integer[] order = new Integer[distinct];
        for (int i = 0; i < distinct; i++) {
            order[i] = i;
        }
        long full = fullMask();
        long[] masks = sorted;
        Arrays.sort(order, (a, b) -> counts[a] != counts[b] ? Long.compare(counts[b], counts[a])
                : Long.compareUnsigned(masks[a], masks[b]));
        long[] kept = new long[MAX_PATTERNS];
        int k = 0;
        kept[k++] = full;
        for (int i = 0; i < distinct && k < MAX_PATTERNS; i++) {
            if (masks[order[i]] != full) {
                kept[k++] = masks[order[i]];
            }
        }
        sortUnsigned(kept);
        return kept;
    }

    private static void sortUnsigned(long[] values) {
        // Flipping the sign bit makes signed order unsigned order.
        for (int i = 0; i < values.length; i++) {
            values[i] ^= Long.MIN_VALUE;
        }
        Arrays.sort(values);
        for (int i = 0; i < values.length; i++) {
            values[i] ^= Long.MIN_VALUE;
        }
    }

    private static int indexOf(long[] library, long mask) {
        int lo = 0;
        int hi = library.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int cmp = Long.compareUnsigned(library[mid], mask);
            if (cmp == 0) {
                return mid;
            } else if (cmp < 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return -1;
    }

    @Override
    public void decode(ByteBuffer src, ByteBuffer dst) throws WpkFormatException {
        SparseStreams.checkDestination(NAME, size, dst.remaining());
        Parsed parsed = parse(SparseStreams.cursor(src));
        byte[] out = Buffers.outputArrayOf(dst);
        int outStart = Buffers.arrayOffsetOf(dst);
        Arrays.fill(out, outStart, outStart + size, (byte) 0);
        int k = 0;
        for (int kernel = 0; kernel < kernels; kernel++) {
            int at = outStart + kernel * area;
            for (long mask = parsed.library[parsed.ids[kernel]]; mask != 0; mask &= mask - 1) {
                out[at + Long.numberOfTrailingZeros(mask)] = parsed.values[k++];
            }
        }
        Buffers.finishDecode(src, dst, out);
    }

    /**
     * Decodes {@code src}'s remaining bytes as a stream of this codec and hands {@code visitor}
     * the library, then every kernel in order. The whole stream is checked before the first call.
     * Memory is bounded by the codec's shape (check it against the manifest's decoded length
     * before calling). On success {@code src} is consumed.
     *
     * @throws WpkFormatException if {@code src} is not a valid stream for this codec's shape
     */
    public void decodeTo(ByteBuffer src, KernelPatternVisitor visitor) throws WpkFormatException {
        Parsed parsed = parse(SparseStreams.cursor(src));
        visitor.library(parsed.library, parsed.library.length);
        int k = 0;
        for (int kernel = 0; kernel < kernels; kernel++) {
            int id = parsed.ids[kernel];
            visitor.kernel(kernel, id, parsed.values, k);
            k += Long.bitCount(parsed.library[id]);
        }
        Buffers.consume(src);
    }

    private static final class Parsed {
        final long[] library;
        final int[] ids;
        final byte[] values;

        Parsed(long[] library, int[] ids, byte[] values) {
            this.library = library;
            this.ids = ids;
            this.values = values;
        }
    }

    private Parsed parse(InputCursor in) throws WpkFormatException {
        int patterns = in.readVarint(Math.min(kernels, MAX_PATTERNS), "pattern count");
        Sections.verify(patterns >= 1, in, "empty pattern library");
        byte[] raw = SparseStreams.readRawBits(in, (long) patterns * area, "pattern library");
        long[] library = new long[patterns];
        long bitAt = 0;
        for (int p = 0; p < patterns; p++) {
            long mask = 0;
            for (int j = 0; j < area; j += 16) {
                int bits = Math.min(16, area - j);
                mask |= (long) SparseStreams.bits(raw, bitAt, bits) << j;
                bitAt += bits;
            }
            Sections.verify(p == 0 || Long.compareUnsigned(library[p - 1], mask) < 0, in,
                    "pattern library is not strictly increasing at pattern " + p);
            library[p] = mask;
        }
        int[] ids = SparseStreams.readSizedSymbols(in, patterns, kernels, "pattern ids");
        long valueCount = 0;
        for (int id : ids) {
            valueCount += Long.bitCount(library[id]);
        }
        // At most k·k values per kernel: at most kernels·k·k.
        byte[] values = Sections.readBytes(in, (int) valueCount);
        return new Parsed(library, ids, values);
    }

    @Override
    public int decodeSpeedRank() {
        return 5;
    }

    @Override
    public String toString() {
        return NAME + "(" + kernels + " kernels of " + side + "x" + side + ")";
    }
}
