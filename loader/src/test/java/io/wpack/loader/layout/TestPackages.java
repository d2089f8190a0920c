package io.wpack.loader.layout;

import io.wpack.encoders.ByteCodec;
import io.wpack.encoders.Codecs;
import io.wpack.formats.PackageWriter;
import io.wpack.formats.proto.Chunk;
import io.wpack.formats.proto.DType;
import io.wpack.formats.proto.Dequantization;
import io.wpack.formats.proto.FloatWidening;
import io.wpack.formats.proto.KeyValue;
import io.wpack.formats.proto.Manifest;
import io.wpack.formats.proto.Stage;
import io.wpack.formats.proto.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes packages by hand with {@link PackageWriter} and the manifest builders (the packer is
 * not a loader dependency): each tensor cut into chunks of a given number of elements, each
 * chunk encoded with a given codec.
 */
final class TestPackages {
    private TestPackages() {
    }

    /**
     * One tensor as stored. {@code storedDtype} non-null means the payload is that float type
     * widened to {@code dtype} on load.
     */
    record Spec(String name, DType dtype, long[] shape, byte[] payload, int chunkElements, ByteCodec codec,
                DType storedDtype) {
        static Spec of(String name, DType dtype, long[] shape, byte[] payload) {
            return new Spec(name, dtype, shape, payload, Integer.MAX_VALUE, Codecs.RAW, null);
        }
    }

    static Path write(Path dir, List<Spec> tensors) throws IOException {
        Path out = Files.createTempFile(dir, "t", ".wpk");
        Manifest.Builder manifest = Manifest.newBuilder().setAlignment(64)
                .addMetadata(KeyValue.newBuilder().setKey("source_format").setValue("test"));
        try (PackageWriter w = new PackageWriter(out, 64)) {
            for (Spec s : tensors) {
                DType stored = s.storedDtype() == null ? s.dtype() : s.storedDtype();
                int size = byteSize(stored);
                Tensor.Builder t = Tensor.newBuilder().setName(s.name()).setDtype(s.dtype());
                for (long d : s.shape()) {
                    t.addShape(d);
                }
                if (s.storedDtype() != null) {
                    t.setStoredDtype(stored).setDequantization(
                            Dequantization.newBuilder().setWidening(FloatWidening.getDefaultInstance()));
                }
                if (!s.codec().name().equals("raw")) {
                    t.addEncoding(Stage.newBuilder().setCodec(s.codec().name()));
                }
                byte[] p = s.payload();
                long chunkBytes = Math.max(1, Math.min((long) s.chunkElements() * size, Integer.MAX_VALUE));
                for (int off = 0; off < p.length; ) {
                    int len = (int) Math.min(chunkBytes, p.length - off);
                    byte[] enc = s.codec().encode(p, off, len);
                    Chunk c = w.appendChunk(ByteBuffer.wrap(enc), len);
                    t.addChunks(c);
                    off += len;
                }
                manifest.addTensors(t);
            }
            w.finish(manifest.build());
        }
        return out;
    }

    static int byteSize(DType d) {
        switch (d) {
            case F64:
            case I64:
            case U64:
                return 8;
            case F32:
            case I32:
            case U32:
                return 4;
            case F16:
            case BF16:
            case I16:
            case U16:
                return 2;
            default:
                return 1;
        }
    }
}
