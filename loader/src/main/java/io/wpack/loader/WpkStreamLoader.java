package io.wpack.loader;

import io.wpack.formats.PackageStreamReader;
import io.wpack.formats.TensorEntry;
import io.wpack.formats.proto.KeyValue;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads every tensor of a package in one pass over a non-seekable stream. The caller
 * supplies each tensor's sink when its first chunk arrives, so the loader itself holds only
 * one chunk at a time: memory is bounded by the largest chunk, not by the model.
 *
 * <p>Tensors arrive in file order. A tensor that shares an earlier tensor's payload
 * ({@link TensorEntry#sameAs}) is delivered together with it: its sink is asked for right
 * after the earlier tensor's, and each chunk is decoded into both.
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
        Map<TensorEntry, List<TensorEntry>> sharers = new HashMap<>();
        for (TensorEntry t : reader.tensors()) {
            if (t.sameAs() != null) {
                sharers.computeIfAbsent(t.sameAs(), k -> new ArrayList<>()).add(t);
            }
        }
        ChunkDecoder decoder = new ChunkDecoder();
        int next = 0;
        List<TensorEntry> current = new ArrayList<>();
        List<ByteSink> sinks = new ArrayList<>();
        long[] starts = null;
        PackageStreamReader.ChunkRead chunk;
        while ((chunk = reader.next()) != null) {
            TensorEntry t = chunk.tensor();
            if (current.isEmpty() || t != current.get(0)) {
                // Tensors between the last one and this have no chunks (zero-size): announce them too.
                next = finishUpTo(consumer, reader.tensors(), next, t.index(), current, sinks);
                current.clear();
                sinks.clear();
                current.add(t);
                current.addAll(sharers.getOrDefault(t, List.of()));
                for (TensorEntry c : current) {
                    sinks.add(openSink(consumer, c));
                }
                starts = ChunkDecoder.chunkStarts(t);
            }
            for (int i = 0; i < current.size(); i++) {
                if (sinks.get(i) != null) {
                    int from = chunk.stored().position();
                    decoder.decode(current.get(i), chunk.chunkIndex(), starts[chunk.chunkIndex()], chunk.stored(),
                            sinks.get(i), representation);
                    chunk.stored().position(from);
                }
            }
        }
        finishUpTo(consumer, reader.tensors(), next, reader.tensors().size(), current, sinks);
    }

    private int finishUpTo(Consumer consumer, List<TensorEntry> tensors, int next, int upTo, List<TensorEntry> current,
                           List<ByteSink> sinks) throws IOException {
        for (int i = 0; i < current.size(); i++) {
            if (sinks.get(i) != null) {
                consumer.onTensor(current.get(i), sinks.get(i));
            }
        }
        int i = current.isEmpty() ? next : current.get(0).index() + 1;
        for (; i < upTo; i++) {
            TensorEntry empty = tensors.get(i);
            if (empty.sameAs() != null) {
                continue; // delivered with the tensor it shares
            }
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
