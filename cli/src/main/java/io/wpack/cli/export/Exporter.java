package io.wpack.cli.export;

import io.wpack.loader.Representation;
import io.wpack.loader.WpkPackage;

import java.io.IOException;
import java.nio.file.Path;

/** Writes every tensor of a package to another format. */
public interface Exporter {
    /** Writes atomically: a failure leaves no partial file at {@code out}. */
    void export(WpkPackage pkg, Path out, Representation representation) throws IOException;

    /** The exporter for a file name's extension, or null. */
    static Exporter forPath(Path out) {
        String name = out.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".safetensors")) {
            return new SafetensorsExporter();
        }
        if (name.endsWith(".npz")) {
            return new NpzExporter();
        }
        return null;
    }
}
