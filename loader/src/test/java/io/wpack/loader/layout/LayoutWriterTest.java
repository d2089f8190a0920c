package io.wpack.loader.layout;

import io.wpack.encoders.Codecs;
import io.wpack.formats.proto.DType;
import io.wpack.loader.ByteSink;
import io.wpack.loader.ByteSinks;
import io.wpack.loader.Representation;
import io.wpack.loader.WpkPackage;
import io.wpack.loader.WpkStreamLoader;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The writers' contract at its edges: ordering, partial elements, zero runs, sinks without windows, bias order. */
class LayoutWriterTest {
    private Path dir;

    @BeforeEach
    void makeDir() throws IOException {
        dir = Files.createTempDirectory("wpack-writer");
    }

    @AfterEach
    void removeDir() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static final long[] SHAPE = {5, 3, 2, 3};

    private static float[] values(int n, int zeroEvery) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i % zeroEvery == 0 ? 0f : (i * 37 % 23) - 11.5f;
        }
        return v;
    }

    private static LayoutWriter writer(String spec, long[] shape, DType dtype) {
        return LayoutWriter.create(LayoutPlan.of(Layout.parse(spec), shape, dtype, LayoutOptions.DEFAULTS), null);
    }

    private static void feedWhole(LayoutWriter w, byte[] bytes) {
        w.write(0, ByteBuffer.wrap(bytes));
    }

    @Test
    void sequentialLayoutsRefuseBytesOutOfOrder() {
        byte[] b = LayoutCases.encode(DType.F32, values(90, 3));
        for (String spec : new String[] {"csr", "bsr:2x2", "nm:2:3", "q8_0", "q4_0"}) {
            LayoutWriter w = writer(spec, SHAPE, DType.F32);
            assertEquals(false, w.acceptsAnyOrder());
            w.write(0, ByteBuffer.wrap(b, 0, 40));
            LayoutException e = assertThrows(LayoutException.class, () -> w.write(80, ByteBuffer.wrap(b, 80, 40)));
            assertTrue(e.getMessage().contains("in order"), e.getMessage());
        }
    }

    @Test
    void finishRequiresEveryByte() {
        byte[] b = LayoutCases.encode(DType.F32, values(90, 3));
        for (String spec : new String[] {"dense:OHWI", "blocked:OIhw4i4o", "panels:nr4:kr2", "csr", "nm:2:3", "q8_0"}) {
            LayoutWriter w = writer(spec, SHAPE, DType.F32);
            w.write(0, ByteBuffer.wrap(b, 0, 356));
            assertThrows(IllegalStateException.class, w::finish, spec);
        }
    }

    /** Only a layout that keeps the bytes as they are lends the decoder its target; the bytes count as received. */
    @Test
    void windowsOnlyWhereBytesLandUnchanged() {
        byte[] b = LayoutCases.encode(DType.F32, values(90, 3));
        LayoutWriter same = writer("dense:OIHW", SHAPE, DType.F32);
        ByteBuffer w = same.window(0, 200);
        w.put(b, 0, 200);
        assertThrows(IllegalStateException.class, same::finish);
        assertNull(same.window(2, 8), "not whole elements");
        assertNull(same.window(200, 164), "past the end");
        same.write(200, ByteBuffer.wrap(b, 200, 160));
        assertArrayEquals(b, same.finish().part("data").bytes());

        assertNull(writer("dense:OHWI", SHAPE, DType.F32).window(0, 360));
        assertNull(writer("dense:f16", SHAPE, DType.F32).window(0, 360));
        assertNull(writer("blocked:OIhw4i4o", SHAPE, DType.F32).window(0, 360));
        assertTrue(writer("dense:OHWI", new long[] {6, 15, 1, 1}, DType.F32).window(0, 360) != null,
                "on a 1x1 kernel OHWI is the stored order");
    }

    /** An empty write is a no-op for every dense order, also on a tensor with a zero dimension. */
    @Test
    void emptyWritesToDenseLayoutsDoNothing() {
        for (String spec : new String[] {"dense", "dense:OHWI", "dense:HWIO:f16"}) {
            for (long[] shape : new long[][] {{3, 0, 2, 2}, {3, 2, 2, 0}, {0, 2, 2, 3}}) {
                LayoutWriter w = writer(spec, shape, DType.F32);
                w.write(0, ByteBuffer.allocate(0));
                assertEquals(0, w.finish().part("data").bytes().length, spec);
            }
            LayoutWriter v = writer(spec, SHAPE, DType.F32);
            v.write(40, ByteBuffer.allocate(0));
        }
    }

    /** Axes of size one drop out and axes that stay together merge, so runs are as long as the order allows. */
    @Test
    void stridedMapsMergeAxesThatStayTogether() {
        StridedMap ohwi = StridedMap.of(LayoutPlan.of(Layout.parse("dense:OHWI"), new long[] {8, 4, 3, 3}, DType.F32,
                LayoutOptions.DEFAULTS).positions());
        assertArrayEquals(new long[] {8, 4, 9}, ohwi.dims);
        assertArrayEquals(new long[] {36, 1, 4}, ohwi.strides);
        StridedMap oneByOne = StridedMap.of(LayoutPlan.of(Layout.parse("dense:HWOI"), new long[] {8, 4, 1, 1},
                DType.F32, LayoutOptions.DEFAULTS).positions());
        assertTrue(oneByOne.inOrder());
        assertNull(StridedMap.of(LayoutPlan.of(Layout.parse("blocked:OIhw4o"), new long[] {8, 4, 1, 1},
                DType.F32, LayoutOptions.DEFAULTS).positions()));
    }

    @Test
    void positionalWritersRefuseSplitElements() {
        LayoutWriter w = writer("dense:OHWI", SHAPE, DType.F32);
        assertThrows(IllegalArgumentException.class, () -> w.write(2, ByteBuffer.allocate(4)));
        assertThrows(IllegalArgumentException.class, () -> w.write(356, ByteBuffer.allocate(8)));
    }

    @Provide
    Arbitrary<String> anySpec() {
        return Arbitraries.of("dense", "dense:OIHW:bf16", "dense:OHWI", "dense:HWIO:f16", "transposed:bf16", "blocked:OIhw2i4o", "panels:nr3:kr2",
                "panels:OHWI:nr4:kr1:bias", "csr", "csr:f16", "bsr:2x4", "bsr:3x1:bf16", "nm:1:3", "q8_0", "q4_0");
    }

    /**
     * Bytes cut at arbitrary points (mid-element too, for the sequential writers) and zero runs
     * announced with writeZeros give exactly what one whole write gives.
     */
    @Property(tries = 150)
    void cutsAndZeroRunsDoNotChangeTheResult(@ForAll("anySpec") String spec,
                                             @ForAll("cuts") List<Integer> cuts,
                                             @ForAll("zeroRuns") boolean[] zeroRuns) {
        float[] v = values(90, 4);
        for (int i = 0; i < v.length; i++) {
            if (zeroRuns[i]) {
                v[i] = 0f;
            }
        }
        if (spec.startsWith("nm")) {
            v = LayoutCases.makeNMSparse(new LayoutCases.Case(Layout.parse(spec), null, DType.F32, SHAPE, v, 1,
                    Codecs.RAW, false, null)).values();
        }
        byte[] b = LayoutCases.encode(DType.F32, v);
        LayoutWriter whole = writer(spec, SHAPE, DType.F32);
        feedWhole(whole, b);
        LayoutResult expected = whole.finish();

        LayoutWriter pieces = writer(spec, SHAPE, DType.F32);
        int[] bounds = cuts.stream().mapToInt(Integer::intValue).map(c -> pieces.acceptsAnyOrder() ? c / 4 * 4 : c)
                .sorted().distinct().toArray();
        int start = 0;
        for (int i = 0; i <= bounds.length; i++) {
            int end = i == bounds.length ? b.length : bounds[i];
            if (end <= start) {
                continue;
            }
            if (allZero(b, start, end)) {
                pieces.writeZeros(start, end - start);
            } else {
                pieces.write(start, ByteBuffer.wrap(b, start, end - start).slice());
            }
            start = end;
        }
        assertSameParts(expected, pieces.finish());
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(1, 359).list().ofMaxSize(20);
    }

    @Provide
    Arbitrary<boolean[]> zeroRuns() {
        // Runs of zeros: a few start points, each zeroing a stretch.
        return Combinators.combine(Arbitraries.integers().between(0, 89).list().ofMaxSize(4),
                Arbitraries.integers().between(1, 40)).as((starts, len) -> {
            boolean[] z = new boolean[90];
            for (int s : starts) {
                for (int i = s; i < Math.min(90, s + len); i++) {
                    z[i] = true;
                }
            }
            return z;
        });
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static void assertSameParts(LayoutResult expected, LayoutResult actual) {
        assertEquals(expected.parts().size(), actual.parts().size());
        for (LayoutResult.Part p : expected.parts()) {
            LayoutResult.Part q = actual.part(p.name());
            assertArrayEquals(p.shape(), q.shape(), p.name());
            assertArrayEquals(p.bytes(), q.bytes(), p.name());
        }
    }

    /** A sink with no window (several small buffers) takes the element-by-element path and gets the same bytes. */
    @Test
    void sinksWithoutWindowsGetTheSameBytes() {
        byte[] b = LayoutCases.encode(DType.F32, values(90, 3));
        for (String spec : new String[] {"dense:HWIO", "dense", "dense:OIHW:f16", "blocked:OIhw4i4o:f16",
                "panels:nr4:kr3:bias", "transposed"}) {
            LayoutWriter plain = writer(spec, SHAPE, DType.F32);
            feedWhole(plain, b);
            byte[] expected = plain.finish().part("data").bytes();

            ByteBuffer[] parts = new ByteBuffer[4];
            PartSinks split = part -> {
                int each = (int) (part.bytes() + 3) / 4;
                int left = (int) part.bytes();
                for (int i = 0; i < 4; i++) {
                    parts[i] = ByteBuffer.allocate(Math.min(each, left));
                    Arrays.fill(parts[i].array(), (byte) 0x4B);
                    left -= parts[i].capacity();
                }
                return ByteSinks.ofBuffers(parts);
            };
            LayoutWriter w = LayoutWriter.create(LayoutPlan.of(Layout.parse(spec), SHAPE, DType.F32,
                    LayoutOptions.DEFAULTS), split);
            assertNull(ByteSinks.ofBuffers(parts).window(0, expected.length), "the test sink really has no window");
            feedWhole(w, b);
            LayoutResult r = w.finish();
            assertNull(r.part("data").bytes());
            byte[] got = new byte[expected.length];
            int at = 0;
            for (ByteBuffer p : parts) {
                System.arraycopy(p.array(), 0, got, at, p.capacity());
                at += p.capacity();
            }
            assertArrayEquals(expected, got, spec);
        }
    }

    @Test
    void nmNamesTheGroupItCannotCompress() {
        float[] v = new float[12];
        Arrays.fill(v, 1f);
        LayoutWriter w = writer("nm:2:4", new long[] {3, 4}, DType.F32);
        LayoutException e = assertThrows(LayoutException.class,
                () -> feedWhole(w, LayoutCases.encode(DType.F32, v)));
        assertTrue(e.getMessage().contains("row 0, columns 0..3 hold 4 non-zeros, more than 2"), e.getMessage());
    }

    @Test
    void biasNeedsABiasLayout() {
        LayoutWriter w = writer("panels:nr4:kr1", new long[] {3, 4}, DType.F32);
        assertThrows(LayoutException.class, () -> w.writeBias(ByteBuffer.allocate(12), DType.F32));
        LayoutWriter csr = writer("csr", new long[] {3, 4}, DType.F32);
        assertThrows(LayoutException.class, () -> csr.writeBias(ByteBuffer.allocate(12), DType.F32));
        LayoutWriter p = writer("panels:nr4:kr1:bias", new long[] {3, 4}, DType.F32);
        assertThrows(LayoutException.class, () -> p.writeBias(ByteBuffer.allocate(8), DType.F32));
    }

    /** The bias may come before or after its weight in a stream; both give the random-access result. */
    @Test
    void streamingPanelsTakeTheBiasInEitherOrder() throws IOException {
        float[] w = values(24, 5);
        float[] bias = {1.5f, -2f, 3.25f};
        byte[] wb = LayoutCases.encode(DType.F32, w);
        byte[] bb = LayoutCases.encode(DType.F32, bias);
        Layout layout = Layout.parse("panels:nr2:kr3:bias:f16");
        LayoutOptions o = LayoutOptions.DEFAULTS.withBiasTensor("b");
        byte[] expected = null;
        for (boolean biasFirst : new boolean[] {true, false}) {
            TestPackages.Spec ws = new TestPackages.Spec("w", DType.F32, new long[] {3, 8}, wb, 5, Codecs.DEFLATE, null);
            TestPackages.Spec bs = TestPackages.Spec.of("b", DType.F32, new long[] {3}, bb);
            Path file = TestPackages.write(dir, biasFirst ? List.of(bs, ws) : List.of(ws, bs));
            try (WpkPackage pkg = WpkPackage.open(file)) {
                byte[] random = LayoutLoader.load(pkg, "w", layout, o).part("data").bytes();
                expected = expected == null ? random : expected;
                assertArrayEquals(expected, random);
            }
            LayoutStreamConsumer c = new LayoutStreamConsumer(Representation.LOGICAL,
                    t -> t.name().equals("w") ? new LayoutStreamConsumer.Request(layout, o) : null);
            try (InputStream in = Files.newInputStream(file)) {
                new WpkStreamLoader().load(in, c);
            }
            Map<String, LayoutResult> results = c.results();
            assertEquals(List.of("w"), List.copyOf(results.keySet()));
            assertArrayEquals(expected, results.get("w").part("data").bytes(), "bias first: " + biasFirst);
        }
        // The bias sits in the first nr slots of each panel, converted to f16.
        ByteBuffer e = ByteBuffer.wrap(expected).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(io.wpack.formats.FloatBits.floatToHalf(1.5f), e.getShort(0));
        assertEquals(io.wpack.formats.FloatBits.floatToHalf(-2f), e.getShort(2));
    }

    @Test
    void streamRequestsAreCheckedBeforeAnyData() throws IOException {
        Path file = TestPackages.write(dir, List.of(TestPackages.Spec.of("w", DType.I8, new long[] {2, 3},
                new byte[6])));
        LayoutStreamConsumer c = new LayoutStreamConsumer(Representation.LOGICAL,
                t -> new LayoutStreamConsumer.Request(Layout.parse("q8_0"), null));
        try (InputStream in = Files.newInputStream(file)) {
            assertThrows(LayoutException.class, () -> new WpkStreamLoader().load(in, c));
        }
        LayoutStreamConsumer missingBias = new LayoutStreamConsumer(Representation.LOGICAL,
                t -> new LayoutStreamConsumer.Request(Layout.parse("panels:nr2:kr1:bias"),
                        LayoutOptions.DEFAULTS.withBiasTensor("nope")));
        try (InputStream in = Files.newInputStream(file)) {
            assertThrows(LayoutException.class, () -> new WpkStreamLoader().load(in, missingBias));
        }
    }

    /** The STORED representation feeds the stored payload (here f16 codes of a widened tensor) to the layout. */
    @Test
    void storedRepresentationFeedsTheStoredDtype() throws IOException {
        float[] v = values(90, 3);
        byte[] halves = LayoutCases.encode(DType.F16, v);
        Path file = TestPackages.write(dir, List.of(new TestPackages.Spec("w", DType.F32, SHAPE, halves, 7,
                Codecs.RAW, DType.F16)));
        try (WpkPackage pkg = WpkPackage.open(file)) {
            LayoutResult stored = LayoutLoader.load(pkg, "w", Layout.parse("dense:OHWI"),
                    LayoutOptions.DEFAULTS.withRepresentation(Representation.STORED));
            assertEquals(DType.F16, stored.part("data").dtype());
            LayoutResult logical = LayoutLoader.load(pkg, "w", Layout.parse("dense:OHWI:f16"));
            assertArrayEquals(logical.part("data").bytes(), stored.part("data").bytes());
            assertEquals(DType.F32, LayoutLoader.load(pkg, "w", Layout.parse("dense:OHWI")).part("data").dtype());
        }
    }

    /** A caller sink of the wrong size is refused before any data is read. */
    @Test
    void callerSinksMustHaveThePlannedSize() {
        LayoutPlan plan = LayoutPlan.of(Layout.parse("blocked:OIhw4i4o"), SHAPE, DType.F32, LayoutOptions.DEFAULTS);
        ByteSink wrong = ByteSinks.of(new byte[(int) plan.part("data").bytes() - 4]);
        assertThrows(IllegalArgumentException.class, () -> LayoutWriter.create(plan, part -> wrong));
        LayoutPlan q = LayoutPlan.of(Layout.parse("q4_0"), SHAPE, DType.F32, LayoutOptions.DEFAULTS);
        assertThrows(IllegalArgumentException.class, () -> LayoutWriter.create(q, part -> wrong));
    }
}
