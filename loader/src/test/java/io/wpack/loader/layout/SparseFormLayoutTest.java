package io.wpack.loader.layout;

import io.wpack.encoders.ByteCodec;
import io.wpack.encoders.Codecs;
import io.wpack.encoders.sparse.BcrCodec;
import io.wpack.encoders.sparse.BsrCodec;
import io.wpack.encoders.sparse.CsrCodec;
import io.wpack.encoders.sparse.KernelPatternCodec;
import io.wpack.encoders.sparse.NmCodec;
import io.wpack.formats.proto.DType;
import io.wpack.loader.Representation;
import io.wpack.loader.WpkPackage;
import io.wpack.loader.WpkStreamLoader;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The kernel-pattern and BCR layouts against their slow reference after a plain dense load
 * (arbitrary shapes, block sizes that do not divide them, every dtype, chunking and codec, a
 * caller's dirty sinks for the fixed parts, a stream); and the direct path from sparse storage
 * (csr, bsr, nm, kpattern, bcr codecs, the structural decode) against the dense path on the same
 * codes stored raw: byte-identical parts, dequantized or kept as codes.
 */
class SparseFormLayoutTest {
    private static Path dir;
    private static ExecutorService pool;

    @BeforeContainer
    static void setUp() throws IOException {
        dir = Files.createTempDirectory("wpack-sparse-forms");
        pool = Executors.newFixedThreadPool(2);
    }

    @AfterContainer
    static void tearDown() throws IOException {
        pool.shutdownNow();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    // ---- against the reference, from any storage ----

    @Property(tries = 80)
    void kernelPatternMatchesReference(@ForAll("kernelPatternCases") LayoutCases.Case c) throws IOException {
        check(c);
    }

    @Property(tries = 80)
    void bcrMatchesReference(@ForAll("bcrCases") LayoutCases.Case c) throws IOException {
        check(c);
    }

    @Provide
    Arbitrary<LayoutCases.Case> kernelPatternCases() {
        Arbitrary<long[]> kernelShapes = Combinators.combine(Arbitraries.integers().between(2, 4),
                Arbitraries.integers().between(1, 4)).flatAs((rank, k) -> LayoutCases.shape(rank - 2, 6)
                .map(lead -> {
                    long[] s = Arrays.copyOf(lead, rank);
                    s[rank - 2] = k;
                    s[rank - 1] = k;
                    return s;
                }));
        // Mostly kernels; now and then a shape without them, which must be refused.
        Arbitrary<long[]> shapes = Arbitraries.frequencyOf(Tuple.of(6, kernelShapes),
                Tuple.of(1, LayoutCases.anyShape()));
        return LayoutCases.cases(shapes, LayoutCases.anyDtype(), false,
                (s, d, src) -> LayoutCases.targetFor(d).map(Layout.KernelPattern::new)).map(this::patterned);
    }

    /** Zeroes whole kernel positions from a few masks, so that patterns repeat as after pattern pruning. */
    private LayoutCases.Case patterned(LayoutCases.Case c) {
        long[] s = c.shape();
        if (s.length < 2 || s[s.length - 1] != s[s.length - 2] || c.values().length == 0) {
            return c;
        }
        int area = (int) (s[s.length - 1] * s[s.length - 1]);
        float[] v = c.values().clone();
        Random random = new Random(v.length * 31L + area);
        long[] masks = {random.nextLong(), random.nextLong(), random.nextLong(), 0};
        for (int kernel = 0; kernel < v.length / area; kernel++) {
            long mask = masks[random.nextInt(masks.length)];
            for (int j = 0; j < area; j++) {
                if ((mask >>> j & 1) == 0) {
                    v[kernel * area + j] = 0;
                }
            }
        }
        return new LayoutCases.Case(c.layout(), c.sourceLayout(), c.dtype(), c.shape(), v, c.chunkElements(),
                c.codec(), c.widened(), null);
    }

    @Provide
    Arbitrary<LayoutCases.Case> bcrCases() {
        return LayoutCases.cases(LayoutCases.anyShape(), LayoutCases.anyDtype(), false,
                (s, d, src) -> Combinators.combine(Arbitraries.integers().between(1, 6),
                        Arbitraries.integers().between(1, 6), LayoutCases.targetFor(d)).as(Layout.Bcr::new));
    }

    static void check(LayoutCases.Case c) throws IOException {
        Path file = TestPackages.write(dir, List.of(c.spec("w")));
        try {
            Map<String, ReferenceLayouts.Part> expected;
            try (WpkPackage pkg = WpkPackage.open(file)) {
                ReferenceLayouts.Dense dense = new ReferenceLayouts.Dense(pkg.tensor("w").dtype(), c.shape(),
                        pkg.readBytes("w"));
                expected = c.layout() instanceof Layout.KernelPattern
                        ? SparseFormReference.kernelPattern((Layout.KernelPattern) c.layout(), dense)
                        : SparseFormReference.bcr((Layout.Bcr) c.layout(), dense);
                if (expected == null) {
                    assertThrows(LayoutException.class, () -> LayoutLoader.load(pkg, "w", c.layout()));
                    return;
                }
                LayoutReferenceTest.assertMatches(expected, LayoutLoader.load(pkg, "w", c.layout()), "random access");
                LayoutPlan plan = LayoutPlan.of(c.layout(), pkg.tensor("w"), LayoutOptions.DEFAULTS);
                LayoutReferenceTest.DirtySinks sinks = new LayoutReferenceTest.DirtySinks();
                LayoutResult viaSinks = LayoutLoader.loadParallel(pkg, "w", c.layout(), LayoutOptions.DEFAULTS,
                        sinks, pool);
                LayoutReferenceTest.assertMatches(expected, sinks.collect(viaSinks, plan), "caller sinks");
            }
            LayoutStreamConsumer consumer = new LayoutStreamConsumer(Representation.LOGICAL,
                    t -> new LayoutStreamConsumer.Request(c.layout(), LayoutOptions.DEFAULTS));
            try (InputStream in = Files.newInputStream(file)) {
                new WpkStreamLoader().load(in, consumer);
            }
            LayoutReferenceTest.assertMatches(expected, consumer.results().get("w"), "stream");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    // ---- straight from sparse storage, against the dense path ----

    /** Int8/uint8 codes with the structure of one sparse codec, their quantization and the codec. */
    record Stored(String kind, long[] shape, DType stored, byte[] codes, float[] scales, int[] zeroPoints,
                  ByteCodec codec, boolean sameView, Layout layout, Representation rep) {
        @Override
        public String toString() {
            return kind + " " + Arrays.toString(shape) + " " + stored + " " + codec + " -> " + layout.spec() + " "
                    + rep + " zp=" + Arrays.toString(zeroPoints) + " scales=" + Arrays.toString(scales);
        }

        /**
         * Whether the stored codec lines up with the layout, so the direct path must be taken:
         * same 2-D view, and unstored codes are zeros (no zero point, or codes kept as stored).
         */
        boolean direct() {
            return codec != Codecs.RAW && sameView && (zeroPoints.length == 0 || rep == Representation.STORED);
        }
    }

    @Property(tries = 150)
    void storedSparseGivesTheDensePathsBytes(@ForAll("storedCases") Stored s) throws IOException {
        Path sparse = QuantizedPackages.write(dir, s.shape(), s.stored(), s.codes(), s.scales(), s.zeroPoints(),
                s.codec());
        Path raw = QuantizedPackages.write(dir, s.shape(), s.stored(), s.codes(), s.scales(), s.zeroPoints(),
                Codecs.RAW);
        LayoutOptions options = LayoutOptions.DEFAULTS.withRepresentation(s.rep());
        try (WpkPackage a = WpkPackage.open(sparse); WpkPackage b = WpkPackage.open(raw)) {
            LayoutPlan plan = LayoutPlan.of(s.layout(), a.tensor("w"), options);
            LayoutResult dense;
            try {
                dense = LayoutLoader.load(b, "w", s.layout(), options);
            } catch (LayoutException e) {
                // Values the layout cannot hold (N:M with a dense group): the direct path says so too.
                assertThrows(LayoutException.class, () -> LayoutLoader.load(a, "w", s.layout(), options));
                return;
            }
            assertNull(StoredSparseDecoder.tryLoad(b, b.tensor("w"), plan, options, PartSinks.ALLOCATE),
                    "raw storage has no direct path");
            LayoutResult direct = StoredSparseDecoder.tryLoad(a, a.tensor("w"), plan, options, PartSinks.ALLOCATE);
            if (s.direct()) {
                assertNotNull(direct, "the matching codec is read directly");
            } else {
                assertNull(direct, "another view, or a zero point making unstored elements non-zero: no direct path");
            }
            assertSame(dense, LayoutLoader.load(a, "w", s.layout(), options));
            LayoutReferenceTest.DirtySinks sinks = new LayoutReferenceTest.DirtySinks();
            LayoutResult viaSinks = LayoutLoader.load(a, "w", s.layout(), options, sinks);
            assertSame(dense, sinks.collect(viaSinks, plan));
        } finally {
            Files.deleteIfExists(sparse);
            Files.deleteIfExists(raw);
        }
    }

    private static void assertSame(LayoutResult expected, LayoutResult actual) {
        assertEquals(expected.parts().size(), actual.parts().size());
        for (LayoutResult.Part p : expected.parts()) {
            LayoutResult.Part q = actual.part(p.name());
            assertEquals(p.dtype(), q.dtype(), p.name());
            assertArrayEquals(p.shape(), q.shape(), p.name() + " shape");
            assertArrayEquals(p.bytes(), q.bytes(), p.name() + " bytes");
        }
        assertArrayEquals(expected.shape(), actual.shape());
    }

    @Provide
    Arbitrary<Stored> storedCases() {
        return Arbitraries.of("csr", "bsr", "nm", "kpattern", "bcr").flatMap(kind -> {
            Arbitrary<long[]> shapes = kind.equals("kpattern")
                    ? Combinators.combine(Arbitraries.integers().between(1, 9), Arbitraries.integers().between(1, 9),
                            Arbitraries.integers().between(1, 4)).as((o, i, k) -> new long[] {o, i, k, k})
                    : Arbitraries.integers().between(2, 4).flatMap(rank ->
                            Arbitraries.longs().between(1, 13).array(long[].class).ofSize(rank));
            return Combinators.combine(shapes, Arbitraries.of(DType.I8, DType.U8), Arbitraries.integers().between(1, 6),
                    Arbitraries.integers().between(1, 6), Arbitraries.of(Representation.LOGICAL, Representation.STORED),
                    Arbitraries.of("none", "f32", "f16", "bf16"), Arbitraries.longs(), Arbitraries.integers().between(0, 9))
                    .as((shape, stored, a, b, rep, target, seed, flavour) ->
                            stored(kind, shape, stored, a, b, rep, target, seed, flavour));
        });
    }

    /**
     * {@code flavour}: 0 stores the transposed 2-D view (rest × last; no direct path unless it
     * is the same view), 1 adds a zero point, 2 has a channel whose scale is zero (non-zero codes
     * that dequantize to zero), otherwise plain.
     */
    private static Stored stored(String kind, long[] shape, DType stored, int a, int b, Representation rep,
                                 String target, long seed, int flavour) {
        Random random = new Random(seed);
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        int rows = (int) shape[0];
        int cols = n / rows;
        byte[] codes = new byte[n];
        for (int i = 0; i < n; i++) {
            codes[i] = random.nextInt(3) == 0 ? 0 : (byte) (1 + random.nextInt(255));
        }
        ByteCodec codec;
        Layout layout;
        DType dtype = rep == Representation.STORED || target.equals("none") ? null
                : target.equals("f32") ? DType.F32 : target.equals("f16") ? DType.F16 : DType.BF16;
        int viewRows = flavour == 0 ? (int) (n / shape[shape.length - 1]) : rows;
        int viewCols = n / viewRows;
        switch (kind) {
            case "csr":
                codec = new CsrCodec(viewRows, viewCols);
                layout = new Layout.Csr(dtype);
                break;
            case "bsr":
                zeroBlocks(codes, rows, cols, a, b, random);
                codec = new BsrCodec(viewRows, viewCols, a, b);
                layout = new Layout.Bsr(a, b, dtype);
                break;
            case "bcr":
                zeroBlocks(codes, rows, cols, a, b, random);
                codec = new BcrCodec(viewRows, viewCols, a, b);
                layout = new Layout.Bcr(a, b, dtype);
                break;
            case "nm": {
                int m = 1 + a + b; // 2..13
                int keep = 1 + random.nextInt(m);
                if (random.nextInt(4) != 0) {
                    makeNM(codes, rows, cols, keep, m);
                }
                codec = new NmCodec(viewRows, viewCols, keep, m);
                layout = new Layout.NM(keep, m, dtype);
                break;
            }
            default: {
                int k = (int) shape[3];
                int area = k * k;
                long[] masks = {random.nextLong(), random.nextLong(), 0};
                for (int kernel = 0; kernel < n / area; kernel++) {
                    long mask = masks[random.nextInt(masks.length)];
                    for (int j = 0; j < area; j++) {
                        if ((mask >>> j & 1) == 0) {
                            codes[kernel * area + j] = 0;
                        }
                    }
                }
                codec = new KernelPatternCodec(n / area, k);
                layout = new Layout.KernelPattern(dtype);
            }
        }
        float[] scales = new float[rows];
        for (int i = 0; i < rows; i++) {
            scales[i] = flavour == 2 && i == 0 ? 0f : 0.001f + random.nextFloat() * 0.1f;
        }
        int[] zeroPoints = new int[0];
        if (flavour == 1) {
            zeroPoints = new int[rows];
            zeroPoints[random.nextInt(rows)] = stored == DType.I8 ? -3 : 7;
        }
        return new Stored(kind, shape, stored, codes, scales, zeroPoints, codec,
                kind.equals("kpattern") || viewRows == rows, layout, rep);
    }

    /** Zeroes about half of the a×b blocks, so that block formats have work. */
    private static void zeroBlocks(byte[] codes, int rows, int cols, int a, int b, Random random) {
        for (int br = 0; br < rows; br += a) {
            for (int bc = 0; bc < cols; bc += b) {
                if (random.nextBoolean()) {
                    for (int i = br; i < Math.min(rows, br + a); i++) {
                        for (int j = bc; j < Math.min(cols, bc + b); j++) {
                            codes[i * cols + j] = 0;
                        }
                    }
                }
            }
        }
    }

    private static void makeNM(byte[] codes, int rows, int cols, int keep, int m) {
        for (int r = 0; r < rows; r++) {
            for (int g = 0; g < cols; g += m) {
                int kept = 0;
                for (int j = g; j < Math.min(cols, g + m); j++) {
                    if (codes[r * cols + j] != 0 && ++kept > keep) {
                        codes[r * cols + j] = 0;
                    }
                }
            }
        }
    }
}
