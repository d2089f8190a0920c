package io.wpack.packer.corpus;

import io.wpack.packer.testing.Corpus;
import io.wpack.formats.DTypes;
import io.wpack.packer.model.ImportedModel;
import io.wpack.packer.model.ImportedTensor;
import io.wpack.packer.model.ModelImporters;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Imports every real model in the shared corpus ({@code ../shared/corpus} beside the
 * project root, or {@code -Dwpack.corpus=DIR}) and checks that sizes add up. Skipped when
 * the corpus is absent, so a fresh clone still passes.
 */
class CorpusImportTest {
    /** Tensor counts found when the importers were written; a change means behaviour changed. */
    private static final Map<String, Integer> KNOWN_COUNTS = Map.of(
            "silero_vad_legacy.onnx", 259,
            "silero_vad_v5.onnx", 341,
            "efficientpose.json", 217,
            "handtrack.json", 619,
            "mobilefacenet.json", 139,
            "posenet.json", 62,
            "selfie.json", 136,
            "mobilefacenet_f32.npz", 139,
            "mobilefacenet_f16_compressed.npz", 139);

    static Path corpus() throws IOException {
        return Corpus.root();
    }

    /** The corpus files named in its README, plus any others found there, as paths relative to it. */
    static Stream<String> corpusFiles() throws IOException {
        Set<String> files = new TreeSet<>(KNOWN_COUNTS.keySet().stream().map(CorpusImportTest::folderOf).toList());
        Path root = corpus();
        for (String sub : new String[] {"onnx", "tfjs", "npz"}) {
            if (root != null && Files.isDirectory(root.resolve(sub))) {
                try (Stream<Path> s = Files.list(root.resolve(sub))) {
                    s.map(p -> sub + "/" + p.getFileName())
                            .filter(n -> n.endsWith(".onnx") || n.endsWith(".json") || n.endsWith(".npz"))
                            .forEach(files::add);
                }
            }
        }
        return files.stream();
    }

    private static String folderOf(String name) {
        return (name.endsWith(".onnx") ? "onnx/" : name.endsWith(".json") ? "tfjs/" : "npz/") + name;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpusFiles")
    void importsCorpusModel(String relative) throws IOException {
        Path root = corpus();
        assumeTrue(root != null && Files.isRegularFile(root.resolve(relative)),
                "model corpus not found (looked for ../shared/corpus beside the project root, or -Dwpack.corpus="
                        + "DIR); skipping the real-model test for " + relative);
        Path f = root.resolve(relative);
        long total = importAndRead(f);
        if (relative.endsWith(".onnx")) {
            // All data is inside the protobuf, which also holds the graph.
            assertTrue(total < Files.size(f), "tensor bytes " + total + " within the file's " + Files.size(f));
        } else if (relative.endsWith(".json")) {
            String stem = f.getFileName().toString().replaceFirst("\\.json$", "");
            assertEquals(Files.size(f.resolveSibling(stem + ".bin")), total, "weights fill the shard exactly");
        } else {
            long members = 0;
            int count = 0;
            try (ZipFile zip = new ZipFile(f.toFile())) {
                for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); count++) {
                    members += e.nextElement().getSize();
                }
            }
            // Each member is an npy header (64 to a few hundred bytes) plus exactly the tensor's data.
            long headers = members - total;
            assertTrue(headers >= 64L * count && headers <= 1024L * count, "header bytes " + headers);
        }
    }

    /** Imports, checks each tensor's size against its shape and reads every byte; returns the summed size. */
    private static long importAndRead(Path file) throws IOException {
        ImportedModel m = ModelImporters.importModel(file);
        String name = file.getFileName().toString();
        assertTrue(m.tensors().size() > 0, name + " has no tensors");
        if (KNOWN_COUNTS.containsKey(name)) {
            assertEquals(KNOWN_COUNTS.get(name), m.tensors().size(), name + " tensor count");
        }
        long total = 0;
        byte[] buf = new byte[1 << 16];
        for (ImportedTensor t : m.tensors()) {
            long expected = DTypes.byteCount(t.shape(), t.storedDtype());
            assertEquals(expected, t.data().byteSize(), t.name());
            long read = 0;
            try (InputStream in = t.data().open()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    read += n;
                }
            }
            assertEquals(expected, read, t.name() + ": bytes read");
            total += read;
        }
        return total;
    }
}
