package io.wpack.packer.model;

import io.wpack.formats.WpkFormatException;
import io.wpack.packer.numpy.NpyImporter;
import io.wpack.packer.numpy.NpzImporter;
import io.wpack.packer.onnx.OnnxImporter;
import io.wpack.packer.safetensors.SafetensorsImporter;
import io.wpack.packer.tfjs.TfjsImporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelImportersTest {
    @TempDir
    Path tmp;

    private Path touch(String name) throws IOException {
        return Files.write(tmp.resolve(name), new byte[1]);
    }

    @Test
    void detectsByExtension() throws IOException {
        assertInstanceOf(OnnxImporter.class, ModelImporters.detect(touch("a.onnx")));
        assertInstanceOf(OnnxImporter.class, ModelImporters.detect(touch("B.ONNX")));
        assertInstanceOf(SafetensorsImporter.class, ModelImporters.detect(touch("m.safetensors")));
        assertInstanceOf(NpyImporter.class, ModelImporters.detect(touch("x.npy")));
        assertInstanceOf(NpzImporter.class, ModelImporters.detect(touch("x.npz")));
        assertInstanceOf(TfjsImporter.class, ModelImporters.detect(touch("model.json")));
        Path dir = Files.createDirectories(tmp.resolve("web"));
        Files.write(dir.resolve("model.json"), new byte[1]);
        assertInstanceOf(TfjsImporter.class, ModelImporters.detect(dir));
        assertTrue(new OnnxImporter().accepts(tmp.resolve("a.onnx")));
        assertTrue(new SafetensorsImporter().accepts(tmp.resolve("m.safetensors")));
        assertTrue(new NpyImporter().accepts(tmp.resolve("x.npy")));
        assertTrue(new NpzImporter().accepts(tmp.resolve("x.npz")));
        assertTrue(new TfjsImporter().accepts(tmp.resolve("model.json")));
        assertTrue(new TfjsImporter().accepts(dir));
        assertFalse(new OnnxImporter().accepts(tmp.resolve("x.npy")));
        assertEquals(5, ModelImporters.all().size());
    }

    @Test
    void rejectsEverythingElse() throws IOException {
        String msg = assertThrows(WpkFormatException.class, () -> ModelImporters.detect(touch("model.pt")))
                .getMessage();
        assertEquals("unrecognised model format: " + tmp.resolve("model.pt")
                + ", expected .onnx, .safetensors, .npy, .npz or a TF.js model.json", msg);
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThrows(WpkFormatException.class, () -> ModelImporters.detect(empty));
        assertThrows(NoSuchFileException.class, () -> ModelImporters.detect(tmp.resolve("nope.onnx")));
    }
}
