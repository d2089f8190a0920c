package io.wpack.formats;

import io.wpack.formats.proto.DType;
import io.wpack.formats.proto.Chunk;
import io.wpack.formats.proto.KeyValue;
import io.wpack.formats.proto.Stage;
import io.wpack.formats.proto.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A manifest tensor after validation, with its sizes computed once. Instances only come from
 * {@link ManifestValidator}, so every field is known to be consistent with the file.
 */
public final class TensorEntry {
    private final int index;
    private final Tensor proto;
    private final long[] shape;
    private final long elementCount;
    private final DType storedDtype;
    private final long storedBytes;
    private final long logicalBytes;
    private final long maxChunkDecoded;
    private final long maxChunkStored;
    private final TensorEntry payload;

    TensorEntry(int index, Tensor proto, long[] shape, long elementCount, DType storedDtype, long storedBytes,
                long logicalBytes, long maxChunkDecoded, long maxChunkStored, TensorEntry sameAs) {
        this.payload = sameAs == null ? this : sameAs;
        this.index = index;
        this.proto = proto;
        this.shape = shape;
        this.elementCount = elementCount;
        this.storedDtype = storedDtype;
        this.storedBytes = storedBytes;
        this.logicalBytes = logicalBytes;
        this.maxChunkDecoded = maxChunkDecoded;
        this.maxChunkStored = maxChunkStored;
    }

    /** Position in the manifest (file order). */
    public int index() {
        return index;
    }

    public String name() {
        return proto.getName();
    }

    public DType dtype() {
        return proto.getDtype();
    }

    public DType storedDtype() {
        return storedDtype;
    }

    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int axis) {
        return shape[axis];
    }

    public long elementCount() {
        return elementCount;
    }

    /** Bytes of the decoded payload (stored dtype). */
    public long storedBytes() {
        return storedBytes;
    }

    /** Bytes of the tensor in its logical dtype. */
    public long logicalBytes() {
        return logicalBytes;
    }

    /** Bytes this tensor's own chunks occupy in the file: 0 for a tensor that shares another's ({@link #sameAs}). */
    public long encodedBytes() {
        long n = 0;
        for (var c : proto.getChunksList()) {
            n += c.getStoredLength();
        }
        return n;
    }

    /** Chunks that hold the payload, the shared ones for a {@link #sameAs} tensor. */
    public int chunkCount() {
        return payload.proto.getChunksCount();
    }

    /** Chunk {@code i} of the payload (the shared tensor's for a {@link #sameAs} tensor). */
    public Chunk chunk(int i) {
        return payload.proto.getChunks(i);
    }

    /** The payload's encoding chain (the shared tensor's for a {@link #sameAs} tensor). */
    public List<Stage> encoding() {
        return payload.proto.getEncodingList();
    }

    /** The earlier tensor whose chunks hold this one's payload, or null when it has its own. */
    public TensorEntry sameAs() {
        return payload == this ? null : payload;
    }

    public long maxChunkDecodedLength() {
        return maxChunkDecoded;
    }

    public long maxChunkStoredLength() {
        return maxChunkStored;
    }

    public Tensor proto() {
        return proto;
    }

    public boolean isStoredAsLogical() {
        return storedDtype == proto.getDtype();
    }

    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        for (KeyValue kv : proto.getMetadataList()) {
            m.put(kv.getKey(), kv.getValue());
        }
        return m;
    }

    /** "deflate", "raw", or a chain joined with '+' in encoding order. */
    public String encodingName() {
        if (payload.proto.getEncodingCount() == 0) {
            return "raw";
        }
        StringBuilder sb = new StringBuilder();
        for (var s : payload.proto.getEncodingList()) {
            if (sb.length() > 0) {
                sb.append('+');
            }
            sb.append(s.getCodec());
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return name() + " " + DTypes.displayName(dtype()) + Arrays.toString(shape);
    }
}
