package io.wpack.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** The models of a corpus folder, in a stable order. */
public final class ModelSets {
    private ModelSets() {
    }

    /**
     * Every model file one level below {@code corpus} ({@code onnx/*.onnx}, {@code tfjs/*.json},
     * {@code npz/*.npz}, and {@code .npy} / {@code .safetensors} should they appear), sorted by
     * relative path. TF.js shards ({@code .bin}) are read through their {@code .json}.
     */
    public static List<ModelSource> corpus(Path corpus) throws IOException {
        List<ModelSource> models = new ArrayList<>();
        List<Path> dirs;
        try (Stream<Path> s = Files.list(corpus)) {
            dirs = s.filter(Files::isDirectory).sorted().toList();
        }
        for (Path dir : dirs) {
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.filter(Files::isRegularFile).filter(ModelSets::isModelFile).sorted().toList();
            }
            for (Path f : files) {
                models.add(ModelSource.corpusFile(dir.getFileName() + "/" + f.getFileName(), f));
            }
        }
        return models;
    }

    static boolean isModelFile(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".onnx") || n.endsWith(".json") || n.endsWith(".npz") || n.endsWith(".npy")
                || n.endsWith(".safetensors");
    }
}
