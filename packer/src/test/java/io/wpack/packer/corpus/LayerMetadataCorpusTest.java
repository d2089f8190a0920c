package io.wpack.packer.corpus;

import io.wpack.formats.DTypes;
import io.wpack.packer.model.ImportedModel;
import io.wpack.packer.model.ImportedTensor;
import io.wpack.packer.model.ModelImporters;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * How many weights of the real ONNX and TF.js models get a channel axis from their
 * consuming layer ({@code layer.*} metadata), and that every recorded axis fits its tensor.
 * Skipped when the corpus is absent, like {@link CorpusImportTest}.
 */
class LayerMetadataCorpusTest {
    /** Rank &ge; 2 float tensors with a channel axis, and all of them, when this was written. */
    private static final Map<String, int[]> KNOWN_COVERAGE = Map.of(
            // The 8 left are LSTM biases B [1, 8*hidden].
            "silero_vad_legacy.onnx", new int[] {52, 60},
            // The 4 left are LSTMCell weights that reach their LSTM through Slice, Concat and Unsqueeze.
            "silero_vad_v5.onnx", new int[] {12, 16},
            "efficientpose.json", new int[] {85, 85},
            "handtrack.json", new int[] {123, 123},
            "mobilefacenet.json", new int[] {52, 52},
            "posenet.json", new int[] {31, 31},
            "selfie.json", new int[] {55, 55});

    static Stream<String> graphModels() throws IOException {
        return CorpusImportTest.corpusFiles().filter(f -> f.endsWith(".onnx") || f.endsWith(".json"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("graphModels")
    void weightsGetChannelAxesFromTheirLayers(String relative) throws IOException {
        Path root = CorpusImportTest.corpus();
        assumeTrue(root != null && Files.isRegularFile(root.resolve(relative)),
                "model corpus not found (looked for ../shared/corpus beside the project root, or -Dwpack.corpus="
                        + "DIR); skipping the layer-metadata test for " + relative);
        ImportedModel m = ModelImporters.importModel(root.resolve(relative));
        String name = root.resolve(relative).getFileName().toString();
        int candidates = 0;
        int covered = 0;
        int rank4 = 0;
        int rank4Covered = 0;
        for (ImportedTensor t : m.tensors()) {
            Map<String, String> meta = t.metadata();
            int rank = t.shape().length;
            boolean hasAxes = meta.containsKey("layer.channel_axis");
            assertEquals(hasAxes, meta.containsKey("layer.reduction_axis"), t.name() + ": axes come in pairs");
            if (hasAxes) {
                assertTrue(meta.containsKey("layer.op") && meta.containsKey("layer.input_index"), t.name());
                int channel = Integer.parseInt(meta.get("layer.channel_axis"));
                int reduction = Integer.parseInt(meta.get("layer.reduction_axis"));
                assertTrue(channel >= 0 && channel < rank, t.name() + ": channel axis " + channel + " of rank " + rank);
                assertTrue(reduction >= -1 && reduction < rank, t.name() + ": reduction axis " + reduction);
                assertNotEquals(channel, reduction, t.name());
            }
            if (rank >= 2 && DTypes.isFloat(t.dtype())) {
                candidates++;
                covered += hasAxes ? 1 : 0;
                if (rank == 4) {
                    rank4++;
                    rank4Covered += hasAxes ? 1 : 0;
                }
            }
        }
        if (name.equals("mobilefacenet.json")) {
            assertTrue(rank4 > 0 && rank4Covered == rank4,
                    rank4Covered + " of " + rank4 + " rank-4 float weights have a channel axis");
        }
        if (KNOWN_COVERAGE.containsKey(name)) {
            int[] known = KNOWN_COVERAGE.get(name);
            assertEquals(known[0] + "/" + known[1], covered + "/" + candidates,
                    name + ": rank >= 2 float tensors with a channel axis");
        }
    }
}
