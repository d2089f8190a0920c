package io.wpack.loader;

import io.wpack.formats.PackageFile;
import io.wpack.formats.TensorEntry;
import io.wpack.formats.Verify;
import io.wpack.formats.WpkFormatException;
import io.wpack.formats.proto.KeyValue;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Random access to a package: open it, then load any tensor by name without reading the
 * others. Thread-safe for concurrent loads.
 */
public final class WpkPackage implements Closeable {
    private final PackageFile file;

    private WpkPackage(PackageFile file) {
        this.file = file;
    }

    public static WpkPackage open(Path path) throws IOException {
        return new WpkPackage(PackageFile.open(path));
    }

    /** Reads from a caller-owned seekable channel, which stays open after {@link #close}. */
    public static WpkPackage open(SeekableByteChannel channel) throws IOException {
        return new WpkPackage(PackageFile.open(channel));
    }

    public List<TensorEntry> tensors() {
        return file.tensors();
    }

    /** The named tensor, or a format error naming it when absent. */
    public TensorEntry tensor(String name) throws WpkFormatException {
        TensorEntry t = file.tensor(name);
        Verify.verify(t != null, "no tensor named '%s' in the package", name);
        return t;
    }

    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        for (KeyValue kv : file.manifest().getMetadataList()) {
            m.put(kv.getKey(), kv.getValue());
        }
        return m;
    }

    public PackageFile file() {
        return file;
    }

    /** Bytes {@link #read} writes for this tensor in this representation. */
    public static long outputBytes(TensorEntry t, Representation rep) {
        return ChunkDecoder.outputBytes(t, rep);
    }

    /** The tensor in its logical dtype, little-endian, row-major. */
    public byte[] readBytes(String name) throws IOException {
        return readBytes(name, Representation.LOGICAL);
    }

    public byte[] readBytes(String name, Representation rep) throws IOException {
        TensorEntry t = tensor(name);
        byte[] out = new byte[Verify.toIntSize(outputBytes(t, rep), "tensor '" + name + "'")];
        read(t, ByteSinks.of(out), rep);
        return out;
    }

    /** The tensor converted to float32 values (float tensors and dequantized ones only). */
    public float[] readFloats(String name) throws IOException {
        TensorEntry t = tensor(name);
        Verify.verify(t.dtype() == io.wpack.formats.proto.DType.F32, "tensor '%s' is %s, not f32", name, t.dtype());
        byte[] b = readBytes(name);
        float[] f = new float[b.length / 4];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }

    /** Decodes a tensor into {@code sink}, chunk by chunk, on the calling thread. */
    public void read(TensorEntry t, ByteSink sink, Representation rep) throws IOException {
        checkSink(t, sink, rep);
        ChunkDecoder decoder = new ChunkDecoder();
        long[] starts = ChunkDecoder.chunkStarts(t);
        for (int i = 0; i < t.chunkCount(); i++) {
            ByteBuffer stored = file.readChunk(t, i);
            decoder.decode(t, i, starts[i], stored, sink, rep);
        }
    }

    /**
     * Decodes a tensor's chunks in parallel on {@code executor}; each chunk goes straight to
     * its own region of the sink.
     */
    public void readParallel(TensorEntry t, ByteSink sink, Representation rep, Executor executor) throws IOException {
        checkSink(t, sink, rep);
        long[] starts = ChunkDecoder.chunkStarts(t);
        List<CompletableFuture<Void>> tasks = new ArrayList<>();
        for (int i = 0; i < t.chunkCount(); i++) {
            final int chunk = i;
            tasks.add(CompletableFuture.runAsync(() -> {
                try {
                    new ChunkDecoder().decode(t, chunk, starts[chunk], file.readChunk(t, chunk), sink, rep);
                } catch (IOException e) {
                    throw new CompletionException(e);
                }
            }, executor));
        }
        try {
            CompletableFuture.allOf(tasks.toArray(new CompletableFuture[0])).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException) {
                throw (IOException) e.getCause();
            }
            throw e;
        }
    }

    /**
     * The stored bytes as a read-only slice of the memory-mapped file, with no copy, when the
     * tensor is stored raw in one chunk in the requested form; null otherwise.
     */
    public ByteBuffer mapIfRaw(TensorEntry t, Representation rep) throws IOException {
        boolean sameForm = rep == Representation.STORED || t.isStoredAsLogical();
        if (!sameForm || t.chunkCount() != 1 || !"raw".equals(ChunkDecoder.codecOf(t).name())) {
            return null;
        }
        ByteBuffer mapped = file.mapChunk(t, 0);
        return mapped == null ? null : mapped.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void checkSink(TensorEntry t, ByteSink sink, Representation rep) {
        long need = outputBytes(t, rep);
        if (sink.size() != need) {
            throw new IllegalArgumentException("sink holds " + sink.size() + " bytes but tensor '" + t.name()
                    + "' needs " + need);
        }
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
