package io.wpack.patterns;

import io.wpack.encoders.huffman.CanonicalHuffmanEncoder;

/** Sizes of the existing Huffman codecs' streams, estimated from histograms without encoding. */
final class SectionEstimates {
    private SectionEstimates() {
    }

    /** A Huffman byte section of this histogram (codes of at most 11 bits, as the codecs write them). */
    static long byteSection(long[] hist) {
        int used = 0;
        long n = 0;
        for (long c : hist) {
            if (c > 0) {
                used++;
                n += c;
            }
        }
        int[] symbols = new int[used];
        long[] counts = new long[used];
        for (int s = 0, k = 0; s < hist.length; s++) {
            if (hist[s] > 0) {
                symbols[k] = s;
                counts[k++] = hist[s];
            }
        }
        return CanonicalHuffmanEncoder.sectionSizeEstimate(symbols, counts, used, 11, n);
    }

    /** {@code huffman}: one section of the bytes. */
    static long huffman(long[] byteHist) {
        return byteSection(byteHist);
    }

    /** {@code huffman-nz}: the zero mask (n + 1 bits in bytes) and the non-zero bytes, each a section. */
    static long huffmanNonZero(byte[] codes, long[] byteHist) {
        int n = codes.length;
        long[] maskHist = new long[256];
        int full = n >>> 3;
        for (int k = 0; k < full; k++) {
            maskHist[nonZeroBits((long) LONGS.get(codes, 8 * k))]++;
        }
        int m = 1 << (n & 7);
        for (int j = 0; j < (n & 7); j++) {
            m |= (codes[8 * full + j] != 0 ? 1 : 0) << j;
        }
        maskHist[m]++;
        long[] valueHist = byteHist.clone();
        valueHist[0] = 0;
        long mask = byteSection(maskHist);
        return varintSize(mask) + mask + byteSection(valueHist);
    }

    private static final java.lang.invoke.VarHandle LONGS = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    /** Bit j set when byte j (little-endian) of {@code word} is not zero: SWAR, no branch per byte. */
    static int nonZeroBits(long word) {
        long high = ((word & 0x7F7F7F7F7F7F7F7FL) + 0x7F7F7F7F7F7F7F7FL | word) & 0x8080808080808080L;
        // Gathers the eight high bits into the top byte: bit 8j + 7 lands on bit 56 + j, and no
        // two partial products meet below it.
        return (int) ((high * 0x0002040810204081L) >>> 56) & 0xFF;
    }

    static int varintSize(long value) {
        int size = 1;
        while (value >= 0x80) {
            value >>>= 7;
            size++;
        }
        return size;
    }
}
