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
    static long huffmanNonZero(byte[] codes) {
        int n = codes.length;
        long[] maskHist = new long[256];
        long[] valueHist = new long[256];
        int full = n >>> 3;
        for (int k = 0; k < full; k++) {
            int m = 0;
            for (int j = 0; j < 8; j++) {
                byte x = codes[8 * k + j];
                m |= (x != 0 ? 1 : 0) << j;
                valueHist[x & 0xFF]++;
            }
            maskHist[m]++;
        }
        int m = 1 << (n & 7);
        for (int j = 0; j < (n & 7); j++) {
            byte x = codes[8 * full + j];
            m |= (x != 0 ? 1 : 0) << j;
            valueHist[x & 0xFF]++;
        }
        maskHist[m]++;
        valueHist[0] = 0;
        long mask = byteSection(maskHist);
        return varintSize(mask) + mask + byteSection(valueHist);
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
