package io.wpack.tests;

import io.wpack.formats.PackageWriter;
import io.wpack.formats.TensorEntry;
import io.wpack.formats.proto.DType;
import io.wpack.formats.proto.KeyValue;
import io.wpack.formats.proto.Manifest;
import io.wpack.formats.proto.Tensor;
import io.wpack.loader.ByteSink;
import io.wpack.loader.Representation;
import io.wpack.loader.WpkStreamLoader;
import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A streaming load of a ~3 GiB package under a 1 GiB heap: two tensors over 1 GiB each, in
 * 64 MiB raw chunks, go through {@link WpkStreamLoader} in a child JVM started with
 * {@code -Xmx1g}, into sinks that keep nothing but a CRC32 of every byte, which must match the
 * generator's. The child proves the bound (a tensor larger than the heap cannot be
 * materialized); this JVM writes the file and computes the expected CRCs while the child reads.
 * The file is written with the format's {@link PackageWriter}, not the packer: the loader is
 * under test here, and the packer's pipeline would take most of a minute over 3 GiB.
 */
class BoundedStreamingTest {
    private static final long MIB = 1 << 20;
    private static final String HEAP = "-Xmx1g";

    /** Name, dtype, shape and seed of each tensor; the bytes come from {@link PatternData}. */
    private record Spec(String name, DType dtype, long[] shape, long seed) {
        long bytes() {
            long n = dtype == DType.F32 ? 4 : dtype == DType.I8 ? 1 : 2;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        PatternData data() {
            return new PatternData(bytes(), seed);
        }
    }

    private static final List<Spec> SPECS = List.of(
            new Spec("embed.weight", DType.F32, new long[] {327_680, 1024}, 1), // 1.25 GiB
            new Spec("norm.weight", DType.F32, new long[] {4096}, 2),
            new Spec("mlp.weight", DType.F16, new long[] {5120, 65_536}, 3), // 640 MiB
            new Spec("gate.bias", DType.I8, new long[] {1001}, 4),
            new Spec("lm_head.weight", DType.BF16, new long[] {557_056, 1024}, 5)); // 1.06 GiB

    @Test
    void streamsAThreeGigabytePackageUnderAOneGigabyteHeap() throws Exception {
        long total = 0;
        for (Spec s : SPECS) {
            total += s.bytes();
        }
        assertTrue(total > (2900 * MIB) && total < (3200 * MIB), "about 3 GiB of tensors: " + total);

        Path dir = Files.createTempDirectory("wpack-bounded");
        try {
            Path pkg = dir.resolve("big.wpk");
            write(pkg, (int) (64 * MIB));
            assertTrue(Files.size(pkg) > total, "package of " + Files.size(pkg) + " bytes");

            Path out = dir.resolve("child.out");
            Path err = dir.resolve("child.err");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = new ProcessBuilder(java, HEAP, "-cp", System.getProperty("java.class.path"),
                    ChildLoader.class.getName(), pkg.toString())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            Map<String, String> expected = new LinkedHashMap<>();
            try {
                for (Spec s : SPECS) {
                    expected.put(s.name(), crcOf(s.data()) + " " + s.bytes());
                }
                if (!child.waitFor(5, TimeUnit.MINUTES)) {
                    fail("the streaming child did not finish in 5 minutes");
                }
            } finally {
                child.destroyForcibly();
            }
            String log = Files.readString(out, StandardCharsets.UTF_8);
            String errors = Files.readString(err, StandardCharsets.UTF_8);
            assertEquals(0, child.exitValue(), "child under " + HEAP + " failed:\n" + log + errors);

            Map<String, String> got = new LinkedHashMap<>();
            long maxHeap = -1;
            for (String line : log.split("\n")) {
                String[] f = line.trim().split(" ");
                if (f.length == 2 && f[0].equals("max-heap")) {
                    maxHeap = Long.parseLong(f[1]);
                } else if (f.length == 3) {
                    got.put(f[0], f[1] + " " + f[2]);
                }
            }
            assertTrue(maxHeap > 0 && maxHeap <= 1024 * MIB, "child heap limit " + maxHeap);
            assertTrue(SPECS.get(0).bytes() > maxHeap, "the largest tensor must not fit in the child's heap");
            assertEquals(expected, got, "CRC32 and length of every tensor, in stream order");
        } finally {
            TestFiles.deleteTree(dir);
        }
    }

