package io.wpack.loader;

import io.wpack.formats.PackageStreamReader;
import io.wpack.formats.TensorEntry;
import io.wpack.formats.proto.KeyValue;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads every tensor of a package in one pass over a non-seekable stream. The caller
 * supplies each tensor's sink when its first chunk arrives, so the loader itself holds only
 * one chunk at a time: memory is bounded by the largest chunk, not by the model.
 */
public final class WpkStreamLoader {

    /** Supplies sinks and hears when a tensor is complete. */
    public interface Consumer {
        /** Called once the manifest is read, before any tensor data. */
        default void onManifest(List<TensorEntry> tensors, Map<String, String> metadata) {
        }

        /**
         * The sink for this tensor, of {@link WpkPackage#outputBytes} bytes, or null to skip
         * it (its chunks are still read and checked).
         */
        ByteSink sinkFor(TensorEntry tensor) throws IOException;

        /** Called after the tensor's last chunk was decoded into its sink. */
        default void onTensor(TensorEntry tensor, ByteSink sink) throws IOException {
        }
    }

    private final Representation representation;

    public WpkStreamLoader() {
        this(Representation.LOGICAL);
    }

    public WpkStreamLoader(Representation representation) {
        this.representation = representation;
    }

    /** Reads the whole stream, checking every checksum and the footer. */
    public void load(InputStream in, Consumer consumer) throws IOException {
        PackageStreamReader reader = new PackageStreamReader(in);
        Map<String, String> metadata = new LinkedHashMap<>();
        for (KeyValue kv : reader.manifest().getMetadataList()) {
            metadata.put(kv.getKey(), kv.getValue());
        }
        consumer.onManifest(reader.tensors(), metadata);
        ChunkDecoder decoder = new ChunkDecoder();
        int next = 0;
        TensorEntry current = null;
        ByteSink sink = null;
        long[] starts = null;
        PackageStreamReader.ChunkRead chunk;
        while ((chunk = reader.next()) != null) {
            TensorEntry t = chunk.tensor();
            if (t != current) {
                // Tensors between the last one and this have no chunks (zero-size): announce them too.
                next = finishUpTo(consumer, reader.tensors(), next, t.index(), current, sink);
                current = t;
                sink = openSink(consumer, t);
                starts = ChunkDecoder.chunkStarts(t);
            }
            if (sink != null) {
                decoder.decode(t, chunk.chunkIndex(), starts[chunk.chunkIndex()], chunk.stored(), sink, representation);
            }
        }
        finishUpTo(consumer, reader.tensors(), next, reader.tensors().size(), current, sink);
    }

    private int finishUpTo(Consumer consumer, List<TensorEntry> tensors, int next, int upTo, TensorEntry current,
                           ByteSink sink) throws IOException {
        if (current != null && sink != null) {
            consumer.onTensor(current, sink);
        }
        int i = current == null ? next : current.index() + 1;
        for (; i < upTo; i++) {
            TensorEntry empty = tensors.get(i);
            ByteSink s = openSink(consumer, empty);
            if (s != null) {
                consumer.onTensor(empty, s);
            }
        }
        return upTo;
    }

    private ByteSink openSink(Consumer consumer, TensorEntry t) throws IOException {
        ByteSink s = consumer.sinkFor(t);
        if (s != null) {
            long need = WpkPackage.outputBytes(t, representation);
            if (s.size() != need) {
                throw new IllegalArgumentException("sink holds " + s.size() + " bytes but tensor '" + t.name()
                        + "' needs " + need);
            }
        }
        return s;
    }
}
