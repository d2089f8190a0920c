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
 * int8/uint8 codes as a dictionary of repeated blocks plus Huffman-coded indices, after Wen and
 * Gregg (2020): pruning and quantization leave weight tensors with blocks of values that repeat,
 * and a dictionary index per block can cost less than the per-symbol codes of its bytes. Blocks
 * not in the dictionary are escaped and their bytes follow as order-0 Huffman literals.
 *
 * <p>Parameters: {@code block} = B, 1..16 bytes per block; {@code entries} = K, 1..65535, the
 * largest dictionary a stream may carry. Blocks are one-dimensional and consecutive in the
 * chunk's logical order (the column-major layout of {@link MaskValuesCodec}), so they can run
 * along the reduction axis of a tensor whose reduction is not its last axis, or cover a k×k
 * kernel; 2×2 blocks are only mined, not coded.
 *
 * <p>Byte grammar, for a chunk of n bytes:
 * <pre>
 * stream   = n:varint columns:varint D:varint dict indices literals
 * n        = the chunk's length, checked against the destination
 * columns  = C, 1..max(1, n): the logical order, as in maskvalues
 * D        = dictionary entries, 0..K
 * dict     = size:varint, a byte section of D·B bytes; entry e is bytes [e·B, (e+1)·B)
 * indices  = size:varint, a section of floor(n / B) symbols over D + 1: symbol e &lt; D is entry
 *            e, symbol D an escape; a byte section when D + 1 &lt;= 256, else a 16-bit section
 * literals = a byte section, to the end of the stream, of the B bytes of every escaped block
 *            in order, then the last n mod B bytes of the logical order
 * </pre>
 * Byte sections have codes of at most 12 bits, 16-bit sections of at most 16.
 *
 * <p>The encoder of an instance built from B and K mines its own dictionary from each chunk
 * (the most frequent blocks, as many as minimise the estimated size); {@link #withDictionary}
 * gives it a dictionary chosen by the pattern miner, and {@link #withColumns} a layout. Neither
 * is a parameter, since the stream carries both.
 */
public final class BlockDictCodec implements ByteCodec {
    public static final String NAME = "blockdict";
    public static final String BLOCK = "block";
    public static final String ENTRIES = "entries";
    public static final int MAX_BLOCK = 16;
    public static final int MAX_ENTRIES = 65535;

    private final int block;
    private final int entries;
    private final int columns;
    private final byte[] dictionary;
    private final Map<String, String> params;

    public BlockDictCodec(int block, int entries) {
        this(block, entries, 1, null);
    }

    private BlockDictCodec(int block, int entries, int columns, byte[] dictionary) {
        if (block < 1 || block > MAX_BLOCK || entries < 1 || entries > MAX_ENTRIES || columns < 1) {
            throw new IllegalArgumentException("blockdict block " + block + " (1.." + MAX_BLOCK + "), entries " + entries
                    + " (1.." + MAX_ENTRIES + "), columns " + columns);
        }
        if (dictionary != null && (dictionary.length % block != 0 || dictionary.length / block > entries)) {
            throw new IllegalArgumentException("dictionary of " + dictionary.length + " bytes for blocks of " + block
                    + " and at most " + entries + " entries");
        }
        this.block = block;
        this.entries = entries;
        this.columns = columns;
        this.dictionary = dictionary;
        Map<String, String> p = new LinkedHashMap<>();
        p.put(BLOCK, Integer.toString(block));
        p.put(ENTRIES, Integer.toString(entries));
        this.params = Collections.unmodifiableMap(p);
    }

    /** The same codec encoding in the logical order of {@code columns} columns (1: as is). */
    public BlockDictCodec withColumns(int columns) {
        return new BlockDictCodec(block, entries, columns, dictionary);
    }

    /** The same codec encoding with these entries ({@code block} bytes each, at most {@code entries}), or mining its own for null. */
    public BlockDictCodec withDictionary(byte[] dictionary) {
        return new BlockDictCodec(block, entries, columns, dictionary == null ? null : dictionary.clone());
    }

    /** The codec a manifest stage's parameters describe: exactly {@code block} (1..16) and {@code entries} (1..65535). */
    public static BlockDictCodec fromParams(Map<String, String> params) throws WpkFormatException {
        SparseParams.requireKeys(NAME, params, BLOCK, ENTRIES);
        int b = SparseParams.intParam(NAME, params, BLOCK, 1, MAX_BLOCK);
        int k = SparseParams.intParam(NAME, params, ENTRIES, 1, MAX_ENTRIES);
        return new BlockDictCodec(b, k);
    }

    public int block() {
        return block;
    }

    public int entries() {
        return entries;
    }

    public int columns() {
        return columns;
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
        return BlockDictEncoder.encode(src, off, len, block, entries, columns, dictionary);
    }

    /**
     * The mined dictionary's estimated stream size (to within the padding of the sections), or
     * -1 when this instance has a given dictionary.
     */
    public long estimateSize(byte[] src, int off, int len) {
        Buffers.checkRange(src, off, len);
        return BlockDictEncoder.plan(src, off, len, block, entries, columns, dictionary).estimatedBytes;
    }

    @Override
    public void decode(ByteBuffer src, ByteBuffer dst) throws WpkFormatException {
        byte[] in = Buffers.arrayOf(src);
        int inStart = Buffers.arrayOffsetOf(src);
        InputCursor cursor = new InputCursor(in, inStart, inStart, inStart + src.remaining());
        int n = dst.remaining();
        if (dst.hasArray()) {
            BlockDictDecoder.decode(cursor, dst.array(), dst.arrayOffset() + dst.position(), n, block, entries);
        } else {
            byte[] out = new byte[n];
            BlockDictDecoder.decode(cursor, out, 0, n, block, entries);
            Buffers.putAtPosition(dst, out, 0, n);
        }
        Buffers.consume(src);
        Buffers.consume(dst);
    }

    @Override
    public int decodeSpeedRank() {
        return 4;
    }

    @Override
    public String toString() {
        return NAME + "(block=" + block + ", entries=" + entries + ")";
    }
}
