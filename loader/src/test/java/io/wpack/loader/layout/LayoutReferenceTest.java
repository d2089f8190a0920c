package io.wpack.loader.layout;

import io.wpack.formats.proto.DType;
import io.wpack.loader.ByteSink;
import io.wpack.loader.ByteSinks;
import io.wpack.loader.Representation;
import io.wpack.loader.WpkPackage;
import io.wpack.loader.WpkStreamLoader;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * For every layout family and arbitrary tensors (shapes that are not multiples of any block,
 * zero-size dims, scalars, every chunking and codec, widened f16 storage), the loader's output
 * equals the slow reference conversion applied to a plain dense load: through random access,
 * through one streaming pass, and, for the scatter layouts, through a parallel read into
 * caller-supplied direct buffers. Padding is zero because the reference writes zeros there and
 * the comparison is byte for byte (caller sinks start dirty to prove it).
 */
class LayoutReferenceTest {
    private static Path dir;
    private static ExecutorService pool;

    @BeforeContainer
    static void setUp() throws IOException {
        dir = Files.createTempDirectory("wpack-layout");
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

    @Property(tries = 80)
    void denseMatchesReference(@ForAll("denseCases") LayoutCases.Case c) throws IOException {
        check(c);
    }

    /**
     * Orders that move nothing, into every target dtype, usually over many chunks: the writer
     * decodes in place or converts whole runs instead of mapping each element.
     */
    @Property(tries = 80)
    void denseInSourceOrderMatchesReference(@ForAll("denseInOrderCases") LayoutCases.Case c) throws IOException {
        check(c);
    }

    @Property(tries = 40)
    void transposedMatchesReference(@ForAll("transposedCases") LayoutCases.Case c) throws IOException {
        check(c);
    }

    @Property(tries = 100)
    void blockedMatchesReference(@ForAll("blockedCases") LayoutCases.Case c) throws IOException {
        check(c);
    }

    @Property(tries = 80)
    void panelsMatchReference(@ForAll("panelCases") LayoutCases.Case c) throws IOException {
        check(c);
    }

    @Property(tries = 60)
    void csrMatchesReference(@ForAll("csrCases") LayoutCases.Case c) throws IOException {
        check(c);
    }

    @Property(tries = 60)
    void bsrMatchesReference(@ForAll("bsrCases") LayoutCases.Case c) throws IOException {
        check(c);
    }

    @Property(tries = 60)
    void nmMatchesReference(@ForAll("nmCases") LayoutCases.Case c) throws IOException {
        check(c);
    }

    /** Without making the data N:M sparse first, dense groups must be refused, never pruned. */
    @Property(tries = 30)
    void nmRefusesDenseGroups(@ForAll("nmDenseCases") LayoutCases.Case c) throws IOException {
        check(c);
    }

    @Property(tries = 60)
    void q8_0MatchesReference(@ForAll("q8Cases") LayoutCases.Case c) throws IOException {
        check(c);
    }

    @Property(tries = 60)
    void q4_0MatchesReference(@ForAll("q4Cases") LayoutCases.Case c) throws IOException {
        check(c);
    }

    @Provide
    Arbitrary<LayoutCases.Case> denseCases() {
        return LayoutCases.cases(LayoutCases.anyShape(), LayoutCases.anyDtype(), true, LayoutCases::dense);
    }

    @Provide
    Arbitrary<LayoutCases.Case> denseInOrderCases() {
        Arbitrary<long[]> shapes = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(1, LayoutCases.anyShape()),
                net.jqwik.api.Tuple.of(1, LayoutCases.shapeWithUnitAxes()));
        return LayoutCases.cases(shapes, LayoutCases.anyDtype(), true, LayoutCases::denseInOrder);
    }

    @Provide
    Arbitrary<LayoutCases.Case> transposedCases() {
        return LayoutCases.cases(LayoutCases.anyShape(), LayoutCases.anyDtype(), false, LayoutCases::transposed);
    }

