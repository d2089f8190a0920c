package io.wpack.patterns;

import io.wpack.encoders.Codecs;
import io.wpack.encoders.pattern.BlockDictCodec;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DictionaryPlannerTest {

    @Test
    void plantedBlocksGetADictionaryAndTheCodecMatchesTheEstimate() throws Exception {
        CodeTensor t = CodeTensors.plantedRows(512, 256, 40, 1);
        PatternPlan plan = DictionaryPlanner.plan(t, PatternMiner.countValues(t, BlockShape.ROW_4));
        assertTrue(plan.k() >= 30 && plan.k() <= 40, "K = " + plan.k());
        assertTrue(plan.codable());
        BlockDictCodec codec = plan.codec();
        assertEquals(4, codec.block());
        byte[] encoded = codec.encode(t.codes(), 0, t.size());
        double estimate = plan.estimatedBits() / 8;
        assertTrue(Math.abs(encoded.length - estimate) < 0.05 * encoded.length + 64,
                "estimate " + estimate + " bytes, encoded " + encoded.length);
        assertTrue(encoded.length < 0.6 * Codecs.HUFFMAN.encode(t.codes(), 0, t.size()).length);
        byte[] back = new byte[t.size()];
        BlockDictCodec.fromParams(codec.params()).decode(ByteBuffer.wrap(encoded), ByteBuffer.wrap(back));
        assertArrayEquals(t.codes(), back);
    }

    @Test
    void noRepeatsNoDictionary() {
        CodeTensor t = CodeTensors.random(new long[] {256, 256}, 1, 256, 0, 2);
        PatternPlan plan = DictionaryPlanner.plan(t, PatternMiner.countValues(t, BlockShape.ROW_4));
        assertEquals(0, plan.k());
        assertEquals(0, plan.entries().length);
    }

    @Test
    void twoByTwoIsPlannedButNotCodable() {
        CodeTensor t = CodeTensors.plantedRows(64, 64, 4, 3);
        PatternPlan plan = DictionaryPlanner.plan(t, PatternMiner.countValues(t, BlockShape.SQUARE_2X2));
        assertFalse(plan.codable());
        assertThrows(IllegalStateException.class, plan::codec);
    }

    @Test
    void kernelsAreContiguousForEitherLayout() throws Exception {
        // [O, I, 3, 3]: kernels are trailing; the codec reads them as they are.
        CodeTensor oihw = CodeTensors.patternPruned(16, 8, 4, 4);
        assertEquals(1, CodecLayouts.columnsFor(oihw, BlockShape.kernel(3, 3)));
        // [3, 3, I, O]: the same kernels transposed; the codec needs I·O columns.
        byte[] hwio = new byte[oihw.size()];
        for (int o = 0; o < 16; o++) {
            for (int i = 0; i < 8; i++) {
                for (int k = 0; k < 9; k++) {
                    hwio[(k * 8 + i) * 16 + o] = oihw.codes()[(o * 8 + i) * 9 + k];
                }
            }
        }
        CodeTensor t = new CodeTensor("hwio", hwio, new long[] {3, 3, 8, 16}, 2);
        assertEquals(128, CodecLayouts.columnsFor(t, BlockShape.kernel(3, 3)));
        PatternPlan a = DictionaryPlanner.plan(oihw, PatternMiner.countValues(oihw, BlockShape.kernel(3, 3)));
        PatternPlan b = DictionaryPlanner.plan(t, PatternMiner.countValues(t, BlockShape.kernel(3, 3)));
        assertEquals(a.k(), b.k());
        assertArrayEquals(a.entries(), b.entries());
        for (PatternPlan plan : new PatternPlan[] {a, b}) {
            CodeTensor tensor = plan == a ? oihw : t;
            byte[] encoded = plan.codec().encode(tensor.codes(), 0, tensor.size());
            byte[] back = new byte[tensor.size()];
            plan.codec().decode(ByteBuffer.wrap(encoded), ByteBuffer.wrap(back));
            assertArrayEquals(tensor.codes(), back);
        }
    }
}
