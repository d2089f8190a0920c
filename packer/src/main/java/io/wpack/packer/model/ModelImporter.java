package io.wpack.packer.model;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads one model format. Implementations keep names, dtypes, shapes and bytes exactly,
 * check every size and offset they take from the file, and report bad input as
 * {@link io.wpack.formats.WpkFormatException}.
 */
public interface ModelImporter {
    /** Short format name recorded as {@code source_format}: onnx, safetensors, npy, npz, tfjs. */
    String formatName();

    /** Whether this importer handles the given path (by name or by a peek at its bytes). */
    boolean accepts(Path path) throws IOException;

    ImportedModel importModel(Path path) throws IOException;
}
