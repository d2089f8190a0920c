package io.wpack.encoders;

import io.wpack.encoders.huffman.BitWriter;
import io.wpack.encoders.huffman.CanonicalHuffmanDecoder;
import io.wpack.encoders.huffman.CanonicalHuffmanEncoder;
import io.wpack.encoders.huffman.InputCursor;
import io.wpack.formats.WpkFormatException;

import java.nio.ByteBuffer;

/**
 * Order-0 Huffman over bytes, with one code for the whole chunk: for int8/uint8 weights, whose
 * values are skewed but carry no repeats for an LZ coder to find, and for any other byte payload.
 *
 * <p>The stream is one Huffman section (see {@link CanonicalHuffmanEncoder} for its grammar) of
 * the chunk's bytes over the alphabet of 256, with codes of at most 12 bits. The encoder limits
 * codes to {@value #MAX_CODE_LENGTH} bits, as zstd does, which costs a fraction of a percent over
 * an unlimited code; the decoder accepts 12 so that a table of 2^12 entries always resolves a code
 * in one lookup, and often two codes. A chunk of n bytes is coded in four streams from n = 1024.
 *
 * <p>There is no raw fallback inside: the packer keeps the chunk raw when that is smaller.
 *
 * <p>One table per chunk: on the corpus's uint8-quantized model (handtrack), tables per block of
 * 4096 bytes would cost more than they save (order-0 entropy 0.787 of the raw size per tensor,
 * 0.792 per block), and the tables are 0.5% of the output. For pruned bytes see {@link
 * HuffmanNonZeroCodec}.
 */
public final class HuffmanCodec implements ByteCodec {
    public static final String NAME = "huffman";
    /** The encoder's code length limit. */
    public static final int MAX_CODE_LENGTH = 11;
    /** The longest code a stream may use. */
    static final int MAX_STREAM_CODE_LENGTH = 12;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public byte[] encode(byte[] src, int off, int len) {
        Buffers.checkRange(src, off, len);
        BitWriter out = new BitWriter(len / 2 + 64);
        writeSection(src, off, len, out);
        return out.toByteArray();
    }

    /** One order-0 section of {@code src[off, off + len)}; shared with the codecs that embed byte sections. */
    static void writeSection(byte[] src, int off, int len, BitWriter out) {
        long[] counts = new long[256];
        for (int i = off; i < off + len; i++) {
            counts[src[i] & 0xFF]++;
        }
        CanonicalHuffmanEncoder.fromCounts(counts, MAX_CODE_LENGTH).writeSection(src, off, len, out);
    }

    @Override
    public void decode(ByteBuffer src, ByteBuffer dst) throws WpkFormatException {
        byte[] in = Buffers.arrayOf(src);
        int inStart = Buffers.arrayOffsetOf(src);
        InputCursor cursor = new InputCursor(in, inStart, inStart, inStart + src.remaining());
        int n = dst.remaining();
        if (dst.hasArray()) {
            CanonicalHuffmanDecoder.decodeBytes(cursor, MAX_STREAM_CODE_LENGTH, dst.array(),
                    dst.arrayOffset() + dst.position(), n);
        } else {
            byte[] out = new byte[n];
            CanonicalHuffmanDecoder.decodeBytes(cursor, MAX_STREAM_CODE_LENGTH, out, 0, n);
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
    public String toString() {
        return NAME;
    }
}