    /** Every tensor in chunks of {@code chunkBytes}, stored raw so the file is as large as the tensors. */
    private static void write(Path pkg, int chunkBytes) throws IOException {
        Manifest.Builder manifest = Manifest.newBuilder().setAlignment(64)
                .addMetadata(KeyValue.newBuilder().setKey("source_format").setValue("test"));
        byte[] chunk = new byte[chunkBytes];
        try (PackageWriter w = new PackageWriter(pkg, 64)) {
            for (Spec s : SPECS) {
                Tensor.Builder t = Tensor.newBuilder().setName(s.name()).setDtype(s.dtype());
                for (long d : s.shape()) {
                    t.addShape(d);
                }
                try (InputStream in = s.data().open()) {
                    int n;
                    while ((n = in.readNBytes(chunk, 0, chunk.length)) > 0) {
                        t.addChunks(w.appendChunk(ByteBuffer.wrap(chunk, 0, n), n));
                    }
                }
                manifest.addTensors(t);
            }
            w.finish(manifest.build());
        }
    }

    private static String crcOf(PatternData data) throws IOException {
        CRC32 crc = new CRC32();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = data.open()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                crc.update(buf, 0, n);
            }
        }
        return Long.toHexString(crc.getValue());
    }

    /**
     * Runs in the child JVM: streams the package through sinks that CRC every byte and keep
     * none, printing {@code name crc bytes} per tensor and the heap limit.
     */
    public static final class ChildLoader {
        public static void main(String[] args) throws IOException {
            PrintStream out = System.out;
            out.println("max-heap " + Runtime.getRuntime().maxMemory());
            try (InputStream in = new BufferedInputStream(Files.newInputStream(Path.of(args[0])), 1 << 20)) {
                new WpkStreamLoader(Representation.LOGICAL).load(in, new WpkStreamLoader.Consumer() {
                    @Override
                    public ByteSink sinkFor(TensorEntry t) {
                        return new CrcSink(t.logicalBytes());
                    }

                    @Override
                    public void onTensor(TensorEntry t, ByteSink sink) {
                        CrcSink s = (CrcSink) sink;
                        if (s.next != s.size) {
                            throw new IllegalStateException(t.name() + ": " + s.next + " of " + s.size + " bytes");
                        }
                        out.println(t.name() + " " + Long.toHexString(s.crc.getValue()) + " " + s.next);
                    }
                });
            }
            out.flush();
        }
    }

    /** Keeps a running CRC32 of bytes that must arrive in order. */
    static final class CrcSink implements ByteSink {
        final CRC32 crc = new CRC32();
        final long size;
        long next;

        CrcSink(long size) {
            this.size = size;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public ByteBuffer window(long offset, int length) {
            return null;
        }

        @Override
        public void write(long offset, ByteBuffer src) {
            if (offset != next) {
                throw new IllegalStateException("write at " + offset + ", expected " + next);
            }
            next += src.remaining();
            crc.update(src);
        }
    }

    /**
     * Pseudo-random bytes generated on the fly (a 64-bit mix of each 8-byte word's index and the
     * seed), so that gigabytes cost no memory and regenerate identically for the expected CRC.
     */
    static final class PatternData {
        private final long size;
        private final long seed;

        PatternData(long size, long seed) {
            this.size = size;
            this.seed = seed;
        }

        InputStream open() {
            return new InputStream() {
                private final ByteBuffer block = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
                private long word;
                private long left = size;

                {
                    block.limit(0);
                }

                private boolean refill() {
                    if (left == 0) {
                        return false;
                    }
                    block.clear();
                    while (block.hasRemaining()) {
                        block.putLong(mix(seed * 0x9E3779B97F4A7C15L + word++));
                    }
                    block.flip();
                    block.limit((int) Math.min(block.limit(), left));
                    left -= block.limit();
                    return true;
                }

                @Override
                public int read() {
                    if (!block.hasRemaining() && !refill()) {
                        return -1;
                    }
                    return block.get() & 0xFF;
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    if (len == 0) {
                        return 0;
                    }
                    if (!block.hasRemaining() && !refill()) {
                        return -1;
                    }
                    int n = Math.min(len, block.remaining());
                    block.get(b, off, n);
                    return n;
                }
            };
        }

        /** MurmurHash3's 64-bit finalizer. */
        private static long mix(long z) {
            z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
            z = (z ^ (z >>> 33)) * 0xC4CEB93FE51AFD7BL;
            return z ^ (z >>> 33);
        }
    }
}
