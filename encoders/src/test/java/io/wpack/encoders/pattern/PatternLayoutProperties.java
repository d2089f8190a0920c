package io.wpack.encoders.pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The column-major logical order and its inverse, which go by 8×8 tiles with edges done one byte
 * at a time: checked against the definition for shapes on and off multiples of 8, with a tail of
 * n mod C bytes, at an offset into the destination.
 */
class PatternLayoutProperties {
    @Property(tries = 300)
    void toLogicalFollowsTheDefinitionAndFromLogicalUndoesIt(@ForAll @IntRange(min = 0, max = 700) int n,
            @ForAll @IntRange(min = 1, max = 80) int columns, @ForAll @IntRange(min = 0, max = 9) int offset,
            @ForAll long seed) {
        byte[] src = new byte[offset + n + 3];
        new Random(seed).nextBytes(src);
        int rows = n / columns;
        byte[] expected = new byte[n];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                expected[c * rows + r] = src[offset + r * columns + c];
            }
        }
        System.arraycopy(src, offset + rows * columns, expected, rows * columns, n - rows * columns);

        byte[] logical = PatternStreams.toLogical(src, offset, n, columns);
        assertArrayEquals(expected, logical);

        byte[] back = new byte[offset + n + 3];
        PatternStreams.fromLogical(logical, n, columns, back, offset);
        byte[] want = new byte[offset + n + 3];
        System.arraycopy(src, offset, want, offset, n);
        assertArrayEquals(want, back, "bytes outside [offset, offset + n) stay untouched");
    }
}
