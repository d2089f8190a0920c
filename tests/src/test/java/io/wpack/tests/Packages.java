package io.wpack.tests;

import io.wpack.formats.TensorEntry;
import io.wpack.loader.ByteSink;
import io.wpack.loader.ByteSinks;
import io.wpack.loader.Representation;
import io.wpack.loader.WpkPackage;
import io.wpack.loader.WpkStreamLoader;
import io.wpack.packer.PackOptions;
import io.wpack.packer.Packer;
import io.wpack.packer.model.ImportedModel;
import io.wpack.packer.model.ImportedTensor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Helpers shared by the cross-module tests: pack a model, load it back both ways. */
final class Packages {
    private Packages() {
    }

    static void pack(ImportedModel model, Path out, PackOptions options) throws IOException {
        new Packer(options).pack(model, out, null);
    }

    static ImportedModel model(List<ImportedTensor> tensors) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("source_format", "test");
        return new ImportedModel(meta, tensors);
    }

    static byte[] sourceBytes(ImportedTensor t) throws IOException {
        try (InputStream in = t.data().open()) {
            return in.readAllBytes();
        }
    }

    /** Every tensor through one streaming pass, keyed by name, in the given representation. */
    static Map<String, byte[]> streamAll(InputStream in, Representation rep) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        new WpkStreamLoader(rep).load(in, new WpkStreamLoader.Consumer() {
            @Override
            public ByteSink sinkFor(TensorEntry t) {
                byte[] b = new byte[(int) WpkPackage.outputBytes(t, rep)];
                out.put(t.name(), b);
                return ByteSinks.of(b);
            }
        });
        return out;
    }

    /** Every tensor through random access. */
    static Map<String, byte[]> readAll(Path pkg, Representation rep) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (WpkPackage p = WpkPackage.open(pkg)) {
            for (TensorEntry t : p.tensors()) {
                out.put(t.name(), p.readBytes(t.name(), rep));
            }
        }
        return out;
    }

    /**
     * {@code good}'s data section under another manifest, assembled by hand (the writer would
     * refuse a bad one): every CRC is valid, so only the manifest's meaning is wrong.
     */
    static Path withManifest(Path good, io.wpack.formats.proto.Manifest manifest, Path out) throws IOException {
        byte[] file = java.nio.file.Files.readAllBytes(good);
        io.wpack.formats.PackageHeader h;
        try (io.wpack.formats.PackageFile f = io.wpack.formats.PackageFile.open(good)) {
            h = f.header();
        }
        byte[] data = java.util.Arrays.copyOfRange(file, (int) h.dataOffset(), (int) (h.dataOffset() + h.dataLength()));
        byte[] m = manifest.toByteArray();
        long dataOffset = io.wpack.formats.PackageWriter.align(io.wpack.formats.PackageHeader.SIZE + m.length,
                h.alignment());
        io.wpack.formats.PackageHeader header = new io.wpack.formats.PackageHeader(h.version(), h.alignment(),
                io.wpack.formats.Crc32c.of(m, 0, m.length), io.wpack.formats.PackageHeader.SIZE, m.length, dataOffset,
                data.length, io.wpack.formats.PackageHeader.MANIFEST_RAW, m.length);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) header.fileSize());
        buf.put(header.encode()).put(m).position((int) dataOffset);
        buf.put(data).put(io.wpack.formats.PackageFooter.encode(header.fileSize()));
        java.nio.file.Files.write(out, buf.array());
        return out;
    }
}
