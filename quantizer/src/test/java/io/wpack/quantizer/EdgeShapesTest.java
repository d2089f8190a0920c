package io.wpack.quantizer;

import io.wpack.quantizer.prune.BcrPruner;
import io.wpack.quantizer.prune.BlockPruner;
import io.wpack.quantizer.prune.FilterPruner;
import io.wpack.quantizer.prune.MagnitudePruner;
import io.wpack.quantizer.prune.NmPruner;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Empty tensors, scalars and single elements go through every scheme. */
class EdgeShapesTest {

    private static WeightView view(String which) throws Exception {
        switch (which) {
            case "empty rows":
                return WeightView.of("e", new float[0], 0, 4);
            case "empty cols":
                return WeightView.of("e", new float[0], 4, 0);
            case "scalar":
                return WeightView.of("s", new float[] {-1.5f});
            default:
                return WeightView.of("one", new float[] {0.25f}, 1, 1, 1, 1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"empty rows", "empty cols", "scalar", "single"})
    void everySchemeHandlesIt(String which) throws Exception {
        WeightView v = view(which);
        QuantizedTensor[] results = {
            IntegerQuantizer.builder().build().quantize(v),
            IntegerQuantizer.builder().bits(3).affine().signed(false).perGroup(4).build().quantize(v),
            IntegerQuantizer.builder().perTensor().build().quantize(v),
            CodebookQuantizer.builder().entries(4).build().quantize(v),
            CodebookQuantizer.builder().entries(4).perChannel().build().quantize(v),
            FloatQuantizer.of(FloatFormat.BF16).quantize(v),
        };
        for (QuantizedTensor q : results) {
            assertEquals(v.size(), q.size());
            float[] back = q.dequantize();
            if (v.size() == 1) {
                assertEquals(v.values()[0], back[0], Math.abs(v.values()[0]) * 0.02f, q.getClass().getSimpleName());
            }
        }
        assertEquals(v.size(), MagnitudePruner.prune(v, 0.5).size());
        assertEquals(v.size(), NmPruner.prune(v, 2, 4).size());
        assertEquals(v.size(), BlockPruner.prune(v, 2, 2, 0.5).size());
        assertEquals(v.size(), BcrPruner.prune(v, 2, 2, 0.5).size());
        assertEquals(v.size(), FilterPruner.prune(v, 0.5).mask().size());
        if (v.size() == 1) {
            assertArrayEquals(new boolean[] {true}, NmPruner.prune(v, 2, 4).keep(), "ceil(2 * 1 / 4) = 1 kept");
        }
    }
}
