package io.wpack.tests;

import io.wpack.formats.IntegerScales;
import io.wpack.formats.proto.DType;
import io.wpack.loader.WpkPackage;
import io.wpack.packer.PackOptions;
import io.wpack.packer.PackReport;
import io.wpack.packer.Packer;
import io.wpack.packer.model.ImportedTensor;
import io.wpack.packer.model.TensorData;
import io.wpack.packer.policy.PruneSpec;
import io.wpack.packer.policy.QuantSpec;
import io.wpack.packer.policy.TensorPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The optional lossy block merge ({@code int8:channel:mergeS}): on weights made of near-repeats
 * of a few blocks, blocks move to their frequent neighbours, no weight moves by more than S
 * steps beyond the quantizer's half step, and the loader returns what the packer measured.
 */
class BlockMergeTest {
    @TempDir
    Path dir;

    /** 64 rows of 256 weights, each run of 4 a copy of one of 6 blocks plus noise of about a step. */
    private static float[] nearRepeats() {
        SplittableRandom r = new SplittableRandom(42);
        float[][] blocks = new float[6][4];
        for (float[] b : blocks) {
            for (int j = 0; j < 4; j++) {
                b[j] = (float) (r.nextDouble() * 2 - 1);
            }
        }
        float[] v = new float[64 * 256];
        for (int i = 0; i < v.length; i += 4) {
            float[] b = blocks[r.nextInt(blocks.length)];
            for (int j = 0; j < 4; j++) {
                v[i + j] = b[j] + (float) ((r.nextDouble() * 2 - 1) * 0.012);
            }
        }
        return v;
    }

    private PackReport pack(float[] v, String quant, Path out) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        ImportedTensor t = new ImportedTensor("fc.weight", DType.F32, new long[] {64, 256}, DType.F32, null,
                Map.of("layer.channel_axis", "0", "layer.reduction_axis", "1"), TensorData.of(b.array()));
        TensorPolicy policy = TensorPolicy.uniform(QuantSpec.parse(quant), PruneSpec.NONE);
        return new Packer(PackOptions.defaults().withPolicy(policy)).pack(Packages.model(List.of(t)), out, null);
    }

    @Test
    void mergedBlocksStayWithinTheBoundAndLoadAsMeasured() throws Exception {
        float[] v = nearRepeats();
        int steps = 2;
        Path plain = dir.resolve("plain.wpk");
        Path merged = dir.resolve("merged.wpk");
        PackReport p = pack(v, "int8:channel", plain);
        PackReport m = pack(v, "int8:channel:merge" + steps, merged);
        try (WpkPackage a = WpkPackage.open(plain); WpkPackage b = WpkPackage.open(merged)) {
            var entry = b.tensor("fc.weight");
            long moved = Long.parseLong(entry.metadata().get("lossy.merged_blocks"));
            assertTrue(moved > 0, "near-repeated blocks merge");
            float[] scales = IntegerScales.of(entry.proto().getDequantization().getInteger());
            float[] out = b.readFloats("fc.weight");
            double maxErr = 0;
            for (int i = 0; i < v.length; i++) {
                double err = Math.abs(out[i] - v[i]);
                maxErr = Math.max(maxErr, err);
                assertTrue(err <= scales[i / 256] * (steps + 0.5 + 1e-3), "weight " + i);
            }
            // The report is the error of what the loader returns.
            assertEquals(maxErr, m.tensors().get(0).maxAbsError(), 1e-6);
            assertTrue(m.tensors().get(0).sqnrDb() < p.tensors().get(0).sqnrDb(), "merging costs accuracy");
            assertTrue(b.tensor("fc.weight").encodedBytes() < a.tensor("fc.weight").encodedBytes(),
                    "and buys size: " + b.tensor("fc.weight").encodedBytes() + " vs "
                            + a.tensor("fc.weight").encodedBytes());
        }
    }
}
