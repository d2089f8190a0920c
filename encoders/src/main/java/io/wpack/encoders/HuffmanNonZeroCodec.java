package io.wpack.encoders;

import io.wpack.encoders.huffman.BitWriter;
import io.wpack.encoders.huffman.CanonicalHuffmanDecoder;
import io.wpack.encoders.huffman.InputCursor;
import io.wpack.formats.WpkFormatException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Huffman over the non-zero bytes, with the zero mask coded separately: for pruned int8/uint8
 * weights, one of the forms Wen and Gregg compare for sparse quantized networks. Plain Huffman
 * spends at least one bit on every zero; here the mask is itself Huffman-coded eight elements to
 * a symbol, so a zero costs well under a bit once zeros dominate, and block-structured sparsity
 * (mask bytes {@code 00} and {@code FF}) costs less still.
 *
 * <p>Byte grammar, for a chunk of n bytes:
 * <pre>
 * stream = maskSize:varint mask values
 * mask   = a Huffman section (see {@link io.wpack.encoders.huffman.CanonicalHuffmanEncoder}) of
 *          n / 8 + 1 mask bytes, maskSize bytes long, holding n + 1 bits: bit j of mask byte k
 *          is set when byte 8k + j is not zero; bit n, the end mark, is set; bits after it are
 *          zero (the end mark pins n exactly, which the number of mask bytes alone does not)
 * values = a Huffman section of the non-zero bytes in order, as many as the mask has set bits;
 *          it runs to the end of the stream and its code gives symbol 0 no code
 * </pre>
 * Both sections have codes of at most 12 bits, like {@link HuffmanCodec}'s.
 */
public final class HuffmanNonZeroCodec implements ByteCodec {
    public static final String NAME = "huffman-nz";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public byte[] encode(byte[] src, int off, int len) {
        Buffers.checkRange(src, off, len);
        byte[] mask = new byte[len / 8 + 1];
        mask[len >>> 3] |= (byte) (1 << (len & 7));
        byte[] values = new byte[len];
        int nonZero = 0;
        for (int i = 0; i < len; i++) {
            byte b = src[off + i];
            if (b != 0) {
                mask[i >>> 3] |= (byte) (1 << (i & 7));
                values[nonZero++] = b;
            }
        }
        BitWriter maskSection = new BitWriter(mask.length / 2 + 64);
        HuffmanCodec.writeSection(mask, 0, mask.length, maskSection);
        BitWriter out = new BitWriter(nonZero + mask.length / 2 + 64);
        out.writeVarint(maskSection.sizeInBytes());
        out.writeAll(maskSection);
        HuffmanCodec.writeSection(values, 0, nonZero, out);
        return out.toByteArray();
    }

    @Override
    public void decode(ByteBuffer src, ByteBuffer dst) throws WpkFormatException {
        byte[] in = Buffers.arrayOf(src);
        int inStart = Buffers.arrayOffsetOf(src);
        InputCursor cursor = new InputCursor(in, inStart, inStart, inStart + src.remaining());
        int n = dst.remaining();
        if (dst.hasArray()) {
            decode(cursor, dst.array(), dst.arrayOffset() + dst.position(), n);
        } else {
            byte[] out = new byte[n];
            decode(cursor, out, 0, n);
            Buffers.putAtPosition(dst, out, 0, n);
        }
        Buffers.consume(src);
        Buffers.consume(dst);
    }

    private static void decode(InputCursor cursor, byte[] out, int outStart, int n) throws WpkFormatException {
        int maskSize = cursor.readVarint(cursor.remaining(), "mask section size");
        InputCursor maskSection = cursor.take(maskSize, "mask section");
        byte[] mask = new byte[n / 8 + 1];
        CanonicalHuffmanDecoder.decodeBytes(maskSection, HuffmanCodec.MAX_STREAM_CODE_LENGTH, mask, 0, mask.length);
        int last = mask[n >>> 3] & 0xFF;
        if (last >>> (n & 7) != 1) {
            throw new WpkFormatException(0, "zero mask does not end right after the chunk's " + n + " elements");
        }
        int nonZero = -1; // the end mark
        for (byte m : mask) {
            nonZero += Integer.bitCount(m & 0xFF);
        }
        long valuesStart = cursor.offset();
        // The values go to the end of the destination, then spread forward. Position i is
        // written only once the value it would overwrite is read: with k values read before
        // element i, value k sits at n - nonZero + k >= i, as at most n - nonZero zeros precede i.
        int valuesAt = outStart + n - nonZero;
        CanonicalHuffmanDecoder.decodeBytes(cursor, HuffmanCodec.MAX_STREAM_CODE_LENGTH, out, valuesAt, nonZero);
        if (nonZero == 0) {
            java.util.Arrays.fill(out, outStart, outStart + n, (byte) 0);
            return;
        }
        ByteBuffer words = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        // Reads for zero elements only need to stay inside the values; the value is masked off.
        int lastValue = nonZero - 1;
        int k = 0;
        int zerosAmongValues = 0;
        int i = 0;
        for (int b = 0; b < n >>> 3; b++, i += 8) {
            int m = mask[b] & 0xFF;
            if (m == 0) {
                words.putLong(outStart + i, 0L);
            } else if (m == 0xFF) {
                long eight = words.getLong(valuesAt + k);
                zerosAmongValues += zeroBytes(eight);
                words.putLong(outStart + i, eight);
                k += 8;
            } else {
                // Branch-free: a random mask would defeat the branch predictor.
                for (int j = 0; j < 8; j++) {
                    int bit = (m >>> j) & 1;
                    int v = out[valuesAt + Math.min(k, lastValue)];
                    zerosAmongValues += bit & ((v | -v) >>> 31 ^ 1);
                    out[outStart + i + j] = (byte) (v & -bit);
                    k += bit;
                }
            }
        }
        for (; i < n; i++) {
            int bit = (mask[i >>> 3] >>> (i & 7)) & 1;
            int v = out[valuesAt + Math.min(k, lastValue)];
            zerosAmongValues += bit & ((v | -v) >>> 31 ^ 1);
            out[outStart + i] = (byte) (v & -bit);
            k += bit;
        }
        if (zerosAmongValues != 0) {
            throw new WpkFormatException(valuesStart, "value section holds a zero where the mask says non-zero");
        }
    }

    /** How many of the 8 bytes of {@code x} are zero. */
    private static int zeroBytes(long x) {
        // Per byte, the high bit of (b & 0x7F) + 0x7F | b is set exactly when b != 0.
        long nonZeroHighBits = ((x & 0x7F7F7F7F7F7F7F7FL) + 0x7F7F7F7F7F7F7F7FL | x) & 0x8080808080808080L;
        return 8 - Long.bitCount(nonZeroHighBits);
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
