package io.wpack.formats;

import io.wpack.formats.proto.DType;
import io.wpack.formats.proto.KeyValue;
import io.wpack.formats.proto.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
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

    TensorEntry(int index, Tensor proto, long[] shape, long elementCount, DType storedDtype, long storedBytes,
                long logicalBytes, long maxChunkDecoded, long maxChunkStored) {
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

    /** Bytes the chunks occupy in the file. */
    public long encodedBytes() {
        long n = 0;
        for (var c : proto.getChunksList()) {
            n += c.getStoredLength();
        }
        return n;
    }

    public int chunkCount() {
        return proto.getChunksCount();
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
        if (proto.getEncodingCount() == 0) {
            return "raw";
        }
        StringBuilder sb = new StringBuilder();
        for (var s : proto.getEncodingList()) {
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
