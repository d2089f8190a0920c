package io.wpack.packer.tfjs;

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
class TfjsNextLayerCorpusTest {
    static Path corpus() throws IOException {
        return Corpus.root();
    }

    @Test
    void mobileFaceNet() throws IOException {
        Path root = corpus();
        Path model = root == null ? null : root.resolve("tfjs/mobilefacenet.json");
        assumeTrue(model != null && Files.isRegularFile(model),
                "model corpus not found (looked for ../shared/corpus beside the project root, or -Dwpack.corpus="
                        + "DIR); skipping the next-layer check on tfjs/mobilefacenet.json");
        ImportedModel m = new TfjsImporter().importModel(model);
        Map<String, ImportedTensor> byName = new HashMap<>();
        for (ImportedTensor t : m.tensors()) {
            byName.put(t.name(), t);
        }
        int rank4 = 0;
        int rank4WithNext = 0;
        for (ImportedTensor t : m.tensors()) {
            Map<String, String> meta = t.metadata();
            boolean hasNext = meta.containsKey("layer.next_weights");
            if (t.shape().length == 4) {
                rank4++;
                rank4WithNext += hasNext ? 1 : 0;
            }
            if (!hasNext) {
                continue;
            }
            long channels = t.shape()[Integer.parseInt(meta.get("layer.channel_axis"))];
            String[] names = meta.get("layer.next_weights").split(",");
            String[] axes = meta.get("layer.next_input_axis").split(",");
            String depthwise = meta.get("layer.next_depthwise");
            assertEquals(names.length, axes.length, t.name());
            assertTrue(depthwise == null || depthwise.split(",").length == names.length, t.name());
            for (int i = 0; i < names.length; i++) {
                ImportedTensor next = byName.get(names[i]);
                assertNotNull(next, t.name() + ": next weight " + names[i] + " is not a tensor");
                assertEquals(channels, next.shape()[Integer.parseInt(axes[i])], t.name() + " -> " + names[i]);
            }
        }
        System.out.printf("mobilefacenet.json: layer.next_weights on %d of %d rank-4 weights%n",
                rank4WithNext, rank4);
        // All but the embedding layer (Logits/LinearConv1x1, into Squeeze). The PReLUs are spelled
        // Relu(x) + alpha * (x - Abs(x)) * 0.5; the Relu -> Add path reaches the next layer.
        assertEquals("51/52", rank4WithNext + "/" + rank4);
    }
}
