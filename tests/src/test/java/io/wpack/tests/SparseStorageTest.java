package io.wpack.tests;

import io.wpack.formats.proto.DType;
import io.wpack.loader.WpkPackage;
import io.wpack.packer.PackOptions;
import io.wpack.packer.PackReport;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Structured pruning meets its storage format: the packer tries the matching sparse format
 * (configured with the pruner's block or group) for the pruned codes, stores pattern-pruned
 * kernels as patterns, and the loader reads every choice back as the measured reconstruction.
 */
class SparseStorageTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"magnitude:0.8, csr", "block:4x4:0.8, bsr", "bcr:4x4:0.5, bcr", "nm:2:4, nm", "pattern:4:0.3, kpattern"})
    void theMatchingFormatIsACandidateAndLoadsExactly(String prune, String format) throws Exception {
        ImportedTensor conv = new ImportedTensor("conv.weight", DType.F32, new long[] {32, 16, 3, 3}, DType.F32, null,
                Map.of("layer.channel_axis", "0", "layer.reduction_axis", "1"),
                SyntheticTensors.weights("conv.weight", DType.F32, new long[] {32, 16, 3, 3}, 11).data());
        TensorPolicy policy = TensorPolicy.uniform(QuantSpec.parse("int8:channel"), PruneSpec.parse(prune));
        Path pkg = dir.resolve("sparse.wpk");
        PackReport report = new Packer(PackOptions.defaults().withPolicy(policy))
                .pack(Packages.model(List.of(conv)), pkg, null);
        PackReport.TensorReport t = report.tensors().get(0);
        assertTrue(t.candidates().keySet().stream().anyMatch(k -> k.startsWith(format + "[")),
                () -> format + " not tried: " + t.candidates());
        if (format.equals("kpattern")) {
            assertEquals("kpattern", t.encoding(), () -> "pattern-pruned kernels are stored as patterns: "
                    + t.candidates());
        }
        // Whatever won, the loader returns the codes the packer measured its error on.
        Path raw = dir.resolve("raw.wpk");
        new Packer(PackOptions.defaults().withPolicy(policy).withCodecs(List.of("raw")))
                .pack(Packages.model(List.of(conv)), raw, null);
        try (WpkPackage a = WpkPackage.open(pkg); WpkPackage b = WpkPackage.open(raw)) {
            assertArrayEquals(b.readBytes("conv.weight"), a.readBytes("conv.weight"));
        }
    }
}
