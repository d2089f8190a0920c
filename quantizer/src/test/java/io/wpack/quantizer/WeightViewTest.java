package io.wpack.quantizer;

import io.wpack.formats.WpkFormatException;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WeightViewTest {

    @Provide
    Arbitrary<TestTensors.Tensor> tensors() {
        return TestTensors.tensors(5, TestTensors.weights());
    }

    /** Index arithmetic against coordinates computed the slow way. */
    @Property(tries = 200)
    void channelsGroupsAndLinesMatchCoordinates(@ForAll("tensors") TestTensors.Tensor t,
                                                 @ForAll @IntRange(min = 1, max = 4) int groupSize) {
        WeightView v = t.view();
        int[] shape = t.shape();
        int c = t.axes().channelAxis();
        int r = t.axes().reductionAxis();
        int[] groupShape = shape.clone();
        groupShape[r] = (shape[r] + groupSize - 1) / groupSize;
        for (int i = 0; i < v.size(); i++) {
            int[] coords = FiniteValues.coordinates(shape, i);
            assertEquals(c < 0 ? 0 : coords[c], v.channelOf(i));
            int[] g = coords.clone();
            g[r] /= groupSize;
            assertEquals(flatten(groupShape, g), v.groupOf(i, groupSize), "element " + Arrays.toString(coords));
        }
        assertEquals(flattenCount(groupShape), v.groupCount(groupSize));
        int covered = 0;
        for (int g = 0; g < v.groupCount(groupSize); g++) {
            int[] members = v.groupIndices(g, groupSize);
            assertTrue(members.length >= 1 && members.length <= groupSize);
            for (int i : members) {
                assertEquals(g, v.groupOf(i, groupSize));
            }
            covered += members.length;
        }
        assertEquals(v.size(), covered, "groups partition the tensor");

        boolean[] seen = new boolean[v.size()];
        for (int line = 0; line < v.lineCount(); line++) {
            int start = v.lineStart(line);
            for (int j = 0; j < v.reductionLength(); j++) {
                int i = start + j * v.reductionStride();
                assertEquals(j, FiniteValues.coordinates(shape, i)[r]);
                assertTrue(!seen[i]);
                seen[i] = true;
            }
        }
        for (boolean s : seen) {
            assertTrue(s, "lines cover every element");
        }
    }

    @Property(tries = 200)
    void twoDimensionalViewIsABijectionWithRowsAsChannels(@ForAll("tensors") TestTensors.Tensor t) {
        WeightView v = t.view();
        boolean[] seen = new boolean[v.size()];
        for (int row = 0; row < v.rows(); row++) {
            int[] indices = v.channelIndices(row);
            assertEquals(v.cols(), indices.length);
            for (int col = 0; col < v.cols(); col++) {
                int i = v.index2d(row, col);
                assertEquals(i, indices[col]);
                assertEquals(row, v.channelOf(i));
                assertTrue(!seen[i]);
                seen[i] = true;
                if (col > 0) {
                    assertTrue(indices[col] > indices[col - 1], "columns follow row-major order");
                }
            }
        }
    }

    @Test
    void rejectsMismatchedShapesAndAxes() {
        WpkFormatException e = assertThrows(WpkFormatException.class,
                () -> WeightView.of("conv.w", new float[5], 2, 3));
        assertTrue(e.getMessage().contains("\"conv.w\""), e.getMessage());
        assertThrows(WpkFormatException.class,
                () -> WeightView.of("w", new float[6], new long[] {2, 3}, new LayerAxes(2, 0)));
        assertThrows(WpkFormatException.class,
                () -> WeightView.of("w", new float[6], new long[] {2, 3}, new LayerAxes(0, -1)));
        assertThrows(IllegalArgumentException.class, () -> new LayerAxes(1, 1));
    }

    @Test
    void scalarsAndEmptyTensorsHaveOneChannel() throws Exception {
        WeightView scalar = WeightView.of("s", new float[] {2f});
        assertEquals(1, scalar.channelCount());
        assertEquals(0, scalar.groupOf(0, 4));
        assertEquals(1, scalar.groupCount(4));
        WeightView empty = WeightView.of("e", new float[0], 3, 0);
        assertEquals(0, empty.lineCount());
        assertEquals(3, empty.channelCount());
        assertEquals(0, empty.channelIndices(2).length);
    }

    private static int flatten(int[] shape, int[] coords) {
        int i = 0;
        for (int a = 0; a < shape.length; a++) {
            i = i * shape[a] + coords[a];
        }
        return i;
    }

    private static int flattenCount(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
