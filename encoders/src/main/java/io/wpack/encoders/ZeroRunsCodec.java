package io.wpack.encoders;

import io.wpack.formats.WpkFormatException;

import java.nio.ByteBuffer;

/**
 * Sparse int8/uint8 codes as block kinds, zero positions and the non-zero values: for weights
 * whose zeros come in structure (pruned rows, channels or blocks, long zero runs) rather than
 * spread evenly. The chunk is cut into blocks of B elements; a block whose elements are all zero
 * or all non-zero costs one Huffman-coded kind symbol and nothing more, and only mixed blocks
 * say where their zeros are, as bitmaps or as the lengths of their zero and non-zero runs.
 * {@link HuffmanNonZeroCodec} spends at least one bit on every 8 elements of a zero mask; here
 * a pruned block of 256 costs about one bit, and a run length costs what its frequency says.
 *
 * <p>Byte grammar, for a chunk of n bytes:
 * <pre>
 * stream    = n:varint zero:byte layout:byte kindsSize:varint kinds [runCount:varint]
 *             positionsSize:varint positions values
 * n         = the chunk's length, checked against the destination
 * zero      = the byte value that counts as zero (0 for int8; a uint8 zero point)
 * layout    = bits 0-3: S, blocks of B = 2^S elements, S = 3..8; bit 4: M, how mixed blocks
 *             give their zeros (0 bitmaps, 1 runs); bits 5-7 zero. Block k holds elements
 *             [kB, min(n, (k+1)B)); its length L is B except for the last
 * kinds     = a byte section (kindsSize bytes) of one symbol per block, ceil(n / B) of them:
 *             0 every element is zero; 1 none is; 2 mixed: at least one of each
 * runCount  = M = 1 only: the number of run symbols
 * positions = a byte section (positionsSize bytes) over the mixed blocks in order:
 *             M = 0: ceil(L / 8) bytes per block, bit j of byte i set when element 8i + j of
 *               the block is not zero; no bit at or above L
 *             M = 1: runCount symbols; per block, the lengths of its runs of zero and of
 *               non-zero elements in turn, from a run of zeros that may be empty (0), every later
 *               run at least 1, together exactly L
 * values    = a byte section of the non-zero elements in order, as many as the kinds and
 *             positions say, none equal to zero; it runs to the end of the stream
 * </pre>
 * Sections are Huffman sections ({@link io.wpack.encoders.huffman.CanonicalHuffmanEncoder}) with
 * codes of at most 12 bits, as {@code huffman}'s. A mixed block must hold a zero and a non-zero
 * element; a reader rejects anything else, so each chunk has one stream per layout.
 *
 * <p>The encoder picks B and M per chunk by the estimated size of the kind and position sections
 * (the values section is the same for all), see {@link ZeroRunsEncoder}, and the zero byte as the
 * most frequent byte. No parameters: any stream decodes with the one instance.
 */
public final class ZeroRunsCodec implements ByteCodec {
    public static final String NAME = "zeroruns";
    public static final int MIN_BLOCK_SHIFT = 3;
    public static final int MAX_BLOCK_SHIFT = 8;
    /** Kind symbols. */
    static final int ALL_ZERO = 0;
    static final int NO_ZERO = 1;
    static final int MIXED = 2;
    static final int RUNS_FLAG = 0x10;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public byte[] encode(byte[] src, int off, int len) {
        Buffers.checkRange(src, off, len);
        return ZeroRunsEncoder.encode(src, off, len);
    }

    @Override
    public void decode(ByteBuffer src, ByteBuffer dst) throws WpkFormatException {
        byte[] in = Buffers.arrayOf(src);
        int inStart = Buffers.arrayOffsetOf(src);
        int inEnd = inStart + src.remaining();
        int n = dst.remaining();
        if (dst.hasArray()) {
            ZeroRunsDecoder.decode(in, inStart, inEnd, dst.array(), dst.arrayOffset() + dst.position(), n);
        } else {
            byte[] out = new byte[n];
            ZeroRunsDecoder.decode(in, inStart, inEnd, out, 0, n);
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
        return NAME;
    }
}
