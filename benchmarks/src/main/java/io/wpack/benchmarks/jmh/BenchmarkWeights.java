package io.wpack.benchmarks.jmh;

import io.wpack.benchmarks.ModelSource;
import io.wpack.benchmarks.ProjectPaths;
import io.wpack.benchmarks.SyntheticModels;
import io.wpack.formats.proto.DType;
import io.wpack.packer.model.ImportedModel;
import io.wpack.packer.model.ImportedTensor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The data the JMH benchmarks run on, the same models as the tests and the pipeline driver:
 * from the corpus when it is there ({@code ../shared/corpus} above the working folder, or
 * {@code -Dwpack.corpus}; JMH passes {@code -jvmArgs} to its forks), synthetic otherwise.
 * Each setup prints which it used.
 */
final class BenchmarkWeights {
    /** Corpus models with float32 weights, in order of preference. */
    static final List<String> FLOAT32_MODELS = List.of("tfjs/mobilefacenet.json", "npz/mobilefacenet_f32.npz",
            "tfjs/posenet.json", "tfjs/efficientpose.json");

    private BenchmarkWeights() {
    }

    /** The first corpus model of {@link #FLOAT32_MODELS} that exists, or null. */
    static Path corpusModel() throws IOException {
        Path corpus = ProjectPaths.corpus(ProjectPaths.findRoot());
        if (corpus == null) {
            return null;
        }
        for (String m : FLOAT32_MODELS) {
            Path p = corpus.resolve(m);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    /** A model for the loader benchmark: a float32 corpus model, else the synthetic float32 MLP. */
    static ModelSource model() throws IOException {
        Path p = corpusModel();
        return p != null ? ModelSource.corpusFile(p.getParent().getFileName() + "/" + p.getFileName(), p)
                : ModelSource.generated(SyntheticModels.GAUSSIAN_F32);
    }

    /**
     * Up to {@code maxBytes} of float32 weights: the float32 tensors of {@link #model()}, back to
     * back in model order (the last one cut at an element boundary).
     */
    static byte[] float32(int maxBytes, StringBuilder source) throws IOException {
        ModelSource m = model();
        ImportedModel model = m.importModel();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        for (ImportedTensor t : model.tensors()) {
            if (t.storedDtype() != DType.F32 || out.size() >= maxBytes) {
                continue;
            }
            try (InputStream in = t.data().open()) {
                int r;
                while ((r = in.read(buf)) > 0 && out.size() < maxBytes) {
                    out.write(buf, 0, Math.min(r, maxBytes - out.size()));
                }
            }
        }
        byte[] b = out.toByteArray();
        source.append(m.id()).append(", ").append(b.length / 4).append(" float32 weights");
        return Arrays.copyOf(b, b.length / 4 * 4);
    }
}
