package io.wpack.tests;

import io.wpack.formats.proto.DType;
import io.wpack.loader.Representation;
import io.wpack.loader.WpkPackage;
import io.wpack.loader.layout.Layout;
import io.wpack.loader.layout.LayoutException;
import io.wpack.loader.layout.LayoutLoader;
import io.wpack.loader.layout.LayoutOptions;
import io.wpack.loader.layout.LayoutResult;
import io.wpack.packer.PackOptions;
import io.wpack.packer.Packer;
import io.wpack.packer.demo.SyntheticTensors;
import io.wpack.packer.model.ImportedTensor;
import io.wpack.packer.policy.PruneSpec;
import io.wpack.packer.policy.QuantSpec;
import io.wpack.packer.policy.TensorPolicy;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The packer stores pruned int8 codes with whichever codec is smallest, often the sparse one
 * the pruning matches; loading the matching layout from that package (then the loader's direct
 * path from the codec's sparse form) gives exactly the parts the dense path gives on the same
 * codes stored raw, dequantized and as codes.
 */
class SparseLayoutFromStorageTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} as {1} -> {2}")
    @CsvSource({"magnitude:0.8, csr, csr", "magnitude:0.8, csr, csr:f16", "block:4x4:0.8, bsr, bsr:4x4",
        "bcr:4x4:0.5, bcr, bcr:4x4", "bcr:4x4:0.5, bcr, bcr:4x4:bf16", "nm:2:4, nm, nm:2:4",
        "pattern:4:0.3, kpattern, kpattern", "pattern:4:0.3, kpattern, kpattern:f16"})
    void storedSparseLoadsLikeRaw(String prune, String codec, String spec) throws Exception {
        ImportedTensor conv = new ImportedTensor("conv.weight", DType.F32, new long[] {32, 16, 3, 3}, DType.F32, null,
                Map.of("layer.channel_axis", "0", "layer.reduction_axis", "1"),
                SyntheticTensors.weights("conv.weight", DType.F32, new long[] {32, 16, 3, 3}, 11).data());
        TensorPolicy policy = TensorPolicy.uniform(QuantSpec.parse("int8:channel"), PruneSpec.parse(prune));
        Path sparse = dir.resolve("sparse.wpk");
        Path raw = dir.resolve("raw.wpk");
        // The codec list cannot name the shape-parameterised sparse codecs; the packer tries them itself.
        new Packer(PackOptions.defaults().withPolicy(policy)).pack(Packages.model(List.of(conv)), sparse, null);
        new Packer(PackOptions.defaults().withPolicy(policy).withCodecs(List.of("raw")))
                .pack(Packages.model(List.of(conv)), raw, null);
        Layout layout = Layout.parse(spec);
        try (WpkPackage a = WpkPackage.open(sparse); WpkPackage b = WpkPackage.open(raw)) {
            String stored = a.tensor("conv.weight").encodingName();
            if (codec.equals("kpattern")) {
                assertEquals(codec, stored, "pattern-pruned kernels are stored as patterns");
            }
            for (Representation rep : Representation.values()) {
                if (rep == Representation.STORED && layout.valueDtype() != null) {
                    continue; // codes do not convert to floats
                }
                LayoutOptions options = LayoutOptions.DEFAULTS.withRepresentation(rep);
                LayoutResult expected;
                try {
                    expected = LayoutLoader.load(b, "conv.weight", layout, options);
                } catch (LayoutException e) {
                    assertThrows(LayoutException.class, () -> LayoutLoader.load(a, "conv.weight", layout, options));
                    continue;
                }
                LayoutResult actual = LayoutLoader.load(a, "conv.weight", layout, options);
                assertEquals(expected.parts().size(), actual.parts().size());
                for (LayoutResult.Part p : expected.parts()) {
                    LayoutResult.Part q = actual.part(p.name());
                    assertArrayEquals(p.shape(), q.shape(), rep + " " + p.name());
                    assertArrayEquals(p.bytes(), q.bytes(), rep + " " + p.name());
                }
            }
        }
    }
}
