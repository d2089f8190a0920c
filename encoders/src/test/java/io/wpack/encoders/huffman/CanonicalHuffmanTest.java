package io.wpack.encoders.huffman;

import io.wpack.formats.WpkFormatException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Huffman core on its own: 16-bit alphabets, long codes, tables, exact stream ends. */
class CanonicalHuffmanTest {

    // ---- round trips

    @Test
    void theFullSixteenBitAlphabetEverySymbolOnce() throws WpkFormatException {
        char[] symbols = new char[1 << 16];
        for (int i = 0; i < symbols.length; i++) {
            symbols[i] = (char) (i * 40503); // a permutation: 40503 is odd
        }
        byte[] section = encode(symbols, 1 << 16, 16);
        assertArrayEquals(symbols, decode(section, 1 << 16, 16, symbols.length));
        // 16 bits per symbol, and a table of a few long repeats.
        assertTrue(section.length < 2 * symbols.length + 512, "" + section.length);
    }

    @Test
    void longCodesBeyondTheTableAreDecodedCanonically() throws WpkFormatException {
        Random random = new Random(1);
        for (int n : new int[] {1, 2, 100, 1023, 1024, 1025, 5000, 200_003}) {
            char[] symbols = new char[n];
            for (int i = 0; i < n; i++) {
                // Geometric over a 2^16 alphabet: codes from 1 to 16 bits.
                int s = (int) Math.min(65535, -Math.log(1 - random.nextDouble()) * 40);
                symbols[i] = (char) (s * 257 % 65536);
            }
            byte[] section = encode(symbols, 1 << 16, 16);
            assertArrayEquals(symbols, decode(section, 1 << 16, 16, n), "n = " + n);
        }
    }

    @Property(tries = 200)
    void anySymbolsRoundTrip(@ForAll @Size(max = 3000) List<@IntRange(min = 0, max = 4096) Integer> values,
            @ForAll @IntRange(min = 12, max = 16) int maxCodeLength) throws WpkFormatException {
        char[] symbols = new char[values.size()];
        for (int i = 0; i < symbols.length; i++) {
            symbols[i] = (char) (int) values.get(i);
        }
        byte[] section = encode(symbols, 4097, maxCodeLength);
        assertArrayEquals(symbols, decode(section, 4097, maxCodeLength, symbols.length));
    }

    @Test
    void degenerateAlphabets() throws WpkFormatException {
        for (int alphabet : new int[] {1, 2, 3, 255, 256, 4096, 4097, 65536}) {
            for (int n : new int[] {0, 1, 2, 7, 1023, 1024, 4099}) {
                char[] one = new char[n];
                Arrays.fill(one, (char) (alphabet - 1));
                assertArrayEquals(one, decode(encode(one, alphabet, 16), alphabet, 16, n));
                char[] two = new char[n];
                for (int i = 0; i < n; i++) {
                    two[i] = (char) (i % 3 == 0 ? 0 : alphabet - 1);
                }
                assertArrayEquals(two, decode(encode(two, alphabet, 16), alphabet, 16, n));
                char[] cycle = new char[n];
                for (int i = 0; i < n; i++) {
                    cycle[i] = (char) (i % alphabet);
                }
                assertArrayEquals(cycle, decode(encode(cycle, alphabet, 16), alphabet, 16, n));
            }
        }
    }

    @Test
    void emptyAndSingleSymbolSectionsAreTiny() {
        assertArrayEquals(new byte[] {0}, encode(new char[0], 10, 12));
        // w = 1, count = 1, clCount = 0: symbol 0 alone; then n = 5.
        assertArrayEquals(new byte[] {0x21, 0x00, 0x05}, encode(new char[5], 10, 12));
    }

