package io.wpack.packer.io;

import io.wpack.formats.WpkFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafePathsTest {
    @TempDir
    Path tmp;

    private Path model() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("model"));
        Files.write(dir.resolve("w.bin"), new byte[4]);
        Files.createDirectories(dir.resolve("sub"));
        Files.write(dir.resolve("sub/x.bin"), new byte[4]);
        Files.write(tmp.resolve("secret.bin"), new byte[4]);
        return dir;
    }

    private static String reject(Path base, String rel) {
        return assertThrows(WpkFormatException.class, () -> SafePaths.resolveInside(base, rel, "tensor t")).getMessage();
    }

    @Test
    void resolvesRelativeNames() throws IOException {
        Path dir = model();
        assertEquals(dir.resolve("w.bin").toAbsolutePath(), SafePaths.resolveInside(dir, "w.bin"));
        assertEquals(dir.resolve("sub/x.bin").toAbsolutePath(), SafePaths.resolveInside(dir, "sub/x.bin"));
        assertEquals(dir.resolve("sub/x.bin").toAbsolutePath(), SafePaths.resolveInside(dir, "./sub//x.bin"));
        assertEquals(dir.resolve("w.bin").toAbsolutePath(), SafePaths.resolveFileInside(dir, "w.bin", "t"));
    }

    @Test
    void rejectsEscapes() throws IOException {
        Path dir = model();
        assertTrue(reject(dir, "../secret.bin").contains("'..'"));
        assertTrue(reject(dir, "sub/../../secret.bin").contains("'..'"));
        assertTrue(reject(dir, "sub/../w.bin").contains("'..'"));
        assertTrue(reject(dir, "..\\secret.bin").contains("'..'"));
        assertTrue(reject(dir, tmp.resolve("secret.bin").toAbsolutePath().toString()).contains("absolute"));
        assertTrue(reject(dir, "/etc/passwd").contains("absolute"));
        assertTrue(reject(dir, "\\\\server\\share").contains("absolute"));
        assertTrue(reject(dir, "C:\\x.bin").contains("absolute"));
        assertTrue(reject(dir, "").contains("empty"));
        assertTrue(reject(dir, ".").contains("outside"));
        assertTrue(reject(dir, "a\0b").contains("NUL"));
    }

    @Test
    void rejectsSymlinks() throws IOException {
        Path dir = model();
        Files.createSymbolicLink(dir.resolve("link.bin"), tmp.resolve("secret.bin"));
        Files.createSymbolicLink(dir.resolve("inner.bin"), dir.resolve("w.bin"));
        Files.createSymbolicLink(dir.resolve("linkdir"), tmp);
        Files.createSymbolicLink(dir.resolve("subdir"), dir.resolve("sub"));
        assertTrue(reject(dir, "link.bin").contains("symbolic link"));
        // Even a link that stays inside is refused: its target could change later.
        assertTrue(reject(dir, "inner.bin").contains("symbolic link"));
        assertTrue(reject(dir, "linkdir/secret.bin").contains("symbolic link"));
        assertTrue(reject(dir, "subdir/x.bin").contains("symbolic link"));
    }

    @Test
    void baseFolderMayBeALink() throws IOException {
        Path dir = model();
        Path alias = Files.createSymbolicLink(tmp.resolve("alias"), dir);
        assertEquals(alias.resolve("w.bin").toAbsolutePath(), SafePaths.resolveFileInside(alias, "w.bin", "t"));
    }

    @Test
    void missingFileIsAFormatError() throws IOException {
        Path dir = model();
        String msg = assertThrows(WpkFormatException.class,
                () -> SafePaths.resolveFileInside(dir, "nope.bin", "tensor t")).getMessage();
        assertTrue(msg.contains("tensor t") && msg.contains("not found"), msg);
        assertThrows(WpkFormatException.class, () -> SafePaths.resolveFileInside(dir, "sub", "tensor t"));
    }
}
