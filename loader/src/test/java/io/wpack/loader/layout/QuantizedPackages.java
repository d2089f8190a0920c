package io.wpack.loader.layout;

import io.wpack.encoders.ByteCodec;
import io.wpack.formats.PackageWriter;
import io.wpack.formats.proto.Chunk;
import io.wpack.formats.proto.DType;
import io.wpack.formats.proto.Dequantization;
import io.wpack.formats.proto.Granularity;
import io.wpack.formats.proto.IntegerDequantization;
import io.wpack.formats.proto.KeyValue;
import io.wpack.formats.proto.Manifest;
import io.wpack.formats.proto.Stage;
import io.wpack.formats.proto.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a one-tensor package of int8/uint8 codes with per-channel (axis 0) integer
 * dequantization to f32, as the packer stores a quantized weight, in one chunk through a given
 * codec with its stage parameters: the sparse storage codecs' shape is a parameter, which
 * {@link TestPackages} does not write.
 */
final class QuantizedPackages {
    private QuantizedPackages() {
    }

    /** {@code zeroPoints} empty means all zero; {@code scales} has one entry per index of axis 0. */
    static Path write(Path dir, long[] shape, DType stored, byte[] codes, float[] scales, int[] zeroPoints,
                      ByteCodec codec) throws IOException {
        Path out = Files.createTempFile(dir, "q", ".wpk");
        IntegerDequantization.Builder q = IntegerDequantization.newBuilder().setBits(8)
                .setGranularity(Granularity.PER_CHANNEL).setChannelAxis(0);
        for (float s : scales) {
            q.addScales(s);
        }
        for (int z : zeroPoints) {
            q.addZeroPoints(z);
        }
        Tensor.Builder t = Tensor.newBuilder().setName("w").setDtype(DType.F32).setStoredDtype(stored)
                .setDequantization(Dequantization.newBuilder().setInteger(q));
        for (long d : shape) {
            t.addShape(d);
        }
        if (!codec.name().equals("raw")) {
            Stage.Builder stage = Stage.newBuilder().setCodec(codec.name());
            for (Map.Entry<String, String> p : codec.params().entrySet()) {
                stage.addParams(KeyValue.newBuilder().setKey(p.getKey()).setValue(p.getValue()));
            }
            t.addEncoding(stage);
        }
        Manifest.Builder manifest = Manifest.newBuilder().setAlignment(64)
                .addMetadata(KeyValue.newBuilder().setKey("source_format").setValue("test"));
        try (PackageWriter w = new PackageWriter(out, 64)) {
            if (codes.length > 0) {
                byte[] enc = codec.encode(codes, 0, codes.length);
                Chunk c = w.appendChunk(ByteBuffer.wrap(enc), codes.length);
                t.addChunks(c);
            }
            manifest.addTensors(t);
            w.finish(manifest.build());
        }
        return out;
    }
}