    @Test
    void bytesAndShortsAgree() throws WpkFormatException {
        Random random = new Random(2);
        byte[] bytes = new byte[10_000];
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (random.nextGaussian() * 10);
            chars[i] = (char) (bytes[i] & 0xFF);
        }
        long[] counts = new long[256];
        for (byte b : bytes) {
            counts[b & 0xFF]++;
        }
        CanonicalHuffmanEncoder code = CanonicalHuffmanEncoder.fromCounts(counts, 11);
        BitWriter a = new BitWriter();
        code.writeSection(bytes, 0, bytes.length, a);
        BitWriter b = new BitWriter();
        code.writeSection(chars, 0, chars.length, b);
        byte[] section = a.toByteArray();
        assertArrayEquals(section, b.toByteArray());
        byte[] out = new byte[bytes.length + 10];
        CanonicalHuffmanDecoder.decodeBytes(new InputCursor(section, 0, 0, section.length), 12, out, 5, bytes.length);
        assertArrayEquals(bytes, Arrays.copyOfRange(out, 5, 5 + bytes.length));
        assertEquals(code.sectionSizeEstimate(counts, bytes.length), section.length, 4.0);
    }

    // ---- the stream's end is exact

    @Test
    void aWrongSymbolCountIsAlwaysRejected() {
        Random random = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + random.nextInt(trial < 100 ? 40 : 3000);
            int alphabet = 2 + random.nextInt(trial % 2 == 0 ? 3 : 300);
            char[] symbols = new char[n];
            for (int i = 0; i < n; i++) {
                symbols[i] = (char) Math.min(alphabet - 1, (int) (-Math.log(1 - random.nextDouble()) * 2));
            }
            byte[] section = encode(symbols, alphabet, 12);
            for (int wrong : new int[] {n - 4, n - 1, n + 1, n + 2, n + 8, 2 * n}) {
                if (wrong >= 0) {
                    assertThrows(WpkFormatException.class, () -> decode(section, alphabet, 12, wrong),
                            n + " symbols decoded as " + wrong);
                }
            }
        }
    }

    // ---- tables

    @Test
    void invalidCodeLengthTablesAreRejected() {
        // Over-subscribed: three codes of length 1.
        assertRejected(HuffmanTestStreams.table(new int[] {1, 1, 1}), 8, 12, "over-subscribed");
        // Incomplete: lengths 1 and 2 only.
        assertRejected(HuffmanTestStreams.table(new int[] {1, 2}), 8, 12, "incomplete");
        // Longer than the section allows.
        int[] deep = new int[14];
        for (int s = 0; s < 13; s++) {
            deep[s] = s + 1;
        }
        deep[13] = 13;
        assertRejected(HuffmanTestStreams.table(deep), 256, 12, "exceeds");
        // More symbols than the alphabet.
        assertRejected(HuffmanTestStreams.table(new int[] {0, 0, 0, 1, 1}), 4, 12, "alphabet has 4");
        // A single symbol whose length is not 1, spelled out with tokens.
        BitWriter single = new BitWriter();
        single.writeBits(2, 5); // w
        single.writeBits(2, 2); // count = 2
        single.writeBits(20, 5); // clCount: CL_ORDER up to token 2 (index 16)... and 1 (18), 15 (19)
        for (int i = 0; i < 20; i++) {
            int token = CodeLengthTable.CL_ORDER[i];
            single.writeBits(token == 0 || token == 2 ? 1 : 0, 3);
        }
        // tokens 0 and 2 have 1-bit codes: 0 -> "0", 2 -> "1"
        single.writeBits(0, 1);
        single.writeBits(1, 1);
        assertRejected(single.toByteArray(), 8, 12, "single symbol of length 2");
        // A repeat before any length.
        BitWriter repeat = new BitWriter();
        repeat.writeBits(3, 5);
        repeat.writeBits(4, 3); // count = 4
        repeat.writeBits(5, 5); // tokens 18, 19, 20, 17, 0 listed
        for (int token : new int[] {0, 0, 0, 1, 1}) { // 17 and 0: one bit each
            repeat.writeBits(token, 3);
        }
        repeat.writeBits(1, 1); // token 17 ("1" after 0 -> "0" canonically: 0 gets 0, 17 gets 1)
        repeat.writeBits(1, 2);
        assertRejected(repeat.toByteArray(), 8, 12, "starts with a repeat");
        // The last described symbol must occur: count one too many.
        BitWriter trailing = new BitWriter();
        trailing.writeBits(2, 5);
        trailing.writeBits(3, 2); // count = 3
        trailing.writeBits(19, 5); // up to token 1 (index 18)
        for (int i = 0; i < 19; i++) {
            int token = CodeLengthTable.CL_ORDER[i];
            trailing.writeBits(token == 0 || token == 1 ? 1 : 0, 3);
        }
        trailing.writeBits(0b1, 1); // token 1 (code 1)
        trailing.writeBits(0b1, 1); // token 1
        trailing.writeBits(0b0, 1); // token 0 (code 0)
        assertRejected(trailing.toByteArray(), 8, 12, "ends with an unused symbol");
        // Padding bits that are not zero.
        byte[] valid = HuffmanTestStreams.table(new int[] {1, 1});
        byte[] padded = valid.clone();
        padded[padded.length - 1] |= (byte) 0x80;
        assertRejected(padded, 8, 12, "padding");
    }

    @Test
    void tablesRoundTrip() throws WpkFormatException {
        Random random = new Random(4);
        for (int trial = 0; trial < 300; trial++) {
            int alphabet = 1 + random.nextInt(trial < 150 ? 300 : 65536);
            long[] counts = new long[alphabet];
            int used = 1 + random.nextInt(Math.min(alphabet, 2000));
            for (int k = 0; k < used; k++) {
                counts[random.nextInt(alphabet)] += 1 + random.nextInt(trial % 3 == 0 ? 3 : 100_000);
            }
            CanonicalHuffmanEncoder code = CanonicalHuffmanEncoder.fromCounts(counts, 16);
            byte[] table = HuffmanTestStreams.table(code.codeLengths());
            InputCursor in = new InputCursor(table, 0, 0, table.length);
            assertArrayEquals(code.codeLengths(), CanonicalHuffmanDecoder.readCodeLengths(in, alphabet, 16));
            assertEquals(table.length, in.position());
            assertEquals(code.tableSize(), table.length);
        }
    }

    // ---- corruption of 16-bit sections

    @Test
    void damagedWideSectionsDecodeOrAreRejected() {
        Random random = new Random(5);
        for (int trial = 0; trial < 6; trial++) {
            int n = trial < 3 ? 300 : 3000;
            char[] symbols = new char[n];
            for (int i = 0; i < n; i++) {
                symbols[i] = (char) Math.min(65535, (int) (-Math.log(1 - random.nextDouble()) * (trial % 3 == 0 ? 3 : 500)));
            }
            byte[] section = encode(symbols, 1 << 16, 16);
            for (int p = 0; p < section.length; p += 1 + section.length / 300) {
                for (int mask : new int[] {1, 0x80, 0xFF}) {
                    byte[] damaged = section.clone();
                    damaged[p] ^= (byte) mask;
                    decodesOrRejects(damaged, 1 << 16, n);
                }
            }
            for (int length = 0; length < section.length; length += 1 + section.length / 200) {
                byte[] truncated = Arrays.copyOf(section, length);
                assertThrows(WpkFormatException.class, () -> decode(truncated, 1 << 16, 16, n));
            }
        }
    }

    // ---- helpers

    static byte[] encode(char[] symbols, int alphabet, int maxCodeLength) {
        long[] counts = new long[alphabet];
        for (char s : symbols) {
            counts[s]++;
        }
        BitWriter out = new BitWriter();
        CanonicalHuffmanEncoder.fromCounts(counts, maxCodeLength).writeSection(symbols, 0, symbols.length, out);
        return out.toByteArray();
    }

    static char[] decode(byte[] section, int alphabet, int maxCodeLength, int n) throws WpkFormatException {
        // Inside a larger array, both ways, with guards that must survive.
        byte[] in = new byte[section.length + 20];
        System.arraycopy(section, 0, in, 7, section.length);
        byte[] out = new byte[2 * n + 20];
        Arrays.fill(out, (byte) 0x5A);
        InputCursor cursor = new InputCursor(in, 3, 7, 7 + section.length);
        CanonicalHuffmanDecoder.decodeShorts(cursor, alphabet, maxCodeLength, out, 9, n);
        assertEquals(7 + section.length, cursor.position());
        char[] symbols = new char[n];
        for (int i = 0; i < n; i++) {
            symbols[i] = (char) ((out[9 + 2 * i] & 0xFF) | (out[10 + 2 * i] & 0xFF) << 8);
        }
        for (int i = 0; i < 9; i++) {
            assertEquals(0x5A, out[i]);
        }
        for (int i = 9 + 2 * n; i < out.length; i++) {
            assertEquals(0x5A, out[i]);
        }
        return symbols;
    }

    private static void decodesOrRejects(byte[] section, int alphabet, int n) {
        try {
            decode(section, alphabet, 16, n);
        } catch (WpkFormatException e) {
            // rejected: fine
        } catch (RuntimeException e) {
            throw new AssertionError("threw " + e, e);
        }
    }

    private static void assertRejected(byte[] table, int alphabet, int maxCodeLength, String expected) {
        WpkFormatException e = assertThrows(WpkFormatException.class,
                () -> CanonicalHuffmanDecoder.readCodeLengths(new InputCursor(table, 0, 0, table.length), alphabet,
                        maxCodeLength));
        assertTrue(e.getMessage().contains(expected.split(" ")[0]) || e.getMessage().contains(expected),
                "expected '" + expected + "', got: " + e.getMessage());
    }
}
