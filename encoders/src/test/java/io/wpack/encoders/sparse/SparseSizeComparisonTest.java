package io.wpack.encoders.sparse;

import io.wpack.encoders.ByteCodec;
import io.wpack.encoders.HuffmanCodec;
import io.wpack.encoders.HuffmanNonZeroCodec;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coded sizes of the sparse codecs against {@code huffman-nz} and {@code huffman} on data that has
 * each codec's structure, measured here; a structured codec must beat both where its structure
 * carries information the generic coders cannot see. Prints the table.
 */
class SparseSizeComparisonTest {
    private static final int ROWS = 512;
    private static final int COLS = 1024;
    private static final ByteCodec HUFFMAN = new HuffmanCodec();
    private static final ByteCodec HUFFMAN_NZ = new HuffmanNonZeroCodec();

    @Test
    void structuredCodecsBeatTheGenericCodersOnTheirStructure() throws Exception {
        Random random = new Random(42);
        StringBuilder report = new StringBuilder(String.format("%-34s %9s %11s %9s %8s%n", "data, codec", "bytes",
                "huffman-nz", "huffman", "vs nz"));

        byte[] twoFour = uniformValues(NmCodecTest.nmPruned(ROWS, COLS, 2, 4, 0, random), random);
        long nm24 = compare(report, "2:4 pruned int8, nm 2:4", new NmCodec(ROWS, COLS, 2, 4), twoFour);
        byte[] fourSixteen = uniformValues(NmCodecTest.nmPruned(ROWS, COLS, 4, 16, 0, random), random);
        long nm416 = compare(report, "4:16 pruned int8, nm 4:16", new NmCodec(ROWS, COLS, 4, 16), fourSixteen);
        byte[] blocks = uniformValues(BsrCodecTest.blockPruned(ROWS, COLS, 4, 4, 0.8, random), random);
        long bsr = compare(report, "4x4 blocks 80% pruned, bsr 4x4", new BsrCodec(ROWS, COLS, 4, 4), blocks);
        byte[] rowCols = uniformValues(BcrCodecTest.rowColumnPruned(ROWS, COLS, 4, 4, 0.5, random), random);
        long bcr = compare(report, "4x4 rows/cols 50% pruned, bcr 4x4", new BcrCodec(ROWS, COLS, 4, 4), rowCols);
        byte[] kernels = uniformValues(KernelPatternCodecTest.patternPruned(ROWS * COLS / 9, 3, 8, 0.3, random), random);
        long kpattern = compare(report, "3x3 kernels, 8 patterns, kpattern", new KernelPatternCodec(ROWS * COLS / 9, 3),
                kernels);
        byte[] unstructured = uniformValues(AbstractSparseCodecTest.sparse(ROWS * COLS, 0.9, random), random);
        long csr = compare(report, "90% unstructured, csr", new CsrCodec(ROWS, COLS), unstructured);
        System.out.print(report);

        assertSmaller(nm24, HUFFMAN, twoFour);
        // 2:4 masks are byte-aligned pairs of groups, which huffman-nz's mask bytes code as well
        // (both near log2 6 bits a group); nm must not be noticeably worse there.
        assertTrue(nm24 <= size(HUFFMAN_NZ, twoFour) * 1.01, "nm 2:4 within 1% of huffman-nz");
        assertSmaller(nm416, HUFFMAN_NZ, fourSixteen);
        assertWithinNmBound(nm24, twoFour, 2, 4);
        assertWithinNmBound(nm416, fourSixteen, 4, 16);
        assertSmaller(bsr, HUFFMAN_NZ, blocks);
        assertSmaller(bcr, HUFFMAN_NZ, rowCols);
        assertSmaller(kpattern, HUFFMAN_NZ, kernels);
        assertSmaller(csr, HUFFMAN, unstructured);
        for (byte[] data : new byte[][] {twoFour, fourSixteen, blocks, rowCols, kernels}) {
            assertSmaller(size(HUFFMAN_NZ, data), HUFFMAN, data);
        }
    }

    /**
     * On data that is N:M, nm costs its kept values (as one Huffman section) plus at most
     * ceil(log2 C(M, N)) bits a group, and a few bytes of tables.
     */
    private static void assertWithinNmBound(long size, byte[] data, int n, int m) throws Exception {
        byte[] kept = new byte[data.length];
        int count = 0;
        for (byte b : data) {
            if (b != 0) {
                kept[count++] = b;
            }
        }
        long values = size(HUFFMAN, java.util.Arrays.copyOf(kept, count));
        long patterns = 1;
        for (int i = 0; i < n; i++) {
            patterns = patterns * (m - i) / (i + 1);
        }
        int bitsPerGroup = 64 - Long.numberOfLeadingZeros(patterns - 1);
        long groups = (long) ROWS * COLS / m;
        long bound = values + (groups * bitsPerGroup + 7) / 8 + 64;
        System.out.printf("nm %d:%d: %d bytes, bound %d (values %d + %d bits x %d groups)%n", n, m, size, bound,
                values, bitsPerGroup, groups);
        assertTrue(size <= bound, "nm " + n + ":" + m + " " + size + " bytes over its bound " + bound);
    }

    /** The non-zero elements replaced by uniform non-zero int8 values: the masks are what differ. */
    private static byte[] uniformValues(byte[] data, Random random) {
        for (int i = 0; i < data.length; i++) {
            if (data[i] != 0) {
                data[i] = (byte) (1 + random.nextInt(255));
            }
        }
        return data;
    }

    private static long compare(StringBuilder report, String what, ByteCodec codec, byte[] data) throws Exception {
        byte[] encoded = codec.encode(data, 0, data.length);
        assertArrayEquals(data, AbstractSparseCodecTest.decode(codec, encoded, data.length, false, false), what);
        long nz = size(HUFFMAN_NZ, data);
        long huffman = size(HUFFMAN, data);
        report.append(String.format("%-34s %9d %11d %9d %7.1f%%%n", what, encoded.length, nz, huffman,
                100.0 * (encoded.length - nz) / nz));
        return encoded.length;
    }

    private static long size(ByteCodec codec, byte[] data) throws Exception {
        return codec.encode(data, 0, data.length).length;
    }

    private static void assertSmaller(long size, ByteCodec other, byte[] data) throws Exception {
        long theirs = size(other, data);
        assertTrue(size < theirs, size + " bytes, not smaller than " + other.name() + "'s " + theirs);
    }
}
