package io.wpack.tests;

import io.wpack.loader.WpkPackage;
import io.wpack.packer.PackOptions;
import io.wpack.packer.PackReport;
import io.wpack.packer.Packer;
import io.wpack.packer.demo.DemoModel;
import io.wpack.packer.model.ImportedModel;
import io.wpack.packer.model.ImportedTensor;
import io.wpack.packer.onnx.OnnxImporter;
import io.wpack.packer.policy.PruneSpec;
import io.wpack.packer.policy.QuantSpec;
import io.wpack.packer.policy.TensorPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --remove-pruned-filters} on the demo CNN: conv1 feeds BatchNorm, Relu and MaxPool into
 * conv2, so its pruned filters leave conv1, its bias, the four BatchNorm vectors and conv2's
 * input axis; conv2 feeds a Reshape, so it keeps its shape with its filters zeroed.
 */
class FilterRemovalTest {
    private static final double FRACTION = 0.25;

    @TempDir
    Path dir;

    private ImportedModel demo() throws Exception {
        Path onnx = dir.resolve("demo.onnx");
        DemoModel.write(onnx);
        return new OnnxImporter().importModel(onnx);
    }

    private static PackOptions options(boolean remove) {
        TensorPolicy policy = TensorPolicy.uniform(QuantSpec.parse("none"), PruneSpec.parse("filter:" + FRACTION));
        return PackOptions.defaults().withPolicy(policy).withRemovePrunedFilters(remove);
    }

    @Test
    void prunedFiltersLeaveTheLayerAndEveryReaderOfTheirChannels() throws Exception {
        ImportedModel model = demo();
        Map<String, ImportedTensor> source = new HashMap<>();
        for (ImportedTensor t : model.tensors()) {
            source.put(t.name(), t);
        }
        float[] conv1 = floats(Packages.sourceBytes(source.get("conv1.weight")));
        int filters = 16;
        int perFilter = conv1.length / filters;
        // The lowest-norm quarter of the filters, computed here independently of the pruner.
        Integer[] order = new Integer[filters];
        double[] norms = new double[filters];
        for (int f = 0; f < filters; f++) {
            order[f] = f;
            for (int i = 0; i < perFilter; i++) {
                norms[f] += (double) conv1[f * perFilter + i] * conv1[f * perFilter + i];
            }
        }
        Arrays.sort(order, (a, b) -> Double.compare(norms[a], norms[b]));
        int removedCount = (int) Math.round(FRACTION * filters);
        List<Integer> kept = new ArrayList<>();
        for (int f = 0; f < filters; f++) {
            if (!Arrays.asList(order).subList(0, removedCount).contains(f)) {
                kept.add(f);
            }
        }

        Path pkg = dir.resolve("removed.wpk");
        PackReport report = new Packer(options(true)).pack(model, pkg, null);
        assertEquals(1, report.removedFilters().size());
        var removed = report.removedFilters().get(0);
        assertEquals("conv1.weight", removed.pruned());
        assertEquals(List.of("conv1.weight", "conv1.bias", "bn1.scale", "bn1.bias", "bn1.mean", "bn1.var",
                "conv2.weight"), removed.tensors());
        assertTrue(report.filtersKept().stream().anyMatch(k -> k.startsWith("conv2.weight:")), report.filtersKept()::toString);

        try (WpkPackage p = WpkPackage.open(pkg)) {
            assertArrayEquals(new long[] {kept.size(), 3, 3, 3}, p.tensor("conv1.weight").shape());
            assertArrayEquals(keep(conv1, 1, filters, perFilter, kept), p.readFloats("conv1.weight"));
            for (String vector : List.of("conv1.bias", "bn1.scale", "bn1.bias", "bn1.mean", "bn1.var")) {
                float[] original = floats(Packages.sourceBytes(source.get(vector)));
                assertArrayEquals(keep(original, 1, filters, 1, kept), p.readFloats(vector), vector);
            }
            // conv2 loses input channels (axis 1); its own filter pruning then zeroes whole filters.
            float[] conv2 = floats(Packages.sourceBytes(source.get("conv2.weight")));
            float[] expected = keep(conv2, 32, filters, 9, kept);
            float[] actual = p.readFloats("conv2.weight");
            assertArrayEquals(new long[] {32, kept.size(), 3, 3}, p.tensor("conv2.weight").shape());
            int zeroed = 0;
            int per = kept.size() * 9;
            for (int f = 0; f < 32; f++) {
                float[] e = Arrays.copyOfRange(expected, f * per, (f + 1) * per);
                float[] a = Arrays.copyOfRange(actual, f * per, (f + 1) * per);
                if (Arrays.equals(a, new float[per])) {
                    zeroed++;
                } else {
                    assertArrayEquals(e, a, "conv2 filter " + f);
                }
            }
            assertEquals(8, zeroed, "conv2 keeps its shape and has a quarter of its filters zeroed");
            Map<String, String> meta = p.tensor("conv1.weight").metadata();
            assertEquals("16,3,3,3", meta.get("prune.original_shape"));
            assertEquals(join(Arrays.asList(order).subList(0, removedCount)), meta.get("prune.removed_channels.axis0"));
            assertEquals("32,16,3,3", p.tensor("conv2.weight").metadata().get("prune.original_shape"));
            // Untouched tensors keep their shape and bytes.
            assertArrayEquals(Packages.sourceBytes(source.get("fc.bias")), p.readBytes("fc.bias"));
        }

        Path again = dir.resolve("again.wpk");
        new Packer(options(true)).pack(demo(), again, null);
        assertArrayEquals(Files.readAllBytes(pkg), Files.readAllBytes(again), "deterministic");
    }

    @Test
    void withoutTheOptionShapesNeverChange() throws Exception {
        ImportedModel model = demo();
        Path pkg = dir.resolve("zeroed.wpk");
        PackReport report = new Packer(options(false)).pack(model, pkg, null);
        assertTrue(report.removedFilters().isEmpty());
        try (WpkPackage p = WpkPackage.open(pkg)) {
            for (ImportedTensor t : model.tensors()) {
                assertArrayEquals(t.shape(), p.tensor(t.name()).shape(), t.name());
            }
        }
    }

    /** The slices {@code kept} of the middle axis of a row-major [outer, dim, inner] array. */
    private static float[] keep(float[] v, int outer, int dim, int inner, List<Integer> kept) {
        float[] out = new float[outer * kept.size() * inner];
        int o = 0;
        for (int x = 0; x < outer; x++) {
            for (int k : kept) {
                System.arraycopy(v, (x * dim + k) * inner, out, o, inner);
                o += inner;
            }
        }
        return out;
    }

    private static float[] floats(byte[] b) {
        float[] f = new float[b.length / 4];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }

    private static String join(List<Integer> v) {
        return v.stream().sorted().map(String::valueOf).reduce((a, b) -> a + "," + b).orElse("");
    }
}
