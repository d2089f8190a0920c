package io.wpack.packer.model;

import io.wpack.formats.WpkFormatException;
import io.wpack.packer.numpy.NpyImporter;
import io.wpack.packer.numpy.NpzImporter;
import io.wpack.packer.onnx.OnnxImporter;
import io.wpack.packer.safetensors.SafetensorsImporter;
import io.wpack.packer.tfjs.TfjsImporter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Picks the importer for a model path. */
public final class ModelImporters {
    private ModelImporters() {
    }

    /** One instance of every importer, in detection order. */
    public static List<ModelImporter> all() {
        return List.of(new OnnxImporter(), new SafetensorsImporter(), new NpyImporter(), new NpzImporter(),
                new TfjsImporter());
    }

    /**
     * The importer for {@code path}, chosen by extension ({@code .onnx}, {@code .safetensors},
     * {@code .npy}, {@code .npz}, {@code .json} for TF.js) or, for a folder, by the
     * {@code model.json} inside it.
     */
    public static ModelImporter detect(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString());
        }
        if (Files.isDirectory(path)) {
            if (Files.isRegularFile(path.resolve("model.json"))) {
                return new TfjsImporter();
            }
        } else {
            String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".onnx")) {
                return new OnnxImporter();
            }
            if (name.endsWith(".safetensors")) {
                return new SafetensorsImporter();
            }
            if (name.endsWith(".npy")) {
                return new NpyImporter();
            }
            if (name.endsWith(".npz")) {
                return new NpzImporter();
            }
            if (name.endsWith(".json")) {
                return new TfjsImporter();
            }
        }
        throw new WpkFormatException("unrecognised model format: " + path
                + ", expected .onnx, .safetensors, .npy, .npz or a TF.js model.json");
    }

    /** {@code detect(path).importModel(path)}. */
    public static ImportedModel importModel(Path path) throws IOException {
        return detect(path).importModel(path);
    }
}
