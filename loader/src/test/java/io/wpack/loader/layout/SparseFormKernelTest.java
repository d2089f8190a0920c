package io.wpack.loader.layout;

import io.wpack.encoders.ByteCodec;
import io.wpack.encoders.Codecs;
import io.wpack.encoders.sparse.BcrCodec;
import io.wpack.encoders.sparse.KernelPatternCodec;
import io.wpack.formats.proto.DType;
import io.wpack.loader.WpkPackage;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Kernels that consume the kernel-pattern and BCR forms the way PatDNN's and GRIM's runtimes do,
 * against a naive computation on the dequantized dense tensor ({@code readFloats}): a direct
 * convolution driven by pattern ids, and a BCR SpMV over kept rows × kept columns. The weights
 * are int8 codes with per-channel scales, pruned to the structure, stored with the matching codec
 * (the direct path) or raw (the dense path).
 */
class SparseFormKernelTest {
    private static Path dir;

    @BeforeContainer
    static void setUp() throws IOException {
        dir = Files.createTempDirectory("wpack-sparse-kernels");
    }

    @AfterContainer
    static void tearDown() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** An OIkk conv weight as codes, a CHW input (valid conv, stride 1), how it is stored. */
    record PatternConv(int o, int i, int k, int h, int w, long seed, boolean stored) {
    }

    @Provide
    Arbitrary<PatternConv> patternConvs() {
        Arbitrary<Integer> ch = Arbitraries.integers().between(1, 9);
        Arbitrary<Integer> extra = Arbitraries.integers().between(0, 4);
        return Combinators.combine(ch, ch, Arbitraries.integers().between(1, 4), extra, extra, Arbitraries.longs(),
                Arbitraries.of(true, false)).as((o, i, k, eh, ew, seed, stored) ->
                new PatternConv(o, i, k, k + eh, k + ew, seed, stored));
    }

