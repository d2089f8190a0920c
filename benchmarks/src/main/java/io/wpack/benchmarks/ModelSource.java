package io.wpack.benchmarks;

import io.wpack.packer.model.ImportedModel;
import io.wpack.packer.model.ModelImporters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One model the benchmark and the size guard run on: a file (from the corpus, or the demo ONNX
 * model written to a work folder) or a synthetic model rebuilt from its name. Either way a
 * fresh JVM can rebuild it from {@link #probeArgs()}, which the heap measurement needs.
 *
 * @param id            stable name used in reports and threshold keys, e.g. {@code corpus/tfjs/posenet.json}
 *                      or {@code synthetic/gaussian-f32}
 * @param synthetic     whether the model is generated (so it exists on every machine)
 * @param file          the model file, or null for a generated model
 * @param syntheticName the {@link SyntheticModels} name, or null for a file
 */
public record ModelSource(String id, boolean synthetic, Path file, String syntheticName) {

    public static ModelSource corpusFile(String relative, Path file) {
        return new ModelSource("corpus/" + relative, false, file, null);
    }

    public static ModelSource syntheticFile(String name, Path file) {
        return new ModelSource("synthetic/" + name, true, file, null);
    }

    public static ModelSource generated(String name) {
        return new ModelSource("synthetic/" + name, true, null, name);
    }

    /** Imports the model; for a file this is what {@code wpack pack} does first. */
    public ImportedModel importModel() throws IOException {
        return file != null ? ModelImporters.importModel(file) : SyntheticModels.build(syntheticName);
    }

    /** Arguments that let {@link HeapProbe} rebuild this model in another JVM. */
    public List<String> probeArgs() {
        return file != null ? List.of("--file", file.toString()) : List.of("--synthetic", syntheticName);
    }

    /** Rebuilds a source from {@link #probeArgs()}. */
    public static ModelSource fromProbeArgs(String kind, String value) {
        if ("--file".equals(kind)) {
            return new ModelSource("file", false, Path.of(value), null);
        }
        if ("--synthetic".equals(kind)) {
            return generated(value);
        }
        throw new IllegalArgumentException("expected --file PATH or --synthetic NAME, got " + kind);
    }
}
