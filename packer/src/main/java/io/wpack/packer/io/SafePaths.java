package io.wpack.packer.io;

import io.wpack.formats.WpkFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Resolves file names that come from inside a model (ONNX external data locations, TF.js
 * shard paths). Such a name is untrusted: a model downloaded from the internet must not be
 * able to make the packer read {@code /etc/passwd} or {@code ~/.ssh/id_rsa} into a package.
 * So a name must be relative, must not climb with {@code ..}, and must not pass through a
 * symbolic link below the model's folder (a link could point anywhere).
 */
public final class SafePaths {
    private SafePaths() {
    }

    /** {@link #resolveInside(Path, String, String)} with a generic description. */
    public static Path resolveInside(Path baseDir, String relative) throws IOException {
        return resolveInside(baseDir, relative, "path");
    }

    /**
     * Resolves {@code relative} against {@code baseDir} and checks that the result stays
     * inside it. The base folder itself may be (or sit under) a symbolic link; everything
     * below it may not. Components that do not exist yet are allowed (the caller reports a
     * missing file in its own words).
     *
     * @param what names the reference in error messages, e.g. "tensor conv1.weight: external data"
     */
    public static Path resolveInside(Path baseDir, String relative, String what) throws IOException {
        if (relative == null || relative.isEmpty()) {
            throw new WpkFormatException(what + ": empty file name");
        }
        if (relative.indexOf('\0') >= 0) {
            throw new WpkFormatException(what + ": file name contains a NUL character");
        }
        if (relative.startsWith("/") || relative.startsWith("\\") || isWindowsDrive(relative)) {
            throw new WpkFormatException(what + ": absolute path \"" + relative + "\" is not allowed; it must be "
                    + "relative to the model's folder");
        }
        // Split on both separators so that a model written on Windows cannot hide ".." behind '\'.
        for (String part : relative.split("[/\\\\]")) {
            if (part.equals("..")) {
                throw new WpkFormatException(what + ": path \"" + relative + "\" contains '..'; it must stay "
                        + "inside the model's folder");
            }
        }
        Path base = baseDir.toAbsolutePath().normalize();
        Path rel;
        try {
            rel = base.getFileSystem().getPath(relative);
        } catch (InvalidPathException e) {
            throw new WpkFormatException(what + ": invalid file name \"" + relative + "\"", e);
        }
        if (rel.isAbsolute()) {
            throw new WpkFormatException(what + ": absolute path \"" + relative + "\" is not allowed");
        }
        Path resolved = base.resolve(rel).normalize();
        if (!resolved.startsWith(base) || resolved.equals(base)) {
            throw new WpkFormatException(what + ": path \"" + relative + "\" resolves outside the model's folder");
        }
        // Walk down from the base, refusing a link at any level below it.
        Path current = base;
        for (Path part : base.relativize(resolved)) {
            current = current.resolve(part);
            if (Files.isSymbolicLink(current)) {
                throw new WpkFormatException(what + ": path \"" + relative + "\" goes through the symbolic link "
                        + base.relativize(current) + "; links are not followed");
            }
            if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
                break;
            }
        }
        if (Files.exists(resolved, LinkOption.NOFOLLOW_LINKS)) {
            // Belt and braces against anything the walk could miss (e.g. a link swapped in
            // for the base's own components): the real path must still be inside.
            Path realBase = base.toRealPath();
            Path real = resolved.toRealPath();
            if (!real.startsWith(realBase)) {
                throw new WpkFormatException(what + ": path \"" + relative + "\" resolves outside the model's folder");
            }
        }
        return resolved;
    }

    /** Like {@link #resolveInside(Path, String, String)}, and the result must be an existing regular file. */
    public static Path resolveFileInside(Path baseDir, String relative, String what) throws IOException {
        Path p = resolveInside(baseDir, relative, what);
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new WpkFormatException(what + ": file \"" + relative + "\" not found next to the model"
                    + (Files.exists(p, LinkOption.NOFOLLOW_LINKS) ? " (it is not a regular file)" : ""));
        }
        return p;
    }

    private static boolean isWindowsDrive(String s) {
        return s.length() >= 2 && s.charAt(1) == ':' && Character.isLetter(s.charAt(0));
    }
}
