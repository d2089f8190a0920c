package io.wpack.cli.export;

import io.wpack.loader.Representation;
import io.wpack.loader.WpkPackage;

import java.io.IOException;
import java.nio.file.Path;

/** Writes every tensor of a package to another format. */
public interface Exporter {
    /** Writes atomically: a failure leaves no partial file at {@code out}. */
    default void export(WpkPackage pkg, Path out, Representation representation) throws IOException {
        export(pkg, out, representation, false);
    }

    /**
     * With {@code keepQuantized}, quantized tensors are written as their stored codes, each followed by its
     * side arrays (see {@link ExportItem}).
     */
    default void export(WpkPackage pkg, Path out, Representation representation, boolean keepQuantized)
            throws IOException {
        write(pkg.metadata(), ExportItem.plan(pkg, representation, keepQuantized), out);
    }

    /** Writes the package with the selected tensors converted to a kernel layout. */
    default void export(WpkPackage pkg, Path out, Representation representation, boolean keepQuantized,
                        io.wpack.loader.layout.Layout layout, io.wpack.loader.layout.LayoutOptions options,
                        java.util.regex.Pattern match) throws IOException {
        java.util.Map<String, String> meta = new java.util.LinkedHashMap<>(pkg.metadata());
        meta.put("wpack.layout", layout.spec());
        write(meta, ExportItem.plan(pkg, representation, keepQuantized,
                new ExportItem.LayoutRequest(layout, options, match)), out);
    }

    void write(java.util.Map<String, String> metadata, java.util.List<ExportItem> items, Path out) throws IOException;

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
