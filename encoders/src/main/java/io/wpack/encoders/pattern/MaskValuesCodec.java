package io.wpack.encoders.pattern;

import io.wpack.encoders.Buffers;
import io.wpack.encoders.ByteCodec;
import io.wpack.encoders.huffman.InputCursor;
import io.wpack.encoders.sparse.SparseParams;
import io.wpack.formats.WpkFormatException;

import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sparse int8/uint8 codes as block masks plus the non-zero values: each block of B elements is
 * one mask-pattern symbol, Huffman-coded, so the sparsity patterns that occur (PatDNN's pattern
 * library, mined from the data) cost what their frequency says, and only the non-zero values
 * follow. Segments of the chunk (output channels, when the layout makes each channel one
 * segment) fall into up to 16 classes with Huffman codes of their own, so that channels of
 * different sparsity and spread are each coded by their own statistics.
 *
 * <p>Parameter {@code block} = B, 1..16 (default 8): the mask symbols are B bits. Blocks are
 * one-dimensional, consecutive in the chunk's <i>logical order</i>; a layout of C columns makes
 * that order column-major, so blocks can run along any axis of a tensor: for a TF.js
 * {@code [H, W, I, O]} filter with C = O they run along the input channels within one output
 * channel; with C = I·O each column is one k×k kernel.
 *
 * <p>Byte grammar, for a chunk of n bytes:
 * <pre>
 * stream   = n:varint zero:byte mode:byte columns:varint segment:varint classes:byte
 *            [classMap] masks{classes} values{classes} raw
 * n        = the chunk's length, checked against the destination (zeros at the end of a
 *            segment leave no other trace, so without it a wrong length could decode)
 * zero     = the byte value that counts as zero (0 for int8, 0x80 for uint8 around 128)
 * mode     = how non-zero bytes are coded, with d = (int8)(byte - zero), never 0:
 *            0 whole: the byte itself (never the zero byte);
 *            1 split: |d| - 1 (0..127), its sign in the raw bits;
 *            3 bucketed: the bucket of v = |d| - 1: v itself for v &lt; 4, else
 *              4 + 2(e - 2) + (bit e - 1 of v) with e = floor(log2 v) (buckets 4..13); the
 *              low e - 1 bits of v and the sign in the raw bits
 * columns  = C, 1..max(1, n): the logical order is the first R = n / C rows of C bytes read
 *            column by column (element (r, c) at logical index c·R + r), then the last n mod C
 *            bytes as they are; C = 1 is the chunk's own order
 * segment  = L, 1..max(1, n): the logical order is cut into ceil(n / L) segments of L bytes, the
 *            last one shorter; each segment into blocks of B bytes, the last block of a segment
 *            shorter when L mod B != 0
 * classes  = G, 1..16
 * classMap = (G &gt; 1 only) size:varint, a byte section of one class per segment, each below G
 * masks    = per class g: size:varint, a section of the mask symbols of the blocks of the
 *            class-g segments, in logical order: bit j is set when byte j of the block is not
 *            the zero byte; no bit at or above the block's length; alphabet 2^B (a byte section
 *            for B &lt;= 8, a 16-bit section above)
 * values   = per class g: size:varint, a byte section of one symbol (as the mode says) per
 *            non-zero byte of the class's segments, in logical order, as many as its masks
 *            have set bits
 * raw      = modes 1 and 3: for every non-zero byte of the chunk in logical order, its extra
 *            bits (mode 3, least significant first) then its sign (1: d &lt; 0; d = -128 must
 *            have it), LSB-first, zero bits to the end of the byte; it ends the stream. Mode 0
 *            has no raw bits: the last value section ends the stream.
 * </pre>
 * Sections are Huffman sections ({@link io.wpack.encoders.huffman.CanonicalHuffmanEncoder}):
 * byte sections with codes of at most 12 bits, 16-bit sections of at most 16.
 *
 * <p>The encoder of an instance built with only B codes the chunk in its own order as one
 * segment; {@link #withLayout} gives the columns and segment length the pattern miner chose
 * for a tensor's shape. Neither is a parameter: the stream states them, so any instance with
 * the same B decodes any stream.
 */
public final class MaskValuesCodec implements ByteCodec {
    public static final String NAME = "maskvalues";
    public static final String BLOCK = "block";
    public static final int MAX_BLOCK = 16;
    public static final int DEFAULT_BLOCK = 8;

    private final int block;
    private final int columns;
    private final int segment;
    private final int maxClasses;
    private final Map<String, String> params;

    /** Codes the chunk as it is, one segment; see {@link #withLayout}. */
    public MaskValuesCodec(int block) {
        this(block, 1, 0, 1);
    }

    private MaskValuesCodec(int block, int columns, int segment, int maxClasses) {
        if (block < 1 || block > MAX_BLOCK) {
            throw new IllegalArgumentException("maskvalues block is 1.." + MAX_BLOCK + ", not " + block);
        }
        if (columns < 1 || segment < 0 || maxClasses < 1 || maxClasses > MaskValuesEncoder.MAX_CLASSES) {
            throw new IllegalArgumentException("columns " + columns + ", segment " + segment + ", classes " + maxClasses);
        }
        this.block = block;
        this.columns = columns;
        this.segment = segment;
        this.maxClasses = maxClasses;
        Map<String, String> p = new LinkedHashMap<>();
        p.put(BLOCK, Integer.toString(block));
        this.params = Collections.unmodifiableMap(p);
    }

    /**
     * The same codec with an encoder layout: {@code columns} for the logical order (1: as is),
     * {@code segment} bytes per segment (0: the whole chunk) and at most {@code maxClasses}
     * segment classes (1..16). Decoding does not depend on them.
     */
    public MaskValuesCodec withLayout(int columns, int segment, int maxClasses) {
        return new MaskValuesCodec(block, columns, segment, maxClasses);
    }

    /** The codec a manifest stage's parameters describe: exactly {@code block}, 1..16. */
    public static MaskValuesCodec fromParams(Map<String, String> params) throws WpkFormatException {
        SparseParams.requireKeys(NAME, params, BLOCK);
        return new MaskValuesCodec(SparseParams.intParam(NAME, params, BLOCK, 1, MAX_BLOCK));
    }

    public int block() {
        return block;
    }

    public int columns() {
        return columns;
    }

    public int segment() {
        return segment;
    }

    public int maxClasses() {
        return maxClasses;
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
        return MaskValuesEncoder.encode(src, off, len, block, columns, segment, maxClasses);
    }

    /** A stream and the codec, with the block length it was written with, that decodes it. */
    public record Encoded(MaskValuesCodec codec, byte[] stream) {
    }

    /**
     * Encodes with whichever of {@code blocks} (each 1..16) the encoder's estimates make
     * smallest, in this instance's layout, analysing the chunk once rather than once per block
     * length: the segment classes are searched with the first length, and the others are sized
     * under the same classes. The returned codec has the winning block length and this layout.
     */
    public Encoded encodeSmallest(byte[] src, int off, int len, int... blocks) {
        Buffers.checkRange(src, off, len);
        if (blocks.length == 0) {
            throw new IllegalArgumentException("no block lengths to choose from");
        }
        for (int b : blocks) {
            if (b < 1 || b > MAX_BLOCK) {
                throw new IllegalArgumentException("maskvalues block is 1.." + MAX_BLOCK + ", not " + b);
            }
        }
        MaskValuesEncoder.Analysis a = MaskValuesEncoder.analyse(src, off, len, blocks.clone(), columns, segment,
                maxClasses, false);
        return new Encoded(new MaskValuesCodec(a.block, columns, segment, maxClasses), MaskValuesEncoder.write(a));
    }

    /** The size {@link #encode} would produce, estimated to within a few bytes, without writing. */
    public long estimateSize(byte[] src, int off, int len) {
        Buffers.checkRange(src, off, len);
        return MaskValuesEncoder.analyse(src, off, len, block, columns, segment, maxClasses, true).estimatedBytes;
    }

    @Override
    public void decode(ByteBuffer src, ByteBuffer dst) throws WpkFormatException {
        byte[] in = Buffers.arrayOf(src);
        int inStart = Buffers.arrayOffsetOf(src);
        InputCursor cursor = new InputCursor(in, inStart, inStart, inStart + src.remaining());
        int n = dst.remaining();
        if (dst.hasArray()) {
            MaskValuesDecoder.decode(cursor, dst.array(), dst.arrayOffset() + dst.position(), n, block);
        } else {
            byte[] out = new byte[n];
            MaskValuesDecoder.decode(cursor, out, 0, n, block);
            Buffers.putAtPosition(dst, out, 0, n);
        }
        Buffers.consume(src);
        Buffers.consume(dst);
    }

    @Override
    public int decodeSpeedRank() {
        return 5;
    }

    @Override
    public String toString() {
        return NAME + "(block=" + block + ")";
    }
}
