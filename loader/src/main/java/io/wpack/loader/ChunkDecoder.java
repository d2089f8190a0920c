package io.wpack.loader;

import io.wpack.encoders.ByteCodec;
import io.wpack.encoders.Codecs;
import io.wpack.formats.DTypes;
import io.wpack.formats.TensorEntry;
import io.wpack.formats.Verify;
import io.wpack.formats.WpkFormatException;
import io.wpack.formats.proto.Chunk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Decodes one chunk into its place in a sink: straight into the sink's memory when it is
 * contiguous and no dtype conversion is needed, through one scratch buffer otherwise.
 */
final class ChunkDecoder {
    private ByteBuffer scratch;
    private ByteBuffer convertScratch;

    /** Resolves the tensor's codec, reporting an unknown or unsupported chain as bad input. */
    static ByteCodec codecOf(TensorEntry t) throws WpkFormatException {
        int stages = t.encoding().size();
        Verify.verify(stages <= 1, "tensor '%s': an encoding chain of %d stages needs a newer wpack", t.name(), stages);
        if (stages == 0) {
            return Codecs.RAW;
        }
        var stage = t.encoding().get(0);
        java.util.Map<String, String> params = new java.util.LinkedHashMap<>();
        for (var kv : stage.getParamsList()) {
            params.put(kv.getKey(), kv.getValue());
        }
        return Codecs.create(stage.getCodec(), params);
    }

    /** Offsets in the decoded (stored-dtype) payload at which each chunk starts. */
    static long[] chunkStarts(TensorEntry t) {
        long[] starts = new long[t.chunkCount()];
        long pos = 0;
        for (int i = 0; i < starts.length; i++) {
            starts[i] = pos;
            pos += t.chunk(i).getDecodedLength();
        }
        return starts;
    }

    /** Output bytes the sink must hold for this tensor in this representation. */
    static long outputBytes(TensorEntry t, Representation rep) {
        return rep == Representation.STORED || t.isStoredAsLogical() ? t.storedBytes() : t.logicalBytes();
    }

    void decode(TensorEntry t, int chunkIndex, long storedStart, ByteBuffer stored, ByteSink sink, Representation rep)
            throws WpkFormatException {
        ByteCodec codec = codecOf(t);
        Chunk c = t.chunk(chunkIndex);
        int decodedLen = (int) c.getDecodedLength();
        boolean convert = rep == Representation.LOGICAL && !t.isStoredAsLogical();
        if (!convert) {
            ByteBuffer window = sink.window(storedStart, decodedLen);
            if (window != null) {
                codec.decode(stored, window);
                return;
            }
            ByteBuffer tmp = scratch(decodedLen);
            codec.decode(stored, tmp);
            tmp.flip();
            sink.write(storedStart, tmp);
            return;
        }
        ByteBuffer tmp = scratch(decodedLen);
        codec.decode(stored, tmp);
        tmp.flip();
        int storedSize = DTypes.byteSize(t.storedDtype());
        int logicalSize = DTypes.byteSize(t.dtype());
        long outStart = storedStart / storedSize * logicalSize;
        int outLen = Verify.toIntSize((long) decodedLen / storedSize * logicalSize, "converted chunk");
        ByteBuffer window = sink.window(outStart, outLen);
        if (window != null) {
            ElementConverter.convert(t, tmp, window, storedStart / storedSize);
            return;
        }
        if (convertScratch == null || convertScratch.capacity() < outLen) {
            convertScratch = ByteBuffer.allocate(outLen).order(ByteOrder.LITTLE_ENDIAN);
        }
        convertScratch.clear().limit(outLen);
        ElementConverter.convert(t, tmp, convertScratch, storedStart / storedSize);
        sink.write(outStart, convertScratch);
    }

    private ByteBuffer scratch(int len) {
        if (scratch == null || scratch.capacity() < len) {
            scratch = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        }
        scratch.clear().limit(len);
        return scratch;
    }
}