    @Property(tries = 60)
    void patternConvolution(@ForAll("patternConvs") PatternConv c) throws IOException {
        Random random = new Random(c.seed());
        int area = c.k() * c.k();
        int kernels = c.o() * c.i();
        byte[] codes = new byte[kernels * area];
        // A library of four patterns plus removed kernels, as PatDNN's pattern and connectivity pruning leave it.
        long[] masks = {random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong(), 0};
        for (int kernel = 0; kernel < kernels; kernel++) {
            long mask = masks[random.nextInt(masks.length)];
            for (int j = 0; j < area; j++) {
                codes[kernel * area + j] = (mask >>> j & 1) == 0 ? 0 : (byte) (random.nextInt(255) - 127);
            }
        }
        float[] input = new float[c.i() * c.h() * c.w()];
        for (int j = 0; j < input.length; j++) {
            input[j] = random.nextFloat() * 4 - 2;
        }
        ByteCodec codec = c.stored() ? new KernelPatternCodec(kernels, c.k()) : Codecs.RAW;
        Path file = QuantizedPackages.write(dir, new long[] {c.o(), c.i(), c.k(), c.k()}, DType.I8, codes,
                scales(c.o(), random), new int[0], codec);
        try (WpkPackage pkg = WpkPackage.open(file)) {
            float[] dense = pkg.readFloats("w");
            LayoutResult r = LayoutLoader.load(pkg, "w", Layout.parse("kpattern"));
            byte[] library = r.part("library").bytes();
            int[] ids = r.part("pattern_ids").ints();
            float[] values = r.part("values").floats();
            int oh = c.h() - c.k() + 1;
            int ow = c.w() - c.k() + 1;
            double[] out = new double[c.o() * oh * ow];
            int v = 0;
            for (int o = 0; o < c.o(); o++) {
                for (int i = 0; i < c.i(); i++) {
                    int id = ids[o * c.i() + i];
                    if (id < 0) {
                        continue; // a removed kernel: no work at all
                    }
                    for (int j = 0; j < area; j++) {
                        if (library[id * area + j] == 0) {
                            continue;
                        }
                        float wv = values[v++];
                        int ky = j / c.k();
                        int kx = j % c.k();
                        for (int y = 0; y < oh; y++) {
                            for (int x = 0; x < ow; x++) {
                                out[(o * oh + y) * ow + x] += (double) wv * input[(i * c.h() + y + ky) * c.w() + x + kx];
                            }
                        }
                    }
                }
            }
            assertEquals(values.length, v, "every value belongs to one kernel position");
            double[] expected = new double[out.length];
            for (int o = 0; o < c.o(); o++) {
                for (int y = 0; y < oh; y++) {
                    for (int x = 0; x < ow; x++) {
                        double s = 0;
                        for (int i = 0; i < c.i(); i++) {
                            for (int ky = 0; ky < c.k(); ky++) {
                                for (int kx = 0; kx < c.k(); kx++) {
                                    s += (double) dense[((o * c.i() + i) * c.k() + ky) * c.k() + kx]
                                            * input[(i * c.h() + y + ky) * c.w() + x + kx];
                                }
                            }
                        }
                        expected[(o * oh + y) * ow + x] = s;
                    }
                }
            }
            assertClose(expected, out);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** A weight [n, k] of codes, a block size, how it is stored. */
    record BcrGemv(int n, int k, int r, int c, long seed, boolean stored) {
    }

    @Provide
    Arbitrary<BcrGemv> bcrGemvs() {
        return Combinators.combine(Arbitraries.integers().between(1, 40), Arbitraries.integers().between(1, 60),
                Arbitraries.integers().between(1, 8), Arbitraries.integers().between(1, 8), Arbitraries.longs(),
                Arbitraries.of(true, false)).as(BcrGemv::new);
    }

    @Property(tries = 60)
    void bcrSpmv(@ForAll("bcrGemvs") BcrGemv g) throws IOException {
        Random random = new Random(g.seed());
        byte[] codes = new byte[g.n() * g.k()];
        // GRIM's BCR pruning: per block, whole rows and whole columns removed.
        for (int br = 0; br < g.n(); br += g.r()) {
            for (int bc = 0; bc < g.k(); bc += g.c()) {
                int rowKeep = random.nextInt();
                int colKeep = random.nextInt();
                for (int i = br; i < Math.min(g.n(), br + g.r()); i++) {
                    for (int j = bc; j < Math.min(g.k(), bc + g.c()); j++) {
                        boolean kept = (rowKeep >> (i - br) & 1) != 0 && (colKeep >> (j - bc) & 1) != 0;
                        codes[i * g.k() + j] = kept ? (byte) (random.nextInt(255) - 127) : 0;
                    }
                }
            }
        }
        float[] x = new float[g.k()];
        for (int j = 0; j < x.length; j++) {
            x[j] = random.nextFloat() * 4 - 2;
        }
        ByteCodec codec = g.stored() ? new BcrCodec(g.n(), g.k(), g.r(), g.c()) : Codecs.RAW;
        Path file = QuantizedPackages.write(dir, new long[] {g.n(), g.k()}, DType.I8, codes, scales(g.n(), random),
                new int[0], codec);
        try (WpkPackage pkg = WpkPackage.open(file)) {
            float[] dense = pkg.readFloats("w");
            LayoutResult res = LayoutLoader.load(pkg, "w", Layout.parse("bcr:" + g.r() + "x" + g.c()));
            short[] rowMasks = res.part("row_masks").shorts();
            short[] colMasks = res.part("col_masks").shorts();
            int[] offsets = res.part("offsets").ints();
            float[] values = res.part("values").floats();
            int gridCols = (g.k() + g.c() - 1) / g.c();
            double[] y = new double[g.n()];
            for (int b = 0; b < rowMasks.length; b++) {
                int v = offsets[b];
                int row0 = b / gridCols * g.r();
                int col0 = b % gridCols * g.c();
                for (int rm = rowMasks[b] & 0xFFFF; rm != 0; rm &= rm - 1) {
                    int row = row0 + Integer.numberOfTrailingZeros(rm);
                    for (int cm = colMasks[b] & 0xFFFF; cm != 0; cm &= cm - 1) {
                        y[row] += (double) values[v++] * x[col0 + Integer.numberOfTrailingZeros(cm)];
                    }
                }
                assertEquals(offsets[b + 1], v, "block " + b + " holds kept rows x kept columns");
            }
            double[] expected = new double[g.n()];
            for (int row = 0; row < g.n(); row++) {
                for (int col = 0; col < g.k(); col++) {
                    expected[row] += (double) dense[row * g.k() + col] * x[col];
                }
            }
            assertClose(expected, y);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static float[] scales(int channels, Random random) {
        float[] s = new float[channels];
        for (int i = 0; i < channels; i++) {
            s[i] = 0.001f + random.nextFloat() * 0.05f;
        }
        return s;
    }

    private static void assertClose(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            double tol = 1e-9 * Math.max(1, Math.abs(expected[i]));
            assertEquals(expected[i], actual[i], tol, "element " + i);
        }
    }
}
