package io.wpack.cli.export;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** A temporary file beside the target that replaces it only once complete. */
final class AtomicOutput implements AutoCloseable {
    private final Path target;
    private final Path tmp;
    private boolean committed;

    AtomicOutput(Path target) throws IOException {
        this.target = target.toAbsolutePath();
        this.tmp = Files.createTempFile(this.target.getParent(), "." + this.target.getFileName() + ".", ".tmp");
    }

    Path tmp() {
        return tmp;
    }

    void commit() throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        committed = true;
    }

    @Override
    public void close() throws IOException {
        if (!committed) {
            Files.deleteIfExists(tmp);
        }
    }
}
