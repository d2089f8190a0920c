package io.wpack.loader.layout;

import io.wpack.formats.TensorEntry;
import io.wpack.formats.proto.DType;
import io.wpack.loader.Representation;
import io.wpack.loader.WpkPackage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;

/**
 * Loads a package tensor straight into a kernel layout. The tensor's chunks are decoded one
 * at a time into a {@link LayoutWriter}, which converts them as they arrive: the dense tensor
 * is never held in memory, only one decoded chunk. A tensor stored with a sparse codec and asked
 * for the matching sparse layout (csr, bsr, nm, kpattern, bcr over the same view and block) is
 * read through the codec's structural decode instead ({@link StoredSparseDecoder}), with the
 * same result.
 *
 * <pre>{@code
 * try (WpkPackage pkg = WpkPackage.open(path)) {
 *     LayoutResult w = LayoutLoader.load(pkg, "conv1.weight", Layout.parse("blocked:OIhw16i16o"));
 *     ByteBuffer data = w.part("data").buffer();
 *     LayoutResult fc = LayoutLoader.load(pkg, "fc.weight", Layout.parse("panels:nr8:kr1:bias"),
 *             LayoutOptions.DEFAULTS.withBiasTensor("fc.bias"));
 * }
 * }</pre>
 */
public final class LayoutLoader {
    private LayoutLoader() {
    }

    public static LayoutResult load(WpkPackage pkg, String tensorName, Layout layout) throws IOException {
        return load(pkg, tensorName, layout, LayoutOptions.DEFAULTS, PartSinks.ALLOCATE);
    }

    public static LayoutResult load(WpkPackage pkg, String tensorName, Layout layout, LayoutOptions options)
            throws IOException {
        return load(pkg, tensorName, layout, options, PartSinks.ALLOCATE);
    }

    /**
     * Loads {@code tensorName} in {@code layout}, writing parts of known size to the sinks
     * {@code sinks} supplies (see {@link LayoutPlan#parts()} for their sizes).
     *
     * @throws LayoutException if the layout does not apply to the tensor or its values
     * @throws io.wpack.formats.WpkFormatException if the package is corrupt
     */
    public static LayoutResult load(WpkPackage pkg, String tensorName, Layout layout, LayoutOptions options,
                                    PartSinks sinks) throws IOException {
        return load(pkg, tensorName, layout, options, sinks, null);
    }

    /**
     * As {@link #load(WpkPackage, String, Layout, LayoutOptions, PartSinks)}, decoding chunks in
     * parallel on {@code executor} when the layout accepts them in any order (dense, transposed,
     * blocked, panels); the sequential layouts read on the calling thread.
     */
    public static LayoutResult loadParallel(WpkPackage pkg, String tensorName, Layout layout, LayoutOptions options,
                                            PartSinks sinks, Executor executor) throws IOException {
        return load(pkg, tensorName, layout, options, sinks, executor);
    }

    private static LayoutResult load(WpkPackage pkg, String tensorName, Layout layout, LayoutOptions options,
                                     PartSinks sinks, Executor executor) throws IOException {
        TensorEntry t = pkg.tensor(tensorName);
        LayoutPlan plan = LayoutPlan.of(layout, t, options);
        LayoutResult direct = StoredSparseDecoder.tryLoad(pkg, t, plan, options, sinks);
        if (direct != null) {
            return direct;
        }
        LayoutWriter writer = LayoutWriter.create(plan, sinks);
        if (options.biasTensor() != null) {
            TensorEntry b = pkg.tensor(options.biasTensor());
            Representation rep = options.representation();
            DType dtype = rep == Representation.STORED ? b.storedDtype() : b.dtype();
            writer.writeBias(ByteBuffer.wrap(pkg.readBytes(b.name(), rep)), dtype);
        }
        if (executor != null && writer.acceptsAnyOrder()) {
            pkg.readParallel(t, writer, options.representation(), executor);
        } else {
            pkg.read(t, writer, options.representation());
        }
        return writer.finish();
    }
}
