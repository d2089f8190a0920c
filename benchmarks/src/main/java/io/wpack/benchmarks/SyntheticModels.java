package io.wpack.benchmarks;

import io.wpack.formats.proto.DType;
import io.wpack.packer.demo.DemoModel;
import io.wpack.packer.demo.SyntheticTensors;
import io.wpack.packer.model.ImportedModel;
import io.wpack.packer.model.ImportedTensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The synthetic model set: what the benchmark runs on without the corpus, and what the size
 * guard always checks. Every model is generated from fixed seeds, so its bytes (and therefore
 * its package size) are the same on every machine and every run.
 *
 * <p>Gaussian weights (σ = 0.05) are close to incompressible apart from their exponent bytes,
 * as trained weights are; the mixed model adds what compresses well (an all-zero tensor,
 * small integers, a boolean mask) so that a codec that stops being chosen shows up.
 */
public final class SyntheticModels {
    /** The demo CNN, imported through the real ONNX importer from a file. */
    public static final String DEMO_CNN = "demo-cnn";
    public static final String GAUSSIAN_F32 = "gaussian-f32";
    public static final String GAUSSIAN_F16 = "gaussian-f16";
    public static final String GAUSSIAN_BF16 = "gaussian-bf16";
    public static final String MIXED = "mixed-int-zeros";

    private static final List<String> GENERATED = List.of(GAUSSIAN_F32, GAUSSIAN_F16, GAUSSIAN_BF16, MIXED);

    private SyntheticModels() {
    }

    /**
     * The synthetic set, writing the demo ONNX model into {@code workDir} (which must exist) so
     * that it goes through the ONNX importer like a real export.
     */
    public static List<ModelSource> all(Path workDir) throws IOException {
        List<ModelSource> out = new ArrayList<>();
        Path demo = workDir.resolve(DEMO_CNN + ".onnx");
        if (!Files.exists(demo)) {
            DemoModel.write(demo);
        }
        out.add(ModelSource.syntheticFile(DEMO_CNN, demo));
        for (String name : GENERATED) {
            out.add(ModelSource.generated(name));
        }
        return out;
    }

    /** A generated model by name (not {@link #DEMO_CNN}, which is a file). */
    public static ImportedModel build(String name) throws IOException {
        List<ImportedTensor> tensors = new ArrayList<>();
        switch (name) {
            case GAUSSIAN_F32:
                mlp(tensors, DType.F32, 1000);
                break;
            case GAUSSIAN_F16:
                mlp(tensors, DType.F16, 2000);
                break;
            case GAUSSIAN_BF16:
                mlp(tensors, DType.BF16, 3000);
                break;
            case MIXED:
                tensors.add(SyntheticTensors.weights("q.weight", DType.I8, new long[] {512, 512}, 4001));
                tensors.add(SyntheticTensors.weights("q.bias", DType.I32, new long[] {512}, 4002));
                tensors.add(SyntheticTensors.zeros("embedding.padding", DType.F32, new long[] {256, 256}));
                tensors.add(SyntheticTensors.weights("attention.mask", DType.BOOL, new long[] {64, 64}, 4003));
                tensors.add(SyntheticTensors.weights("token_ids", DType.I64, new long[] {8192}, 4004));
                tensors.add(SyntheticTensors.weights("reshape.shape", DType.I64, new long[] {4}, 4005));
                tensors.add(SyntheticTensors.weights("fc.weight", DType.F32, new long[] {256, 512}, 4006));
                break;
            default:
                throw new IllegalArgumentException("unknown synthetic model '" + name + "'; known: " + GENERATED);
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("source_format", "synthetic");
        meta.put("producer", "wpack-benchmarks");
        meta.put("meta.model", name);
        return new ImportedModel(meta, tensors);
    }

    /** A small MLP plus a conv kernel: ~1.65 MB of float32, proportionally less at 16 bits. */
    private static void mlp(List<ImportedTensor> tensors, DType dtype, long seed) throws IOException {
        tensors.add(SyntheticTensors.weights("conv.weight", dtype, new long[] {64, 32, 3, 3}, seed + 1));
        tensors.add(SyntheticTensors.weights("conv.bias", dtype, new long[] {64}, seed + 2));
        tensors.add(SyntheticTensors.weights("fc1.weight", dtype, new long[] {512, 512}, seed + 3));
        tensors.add(SyntheticTensors.weights("fc1.bias", dtype, new long[] {512}, seed + 4));
        tensors.add(SyntheticTensors.weights("fc2.weight", dtype, new long[] {256, 512}, seed + 5));
        tensors.add(SyntheticTensors.weights("fc2.bias", dtype, new long[] {256}, seed + 6));
    }
}
