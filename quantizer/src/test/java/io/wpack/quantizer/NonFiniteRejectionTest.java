package io.wpack.quantizer;

import io.wpack.formats.WpkFormatException;
import io.wpack.quantizer.prune.BcrPruner;
import io.wpack.quantizer.prune.BlockPruner;
import io.wpack.quantizer.prune.FilterPruner;
import io.wpack.quantizer.prune.MagnitudePruner;
import io.wpack.quantizer.prune.NmPruner;
import io.wpack.quantizer.prune.PatternPruner;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every lossy scheme refuses a tensor holding NaN or an infinity, and says which tensor. */
class NonFiniteRejectionTest {

    interface Scheme {
        void run(WeightView view) throws Exception;
    }

    private static Map<String, Scheme> schemes() {
        Map<String, Scheme> s = new LinkedHashMap<>();
        s.put("int8", v -> IntegerQuantizer.builder().build().quantize(v));
        s.put("int4 groups", v -> IntegerQuantizer.builder().bits(4).affine().perGroup(2).build().quantize(v));
        s.put("codebook", v -> CodebookQuantizer.builder().entries(4).build().quantize(v));
        s.put("codebook lloyd", v -> CodebookQuantizer.builder().entries(4).perChannel()
                .method(CodebookQuantizer.Method.LLOYD).build().quantize(v));
        for (FloatFormat f : FloatFormat.values()) {
            s.put(f.name(), v -> FloatQuantizer.of(f).quantize(v));
        }
        s.put("magnitude", v -> MagnitudePruner.prune(v, 0.5));
        s.put("global magnitude", v -> MagnitudePruner.pruneGlobally(List.of(WeightView.flat("fine", new float[4]), v), 0.5));
        s.put("2:4", v -> NmPruner.prune(v, 2, 4));
        s.put("block", v -> BlockPruner.prune(v, 2, 2, 0.5));
        s.put("bcr", v -> BcrPruner.prune(v, 2, 4, 0.5));
        s.put("pattern", v -> PatternPruner.prune(v, 4, 0.5));
        s.put("filter", v -> FilterPruner.prune(v, 0.5));
        return s;
    }

    @ParameterizedTest
    @ValueSource(floats = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY})
    void everySchemeNamesTheTensor(float bad) throws Exception {
        float[] values = TestTensors.gaussian(2 * 3 * 3 * 3, 5, 0);
        values[40] = bad;
        WeightView view = WeightView.of("layer3.conv.weight", values, 2, 3, 3, 3);
        for (Map.Entry<String, Scheme> e : schemes().entrySet()) {
            WpkFormatException ex = assertThrows(WpkFormatException.class, () -> e.getValue().run(view), e.getKey());
            assertTrue(ex.getMessage().contains("\"layer3.conv.weight\""), e.getKey() + ": " + ex.getMessage());
            assertTrue(ex.getMessage().contains("element 40 [1, 1, 1, 1]"), e.getKey() + ": " + ex.getMessage());
            assertTrue(ex.getMessage().contains(Float.toString(bad)), e.getKey() + ": " + ex.getMessage());
        }
    }
}
