package io.wpack.benchmarks;

import io.wpack.formats.TensorEntry;
import io.wpack.loader.ByteSinks;
import io.wpack.loader.Representation;
import io.wpack.loader.WpkPackage;
import io.wpack.packer.Packer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The child JVM of {@link HeapMeasurer}: does one operation and exits 0 if it completed.
 * Runs on the main thread only, so its heap use does not depend on the core count.
 *
 * <pre>
 * HeapProbe noop
 * HeapProbe pack PRESET OUT.wpk (--file MODEL | --synthetic NAME)
 * HeapProbe load PKG.wpk
 * </pre>
 *
 * {@code load} keeps every decoded tensor in its own {@code byte[]} until the end, as a runtime
 * holding the weights does, so its heap includes the decoded model.
 */
public final class HeapProbe {
    /** Exit code when the heap was too small. */
    static final int OUT_OF_MEMORY = 42;

    private HeapProbe() {
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (OutOfMemoryError e) {
            // Halt, not exit: no shutdown hooks that might need the heap we do not have.
            Runtime.getRuntime().halt(OUT_OF_MEMORY);
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void run(String[] args) throws Exception {
        switch (args[0]) {
            case "noop":
                return;
            case "pack": {
                Preset preset = Preset.byId(args[1]);
                Path out = Path.of(args[2]);
                ModelSource model = ModelSource.fromProbeArgs(args[3], args[4]);
                new Packer(preset.packOptions()).pack(model.importModel(), out, null);
                return;
            }
            case "load": {
                long sum = 0;
                try (WpkPackage pkg = WpkPackage.open(Path.of(args[1]))) {
                    List<byte[]> kept = new ArrayList<>();
                    for (TensorEntry t : pkg.tensors()) {
                        byte[] b = new byte[(int) WpkPackage.outputBytes(t, Representation.STORED)];
                        pkg.read(t, ByteSinks.of(b), Representation.STORED);
                        kept.add(b);
                    }
                    for (byte[] b : kept) {
                        sum += b.length == 0 ? 0 : b[b.length - 1];
                    }
                }
                if (sum == Long.MIN_VALUE) {
                    System.out.println(sum); // keeps the loads observable
                }
                return;
            }
            default:
                throw new IllegalArgumentException("unknown probe operation " + args[0]);
        }
    }
}