    @Provide
    Arbitrary<LayoutCases.Case> blockedCases() {
        Arbitrary<long[]> shapes = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, LayoutCases.shape(1, 40)),
                net.jqwik.api.Tuple.of(2, LayoutCases.shape(2, 24)),
                net.jqwik.api.Tuple.of(5, LayoutCases.shape(4, 7)),
                net.jqwik.api.Tuple.of(1, LayoutCases.shape(5, 4)));
        return LayoutCases.cases(shapes, LayoutCases.anyDtype(), true, LayoutCases::blocked);
    }

    @Provide
    Arbitrary<LayoutCases.Case> panelCases() {
        return LayoutCases.cases(LayoutCases.anyShape(), LayoutCases.anyDtype(), true, LayoutCases::panels)
                .flatMap(c -> {
                    Layout.Panels p = (Layout.Panels) c.layout();
                    if (!p.bias() || !LayoutCases.isFloat(c.dtype())) {
                        return Arbitraries.just(c);
                    }
                    long rows = new LayoutPlanProbe(c).rows();
                    return Arbitraries.of(false, true).flatMap(withBias -> withBias
                            ? LayoutCases.values(rows).map(b -> new LayoutCases.Case(c.layout(), c.sourceLayout(),
                            c.dtype(), c.shape(), c.values(), c.chunkElements(), c.codec(), c.widened(), b))
                            : Arbitraries.just(c));
                });
    }

    @Provide
    Arbitrary<LayoutCases.Case> csrCases() {
        return LayoutCases.cases(LayoutCases.anyShape(), LayoutCases.anyDtype(), false, LayoutCases::csr);
    }

    @Provide
    Arbitrary<LayoutCases.Case> bsrCases() {
        return LayoutCases.cases(LayoutCases.anyShape(), LayoutCases.anyDtype(), false, LayoutCases::bsr);
    }

    @Provide
    Arbitrary<LayoutCases.Case> nmCases() {
        return LayoutCases.cases(LayoutCases.anyShape(), LayoutCases.anyDtype(), false, LayoutCases::nm)
                .map(LayoutCases::makeNMSparse);
    }

    @Provide
    Arbitrary<LayoutCases.Case> nmDenseCases() {
        return LayoutCases.cases(LayoutCases.anyShape(), LayoutCases.anyDtype(), false, LayoutCases::nm);
    }

    @Provide
    Arbitrary<LayoutCases.Case> q8Cases() {
        return LayoutCases.cases(quantShapes(), LayoutCases.floatDtype(), false,
                (s, d, src) -> Arbitraries.just(new Layout.Q8_0()));
    }

    @Provide
    Arbitrary<LayoutCases.Case> q4Cases() {
        return LayoutCases.cases(quantShapes(), LayoutCases.floatDtype(), false,
                (s, d, src) -> Arbitraries.just(new Layout.Q4_0()));
    }

    /** Row lengths around and across multiples of 32. */
    private static Arbitrary<long[]> quantShapes() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, LayoutCases.shape(1, 100)),
                net.jqwik.api.Tuple.of(3, LayoutCases.shape(2, 8).flatMap(s -> Arbitraries.longs().between(0, 130)
                        .map(c -> new long[] {s[0], c}))),
                net.jqwik.api.Tuple.of(1, LayoutCases.shape(4, 6)));
    }

    /** Reads the rows of the matrix view (or the named row axis) for the bias length. */
    private static final class LayoutPlanProbe {
        private final LayoutCases.Case c;

        LayoutPlanProbe(LayoutCases.Case c) {
            this.c = c;
        }

        long rows() {
            LayoutOptions o = LayoutOptions.DEFAULTS.withSourceLayout(c.sourceLayout());
            return LayoutPlan.of(c.layout(), c.shape(), c.dtype(), o).shape()[0];
        }
    }

    // ---- the check ----

    static void check(LayoutCases.Case c) throws IOException {
        List<TestPackages.Spec> specs = new ArrayList<>();
        specs.add(c.spec("w"));
        if (c.bias() != null) {
            specs.add(TestPackages.Spec.of("b", DType.F32, new long[] {c.bias().length},
                    LayoutCases.encode(DType.F32, c.bias())));
        }
        Path file = TestPackages.write(dir, specs);
        try {
            LayoutOptions options = LayoutOptions.DEFAULTS.withSourceLayout(c.sourceLayout());
            if (c.bias() != null) {
                options = options.withBiasTensor("b");
            }
            Map<String, ReferenceLayouts.Part> expected;
            try (WpkPackage pkg = WpkPackage.open(file)) {
                ReferenceLayouts.Dense dense = new ReferenceLayouts.Dense(pkg.tensor("w").dtype(), c.shape(),
                        pkg.readBytes("w"));
                ReferenceLayouts.Dense bias = c.bias() == null ? null
                        : new ReferenceLayouts.Dense(DType.F32, new long[] {c.bias().length}, pkg.readBytes("b"));
                try {
                    expected = ReferenceLayouts.of(c.layout(), dense, c.sourceLayout(), bias);
                } catch (ReferenceLayouts.NotApplicable e) {
                    LayoutOptions o = options;
                    assertThrows(LayoutException.class, () -> LayoutLoader.load(pkg, "w", c.layout(), o));
                    return;
                }
                assertMatches(expected, LayoutLoader.load(pkg, "w", c.layout(), options), "random access");

                LayoutPlan plan = LayoutPlan.of(c.layout(), pkg.tensor("w"), options);
                DirtySinks sinks = new DirtySinks();
                LayoutResult viaSinks = LayoutLoader.loadParallel(pkg, "w", c.layout(), options, sinks, pool);
                assertMatches(expected, sinks.collect(viaSinks, plan), "parallel into caller sinks");
            }
            LayoutOptions streamOptions = options;
            LayoutStreamConsumer consumer = new LayoutStreamConsumer(Representation.LOGICAL,
                    t -> t.name().equals("w") ? new LayoutStreamConsumer.Request(c.layout(), streamOptions) : null);
            try (InputStream in = Files.newInputStream(file)) {
                new WpkStreamLoader().load(in, consumer);
            }
            assertMatches(expected, consumer.results().get("w"), "stream");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    static void assertMatches(Map<String, ReferenceLayouts.Part> expected, LayoutResult actual, String how) {
        assertEquals(expected.keySet(), partNames(actual), how + ": parts");
        for (Map.Entry<String, ReferenceLayouts.Part> e : expected.entrySet()) {
            LayoutResult.Part p = actual.part(e.getKey());
            String what = how + ": part " + e.getKey();
            assertEquals(e.getValue().dtype(), p.dtype(), what + " dtype");
            assertArrayEquals(e.getValue().shape(), p.shape(), what + " shape " + Arrays.toString(p.shape()));
            assertArrayEquals(e.getValue().bytes(), p.bytes(), what + " bytes");
        }
    }

    private static java.util.Set<String> partNames(LayoutResult r) {
        java.util.Set<String> s = new java.util.LinkedHashSet<>();
        for (LayoutResult.Part p : r.parts()) {
            s.add(p.name());
        }
        return s;
    }

    /**
     * Caller sinks over direct buffers pre-filled with 0x4B, so that a position the loader
     * forgot (padding) shows up; collects their bytes back for comparison.
     */
    static final class DirtySinks implements PartSinks {
        final Map<String, ByteBuffer> buffers = new java.util.HashMap<>();

        @Override
        public ByteSink sinkFor(PartSpec part) {
            ByteBuffer b = ByteBuffer.allocateDirect((int) part.bytes()).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < b.capacity(); i++) {
                b.put(i, (byte) 0x4B); // 0x4B4B4B4B is 1.3e7 as f32 and bf16, 14.6 as f16: garbage that shows
            }
            buffers.put(part.name(), b);
            return ByteSinks.of(b);
        }

        LayoutResult collect(LayoutResult r, LayoutPlan plan) {
            List<LayoutResult.Part> parts = new ArrayList<>();
            for (LayoutResult.Part p : r.parts()) {
                ByteBuffer b = buffers.get(p.name());
                if (b == null) {
                    parts.add(p);
                    continue;
                }
                assertEquals(null, p.bytes(), "a caller-sink part has no loader array");
                byte[] copy = new byte[b.capacity()];
                b.duplicate().position(0).get(copy);
                parts.add(new LayoutResult.Part(p.name(), p.dtype(), p.shape(), copy.length, null, copy));
            }
            return new LayoutResult(r.layout(), r.shape(), parts);
        }
    }
}
