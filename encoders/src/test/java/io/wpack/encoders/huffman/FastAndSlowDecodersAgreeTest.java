package io.wpack.encoders.huffman;

import io.wpack.formats.WpkFormatException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The fast decoder against {@link SlowHuffmanDecoder}: on valid sections both give the symbols
 * back; on damaged ones both reject, or both decode to the same symbols.
 */
class FastAndSlowDecodersAgreeTest {

    @Property(tries = 150)
    void validSectionsDecodeAlike(@ForAll @IntRange(min = 0, max = 5000) int n,
            @ForAll @IntRange(min = 1, max = 4096) int alphabet, @ForAll @IntRange(min = 0, max = 4) int shape,
            @ForAll @IntRange(min = 12, max = 16) int maxLength, @ForAll long seed) throws WpkFormatException {
        char[] symbols = symbols(n, alphabet, shape, new Random(seed));
        byte[] section = CanonicalHuffmanTest.encode(symbols, alphabet, maxLength);
        int[] slow = SlowHuffmanDecoder.decode(section, 0, section.length, alphabet, maxLength, n);
        char[] fast = CanonicalHuffmanTest.decode(section, alphabet, maxLength, n);
        for (int i = 0; i < n; i++) {
            assertEquals(symbols[i], slow[i]);
            assertEquals(symbols[i], fast[i]);
        }
    }

    @Property(tries = 300)
    void damagedSectionsAreJudgedAlike(@ForAll @IntRange(min = 0, max = 3000) int n,
            @ForAll @IntRange(min = 1, max = 300) int alphabet, @ForAll @IntRange(min = 0, max = 4) int shape,
            @ForAll @Size(min = 1, max = 3) List<@IntRange(min = 0, max = 100_000) Integer> positions,
            @ForAll @IntRange(min = 1, max = 255) int mask, @ForAll @IntRange(min = -2, max = 2) int countError,
            @ForAll long seed) {
        char[] symbols = symbols(n, alphabet, shape, new Random(seed));
        byte[] section = CanonicalHuffmanTest.encode(symbols, alphabet, 12);
        byte[] damaged = section.clone();
        for (int p : positions) {
            damaged[p % damaged.length] ^= (byte) mask;
        }
        int count = Math.max(0, n + countError);
        int[] slow;
        try {
            slow = SlowHuffmanDecoder.decode(damaged, 0, damaged.length, alphabet, 12, count);
        } catch (WpkFormatException e) {
            slow = null;
        }
        char[] fast;
        try {
            fast = CanonicalHuffmanTest.decode(damaged, alphabet, 12, count);
        } catch (WpkFormatException e) {
            fast = null;
        }
        assertEquals(slow == null, fast == null, "one decoder accepted what the other rejected");
        if (slow != null) {
            int[] fastInts = new int[count];
            for (int i = 0; i < count; i++) {
                fastInts[i] = fast[i];
            }
            assertArrayEquals(slow, fastInts);
        }
    }

    /** Uniform, geometric, two-valued, constant, or a run per symbol. */
    static char[] symbols(int n, int alphabet, int shape, Random random) {
        char[] s = new char[n];
        for (int i = 0; i < n; i++) {
            int v;
            switch (shape) {
                case 0:
                    v = random.nextInt(alphabet);
                    break;
                case 1:
                    v = (int) (-Math.log(1 - random.nextDouble()) * 3);
                    break;
                case 2:
                    v = random.nextInt(10) == 0 ? alphabet - 1 : 0;
                    break;
                case 3:
                    v = alphabet / 2;
                    break;
                default:
                    v = i * alphabet / Math.max(1, n);
            }
            s[i] = (char) Math.min(alphabet - 1, v);
        }
        return s;
    }
}
