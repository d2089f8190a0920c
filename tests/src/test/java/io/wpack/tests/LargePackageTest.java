package io.wpack.tests;

import io.wpack.formats.TensorEntry;
import io.wpack.formats.proto.DType;
import io.wpack.loader.ByteSink;
import io.wpack.loader.ByteSinks;
import io.wpack.loader.Representation;
import io.wpack.loader.WpkPackage;
import io.wpack.loader.WpkStreamLoader;
import io.wpack.packer.PackOptions;
import io.wpack.packer.demo.SyntheticTensors;
import io.wpack.packer.model.ImportedTensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A package over 4 GiB holding a tensor over 2 GiB, written and read with far less heap
 * than either: offsets are 64-bit end to end. The data is synthetic and generated on the fly.
 */
class LargePackageTest {
    private static final long BIG_ELEMENTS = (4L << 30) / 4 + 12345; // just over 4 GiB of f32
    private static Path dir;
    private static Path pkg;

    @BeforeAll
    static void pack() throws Exception {
        dir = Files.createTempDirectory("wpack-large");
        pkg = dir.resolve("large.wpk");
        List<ImportedTensor> tensors = List.of(
                SyntheticTensors.weights("head", DType.F32, new long[] {1024}, 1),
                SyntheticTensors.zeros("huge", DType.F32, new long[] {BIG_ELEMENTS}),
                SyntheticTensors.weights("tail", DType.F32, new long[] {3, 1000}, 2));
        // Raw chunks so that the file itself exceeds 4 GiB.
        Packages.pack(Packages.model(tensors), pkg,
                PackOptions.defaults().withCodecs(List.of("raw")).withChunkBytes(256 << 20));
    }

    @AfterAll
    static void cleanUp() throws Exception {
        TestFiles.deleteTree(dir);
    }

    @Test
    void randomAccessReadsTheTensorAfterTheFourGigabyteMark() throws Exception {
        assertTrue(Files.size(pkg) > (4L << 30), "package should exceed 4 GiB");
        try (WpkPackage p = WpkPackage.open(pkg)) {
            TensorEntry huge = p.tensor("huge");
            assertEquals(BIG_ELEMENTS * 4, huge.logicalBytes());
            assertTrue(huge.logicalBytes() > Integer.MAX_VALUE);
            TensorEntry tail = p.tensor("tail");
            assertTrue(p.file().chunkPosition(tail, 0) > (4L << 30));
            byte[] expected = Packages.sourceBytes(SyntheticTensors.weights("tail", DType.F32, new long[] {3, 1000}, 2));
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected, p.readBytes("tail"));
        }
    }

    @Test
    void streamingLoadOfTheWholePackageIntoALongIndexedSink() throws Exception {
        long[] checked = {0};
        try (var in = new BufferedInputStream(Files.newInputStream(pkg), 1 << 20)) {
            new WpkStreamLoader(Representation.LOGICAL).load(in, new WpkStreamLoader.Consumer() {
                @Override
                public ByteSink sinkFor(TensorEntry t) {
                    if (t.name().equals("huge")) {
                        // A sink that keeps nothing but checks every byte is zero: the test must not need 4 GiB of heap.
                        return new ByteSink() {
                            @Override
                            public long size() {
                                return t.logicalBytes();
                            }

                            @Override
                            public ByteBuffer window(long offset, int length) {
                                return null;
                            }

                            @Override
                            public void write(long offset, ByteBuffer src) {
                                while (src.hasRemaining()) {
                                    if (src.get() != 0) {
                                        throw new AssertionError("non-zero byte near " + offset);
                                    }
                                }
                            }
                        };
                    }
                    return ByteSinks.of(new byte[(int) t.logicalBytes()]);
                }

                @Override
                public void onTensor(TensorEntry t, ByteSink sink) {
                    checked[0] += sink.size();
                }
            });
        }
        assertEquals(1024 * 4 + BIG_ELEMENTS * 4 + 3000 * 4, checked[0]);
    }

    @Test
    void multiBufferSinkSpansBuffers() throws Exception {
        // The same code path with small segments: a write that straddles two buffers lands in both.
        ByteSinks.MultiBufferSink sink = ByteSinks.allocateLarge(3L << 10, 1 << 10);
        assertEquals(3L << 10, sink.size());
        assertEquals(3, sink.buffers().length);
        ByteBuffer src = ByteBuffer.allocate(16);
        for (int i = 0; i < 16; i++) {
            src.put((byte) (i + 1));
        }
        src.flip();
        long straddle = (1L << 10) - 8;
        sink.write(straddle, src);
        for (int i = 0; i < 16; i++) {
            assertEquals((byte) (i + 1), sink.get(straddle + i));
        }
    }
}
