package io.wpack.quantizer;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class FloatRadixSortTest {

    @Test
    void sortsLikeArraysSortIncludingSignedZerosAndExtremes() {
        Random random = new Random(9);
        float[] a = new float[100_000];
        for (int i = 0; i < a.length; i++) {
            switch (random.nextInt(6)) {
                case 0:
                    a[i] = random.nextBoolean() ? 0f : -0f;
                    break;
                case 1:
                    a[i] = Float.intBitsToFloat(random.nextInt() & 0xFF7FFFFF); // any finite, either sign
                    break;
                case 2:
                    a[i] = random.nextBoolean() ? Float.MIN_VALUE : -Float.MAX_VALUE;
                    break;
                default:
                    a[i] = (float) random.nextGaussian();
            }
        }
        float[] expected = a.clone();
        Arrays.sort(expected);
        FloatRadixSort.sort(a);
        for (int i = 0; i < a.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(a[i])) {
                throw new AssertionError("index " + i + ": " + expected[i] + " vs " + a[i]);
            }
        }
    }

    @Property(tries = 20)
    void largeRandomArrays(@ForAll long seed) {
        Random random = new Random(seed);
        float[] a = new float[20_000 + random.nextInt(20_000)];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(20) - 10));
        }
        float[] expected = a.clone();
        Arrays.sort(expected);
        FloatRadixSort.sort(a);
        assertArrayEquals(expected, a);
    }
}
