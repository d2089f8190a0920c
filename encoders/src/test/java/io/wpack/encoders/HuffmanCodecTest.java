package io.wpack.encoders;

import io.wpack.formats.WpkFormatException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HuffmanCodecTest extends AbstractByteCodecTest {
    private final HuffmanCodec codec = new HuffmanCodec();

    @Override
    protected ByteCodec codec() {
        return codec;
    }

    @Test
    void emptyInputIsTheEmptyTable() throws IOException {
        assertArrayEquals(new byte[] {0}, encode(new byte[0]));
    }

    @Test
    void oneRepeatedByteIsJustItsTable() throws IOException {
        // LSB-first: w = 3 in 5 bits, count = 6 in 3 bits, clCount = 0 (a single-symbol code:
        // symbol 5) in 5 bits, padding; then the varint count 3.
        assertArrayEquals(new byte[] {(byte) 0xC3, 0x00, 0x03}, encode(new byte[] {5, 5, 5}));
        assertArrayEquals(new byte[] {0x21, 0x00, (byte) 0xE8, 0x07}, encode(new byte[1000]));
        byte[] sevens = new byte[5000];
        java.util.Arrays.fill(sevens, (byte) 7);
        assertRoundTrip(sevens);
    }

    @Test
    void exactBytesForTwoSymbols() throws IOException {
        // Symbols 0 and 1, one bit each. The table, LSB-first: w = 2 in 5 bits, count = 2 in 2
        // bits, clCount = 19 in 5 bits, 19 token lengths of 3 bits in CL_ORDER, all 0 but the
        // last (token 1) = 1; a one-token code, so the two "1" tokens take no bits: 69 bits, 9
        // bytes. Then the stream: codes 0, 1, 1, the end mark 1, padding: 0b00001110.
        byte[] encoded = encode(new byte[] {0, 1, 1});
        assertArrayEquals(new byte[] {(byte) 0xC2, 0x09, 0, 0, 0, 0, 0, 0, 0x04, 0x0E}, encoded);
    }

    @Test
    void skewedBytesShrinkToTheirEntropy() throws IOException {
        Random random = new Random(1);
        byte[] data = new byte[200_000];
        double entropy = 0;
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) Math.round(random.nextGaussian() * 6);
        }
        int[] counts = new int[256];
        for (byte b : data) {
            counts[b & 0xFF]++;
        }
        for (int c : counts) {
            if (c > 0) {
                double p = (double) c / data.length;
                entropy -= c * Math.log(p) / Math.log(2) / 8;
            }
        }
        byte[] encoded = encode(data);
        assertTrue(encoded.length < entropy * 1.01 + 200, encoded.length + " bytes for entropy " + entropy);
        assertRoundTrip(data);
    }

    @Test
    void aFullSixteenMebibyteChunk() throws IOException {
        byte[] data = HuffmanNonZeroCodecTest.sparseInt8(16 << 20, 0.3, 12, 9);
        byte[] encoded = encode(data);
        assertArrayEquals(data, decode(encoded, data.length, BufferKind.HEAP, BufferKind.HEAP));
        assertArrayEquals(data, decode(encoded, data.length, BufferKind.DIRECT, BufferKind.DIRECT));
    }

    @Test
    void everyByteValueOnce() throws IOException {
        byte[] data = new byte[256];
        for (int i = 0; i < 256; i++) {
            data[i] = (byte) i;
        }
        assertRoundTrip(data);
        byte[] many = new byte[256 * 40];
        for (int i = 0; i < many.length; i++) {
            many[i] = (byte) (i * 7);
        }
        assertRoundTrip(many);
    }

    @Test
    void longestCodesRoundTrip() throws IOException {
        // Fibonacci-like counts would give codes far longer than 11 bits without the limit.
        ByteArrayBuilder data = new ByteArrayBuilder();
        long a = 1;
        long b = 1;
        for (int s = 0; s < 24; s++) {
            for (long k = 0; k < a; k++) {
                data.add(s);
            }
            long c = a + b;
            a = b;
            b = c;
        }
        assertRoundTrip(data.toArray());
    }

    @Test
    void streamsOfEverySizeAroundTheFourStreamThreshold() throws IOException {
        Random random = new Random(2);
        for (int n = 1000; n <= 1100; n++) {
            byte[] data = new byte[n];
            for (int i = 0; i < n; i++) {
                data[i] = (byte) (random.nextInt(3) == 0 ? random.nextInt(256) : random.nextInt(4));
            }
            assertRoundTrip(data);
        }
    }

    @Test
    void codesLongerThanTwelveBitsAreRejected() {
        // A table with a 13-bit code is valid Huffman but not within this format's limit.
        byte[] stream = io.wpack.encoders.huffman.HuffmanTestStreams.sectionWithLengths(longCodeLengths(), new byte[] {0});
        assertThrows(WpkFormatException.class, () -> codec.decode(ByteBuffer.wrap(stream), ByteBuffer.allocate(1)));
    }

    /** Lengths 1, 2, ..., 12, 13, 13 over symbols 0..13: complete, with two 13-bit codes. */
    private static int[] longCodeLengths() {
        int[] lengths = new int[256];
        for (int s = 0; s < 13; s++) {
            lengths[s] = s + 1;
        }
        lengths[13] = 13;
        return lengths;
    }

    static final class ByteArrayBuilder {
        private byte[] bytes = new byte[64];
        private int size;

        void add(int b) {
            if (size == bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, 2 * size);
            }
            bytes[size++] = (byte) b;
        }

        byte[] toArray() {
            return java.util.Arrays.copyOf(bytes, size);
        }
    }
}
