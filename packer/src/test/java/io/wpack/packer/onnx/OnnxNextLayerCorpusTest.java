package io.wpack.packer.onnx;

import io.wpack.packer.testing.Corpus;
import io.wpack.packer.model.ImportedModel;
import io.wpack.packer.model.ImportedTensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code layer.next_*} on a real model: how many weights get a next layer, and that every
 * next weight exists and reads exactly this layer's channel count on the recorded axis.
 * Skipped when the corpus ({@code ../shared/corpus} beside the project root, or
 * {@code -Dwpack.corpus=DIR}) is absent.
 */
class OnnxNextLayerCorpusTest {
    static Path corpus() throws IOException {
        return Corpus.root();
    }

    @Test
    void sileroVadLegacy() throws IOException {
        Path root = corpus();
        Path model = root == null ? null : root.resolve("onnx/silero_vad_legacy.onnx");
        assumeTrue(model != null && Files.isRegularFile(model),
                "model corpus not found (looked for ../shared/corpus beside the project root, or -Dwpack.corpus="
                        + "DIR); skipping the next-layer check on onnx/silero_vad_legacy.onnx");
        ImportedModel m = new OnnxImporter().importModel(model);
        Map<String, ImportedTensor> byName = new HashMap<>();
        for (ImportedTensor t : m.tensors()) {
            byName.put(t.name(), t);
        }
        int rank4 = 0;
        int rank4WithNext = 0;
        int convs = 0;
        int convsWithNext = 0;
        for (ImportedTensor t : m.tensors()) {
            Map<String, String> meta = t.metadata();
            boolean hasNext = meta.containsKey("layer.next_weights");
            if (t.shape().length == 4) {
                rank4++;
                rank4WithNext += hasNext ? 1 : 0;
            }
            if ("Conv".equals(meta.get("layer.op")) && meta.containsKey("layer.channel_axis")) {
                convs++;
                convsWithNext += hasNext ? 1 : 0;
            }
            if (!hasNext) {
                continue;
            }
            long channels = t.shape()[Integer.parseInt(meta.get("layer.channel_axis"))];
            String[] names = meta.get("layer.next_weights").split(",");
            String[] axes = meta.get("layer.next_input_axis").split(",");
            String depthwise = meta.get("layer.next_depthwise");
            String[] dw = depthwise == null ? null : depthwise.split(",");
            assertEquals(names.length, axes.length, t.name());
            assertTrue(dw == null || dw.length == names.length, t.name());
            for (int i = 0; i < names.length; i++) {
                ImportedTensor next = byName.get(names[i]);
                assertNotNull(next, t.name() + ": next weight " + names[i] + " is not a tensor");
                long read = next.shape()[Integer.parseInt(axes[i])];
                if (dw != null && dw[i].equals("true")) {
                    // Filters c*M .. c*M+M-1 read channel c.
                    assertEquals(0, read % channels, t.name() + " -> " + names[i]);
                } else {
                    assertEquals(channels, read, t.name() + " -> " + names[i]);
                }
            }
        }
        System.out.printf("silero_vad_legacy.onnx: layer.next_weights on %d of %d rank-4 weights, %d of %d Conv "
                + "filters (Conv1d, rank 3)%n", rank4WithNext, rank4, convsWithNext, convs);
        // Conv1d only. Per branch (16 kHz, 8 kHz): 4 depthwise + 4 pointwise + 3 of the 4 expansion
        // filters get one; the 3 residual projections (into Add's second input), the last encoder
        // filter (into Transpose), the decoder, the STFT basis and the normaliser do not.
        assertEquals("0/0", rank4WithNext + "/" + rank4);
        assertEquals("22/36", convsWithNext + "/" + convs);
    }
}
