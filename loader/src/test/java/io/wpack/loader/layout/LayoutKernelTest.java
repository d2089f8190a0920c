package io.wpack.loader.layout;

import io.wpack.encoders.Codecs;
import io.wpack.formats.FloatBits;
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
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kernels written the way runtimes write them, each consuming one layout straight from the
 * loader, against a naive computation on the dense tensor: direct convolution from OHWI,
 * HWIO, NHWC-as-f16 and oneDNN OIhw8i8o weights; im2col + panel GEMM; GEMV from transposed
 * and panel weights with bias; CSR, BSR and 2:4 SpMV; GGUF Q8_0 and Q4_0 dot products.
 * Blocked and panel kernels read padded positions against non-zero activations, so a
 * non-zero padding weight would show.
 */
class LayoutKernelTest {
    private static Path dir;

    @BeforeContainer
    static void setUp() throws IOException {
        dir = Files.createTempDirectory("wpack-kernels");
    }

    @AfterContainer
    static void tearDown() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A conv weight OIHW, an input CHW (valid conv, stride 1) and a bias. */
    record Conv(int o, int i, int kh, int kw, int h, int w, float[] weight, float[] input, float[] bias, int chunk) {
        float wAt(int oo, int ii, int y, int x) {
            return weight[((oo * i + ii) * kh + y) * kw + x];
        }

        int outH() {
            return h - kh + 1;
        }

        int outW() {
            return w - kw + 1;
        }
    }

    /** A matrix [n, k] (O x I), a vector of k, a bias of n. */
    record Gemv(int n, int k, float[] weight, float[] x, float[] bias, int chunk) {
    }

    @Provide
    Arbitrary<Conv> convs() {
        Arbitrary<Integer> ch = Arbitraries.integers().between(1, 19);
        Arbitrary<Integer> ks = Arbitraries.integers().between(1, 3);
        Arbitrary<Integer> extra = Arbitraries.integers().between(0, 3);
        return Combinators.combine(ch, ch, ks, ks, extra, extra, Arbitraries.integers().between(1, 200))
                .flatAs((o, i, kh, kw, eh, ew, chunk) -> Combinators.combine(
                        floats(o * i * kh * kw, true), floats(i * (kh + eh) * (kw + ew), false), floats(o, false))
                        .as((wt, in, b) -> new Conv(o, i, kh, kw, kh + eh, kw + ew, wt, in, b, chunk)));
    }

    @Provide
    Arbitrary<Gemv> gemvs() {
        return Combinators.combine(Arbitraries.integers().between(1, 40), Arbitraries.integers().between(1, 100),
                        Arbitraries.integers().between(1, 300))
                .flatAs((n, k, chunk) -> Combinators.combine(floats(n * k, true), floats(k, false), floats(n, false))
                        .as((w, x, b) -> new Gemv(n, k, w, x, b, chunk)));
    }

    /** Values with many exact zeros when {@code sparse}, so that the sparse layouts have work. */
    static Arbitrary<float[]> floats(int n, boolean sparse) {
        Arbitrary<Float> v = Arbitraries.floats().between(-4, 4);
        Arbitrary<Float> e = sparse ? Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(1, Arbitraries.just(0f)),
                net.jqwik.api.Tuple.of(1, v)) : v;
        return e.array(float[].class).ofSize(n);
    }

    // ---- convolution ----

    static double[] naiveConv(Conv c) {
        double[] out = new double[c.o() * c.outH() * c.outW()];
        for (int o = 0; o < c.o(); o++) {
            for (int y = 0; y < c.outH(); y++) {
                for (int x = 0; x < c.outW(); x++) {
                    double s = 0;
                    for (int i = 0; i < c.i(); i++) {
                        for (int ky = 0; ky < c.kh(); ky++) {
                            for (int kx = 0; kx < c.kw(); kx++) {
                                s += (double) c.wAt(o, i, ky, kx) * c.input()[(i * c.h() + y + ky) * c.w() + x + kx];
                            }
                        }
                    }
                    out[(o * c.outH() + y) * c.outW() + x] = s;
                }
            }
        }
        return out;
    }

    @Property(tries = 40)
    void convFromOhwi(@ForAll("convs") Conv c) throws IOException {
        float[] w = load(c, "dense:OHWI").part("data").floats();
        double[] out = new double[c.o() * c.outH() * c.outW()];
        for (int o = 0; o < c.o(); o++) {
            for (int y = 0; y < c.outH(); y++) {
                for (int x = 0; x < c.outW(); x++) {
                    double s = 0;
                    for (int ky = 0; ky < c.kh(); ky++) {
                        for (int kx = 0; kx < c.kw(); kx++) {
                            for (int i = 0; i < c.i(); i++) { // innermost: contiguous in OHWI
                                s += (double) w[((o * c.kh() + ky) * c.kw() + kx) * c.i() + i]
                                        * c.input()[(i * c.h() + y + ky) * c.w() + x + kx];
                            }
                        }
                    }
                    out[(o * c.outH() + y) * c.outW() + x] = s;
                }
            }
        }
        assertClose(naiveConv(c), out);
    }

    @Property(tries = 40)
    void convFromHwio(@ForAll("convs") Conv c) throws IOException {
        float[] w = load(c, "dense:HWIO").part("data").floats();
        double[] out = new double[c.o() * c.outH() * c.outW()];
        for (int y = 0; y < c.outH(); y++) {
            for (int x = 0; x < c.outW(); x++) {
                for (int ky = 0; ky < c.kh(); ky++) {
                    for (int kx = 0; kx < c.kw(); kx++) {
                        for (int i = 0; i < c.i(); i++) {
                            float a = c.input()[(i * c.h() + y + ky) * c.w() + x + kx];
                            for (int o = 0; o < c.o(); o++) { // innermost: contiguous in HWIO
                                out[(o * c.outH() + y) * c.outW() + x] +=
                                        (double) w[((ky * c.kw() + kx) * c.i() + i) * c.o() + o] * a;
                            }
                        }
                    }
                }
            }
        }
        assertClose(naiveConv(c), out);
    }

    /** NHWC is the TFLite name for an OHWI filter; the loader rounds to f16, the naive side uses the same halves. */
    @Property(tries = 30)
    void convFromNhwcHalf(@ForAll("convs") Conv c) throws IOException {
        short[] w = load(c, "dense:NHWC:f16").part("data").shorts();
        float[] rounded = new float[c.weight().length];
        for (int j = 0; j < rounded.length; j++) {
            rounded[j] = FloatBits.halfToFloat(FloatBits.floatToHalf(c.weight()[j]));
        }
        Conv asHalf = new Conv(c.o(), c.i(), c.kh(), c.kw(), c.h(), c.w(), rounded, c.input(), c.bias(), c.chunk());
        double[] out = new double[c.o() * c.outH() * c.outW()];
        for (int o = 0; o < c.o(); o++) {
            for (int y = 0; y < c.outH(); y++) {
                for (int x = 0; x < c.outW(); x++) {
                    double s = 0;
                    for (int ky = 0; ky < c.kh(); ky++) {
                        for (int kx = 0; kx < c.kw(); kx++) {
                            for (int i = 0; i < c.i(); i++) {
                                s += (double) FloatBits.halfToFloat(w[((o * c.kh() + ky) * c.kw() + kx) * c.i() + i])
                                        * c.input()[(i * c.h() + y + ky) * c.w() + x + kx];
                            }
                        }
                    }
                    out[(o * c.outH() + y) * c.outW() + x] = s;
                }
            }
        }
        assertClose(naiveConv(asHalf), out);
    }

    /**
     * A oneDNN-style blocked kernel: whole 8x8 blocks, no bounds checks on channels; the input
     * is padded to a multiple of 8 channels with ones, so only zero weight padding gives the
     * right answer.
     */
    @Property(tries = 40)
    void convFromOIhw8i8o(@ForAll("convs") Conv c) throws IOException {
        float[] w = load(c, "blocked:OIhw8i8o").part("data").floats();
        int ob = (c.o() + 7) / 8;
        int ib = (c.i() + 7) / 8;
        float[] in = paddedChannels(c, ib * 8);
        double[] outPadded = new double[ob * 8 * c.outH() * c.outW()];
        for (int bo = 0; bo < ob; bo++) {
            for (int bi = 0; bi < ib; bi++) {
                for (int ky = 0; ky < c.kh(); ky++) {
                    for (int kx = 0; kx < c.kw(); kx++) {
                        int block = (((bo * ib + bi) * c.kh() + ky) * c.kw() + kx) * 64;
                        for (int y = 0; y < c.outH(); y++) {
                            for (int x = 0; x < c.outW(); x++) {
                                for (int ii = 0; ii < 8; ii++) {
                                    float a = in[((bi * 8 + ii) * c.h() + y + ky) * c.w() + x + kx];
                                    for (int oo = 0; oo < 8; oo++) {
                                        outPadded[((bo * 8 + oo) * c.outH() + y) * c.outW() + x] +=
                                                (double) w[block + ii * 8 + oo] * a;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        double[] out = new double[c.o() * c.outH() * c.outW()];
        System.arraycopy(outPadded, 0, out, 0, out.length);
        assertClose(naiveConv(c), out);
        for (int j = out.length; j < outPadded.length; j++) {
            assertEquals(0.0, outPadded[j], "padded output channels come out zero");
        }
    }

    /** im2col with K in (kh, kw, i) order, then an XNNPACK-style panel GEMM with bias. */
    @Property(tries = 40)
    void convAsIm2colPanelGemm(@ForAll("convs") Conv c) throws IOException {
        int nr = 1 + Math.floorMod(c.chunk(), 7);
        int kr = 1 + Math.floorMod(c.chunk() / 7, 4);
        Path p = pack(c.weight(), new long[] {c.o(), c.i(), c.kh(), c.kw()}, c.chunk(), c.bias());
        float[] packed;
        try (WpkPackage pkg = WpkPackage.open(p)) {
            packed = loadDirty(pkg, "panels:OHWI:nr" + nr + ":kr" + kr + ":bias",
                    LayoutOptions.DEFAULTS.withBiasTensor("b")).part("data").floats();
        } finally {
            Files.delete(p);
        }
        int k = c.kh() * c.kw() * c.i();
        int kp = (k + kr - 1) / kr * kr;
        int pixels = c.outH() * c.outW();
        float[] col = new float[kp * pixels];
        java.util.Arrays.fill(col, 1.0f); // rows past K: garbage that zero weights must cancel
        for (int ky = 0; ky < c.kh(); ky++) {
            for (int kx = 0; kx < c.kw(); kx++) {
                for (int i = 0; i < c.i(); i++) {
                    int row = (ky * c.kw() + kx) * c.i() + i;
                    for (int y = 0; y < c.outH(); y++) {
                        for (int x = 0; x < c.outW(); x++) {
                            col[row * pixels + y * c.outW() + x] = c.input()[(i * c.h() + y + ky) * c.w() + x + kx];
                        }
                    }
                }
            }
        }
        int panels = (c.o() + nr - 1) / nr;
        int panelSize = nr + kp * nr;
        double[] out = new double[c.o() * pixels];
        for (int pn = 0; pn < panels; pn++) {
            for (int px = 0; px < pixels; px++) {
                double[] acc = new double[nr];
                int at = pn * panelSize;
                for (int r = 0; r < nr; r++) {
                    acc[r] = packed[at++];
                }
                for (int ks = 0; ks < kp; ks += kr) {
                    for (int r = 0; r < nr; r++) {
                        for (int j = 0; j < kr; j++) {
                            acc[r] += (double) packed[at++] * col[(ks + j) * pixels + px];
                        }
                    }
                }
                for (int r = 0; r < nr && pn * nr + r < c.o(); r++) {
                    out[(pn * nr + r) * pixels + px] = acc[r];
                }
            }
        }
        double[] expected = naiveConv(c);
        for (int o = 0; o < c.o(); o++) {
            for (int px = 0; px < pixels; px++) {
                expected[o * pixels + px] += c.bias()[o];
            }
        }
        assertClose(expected, out);
    }

    private static float[] paddedChannels(Conv c, int channels) {
        float[] in = new float[channels * c.h() * c.w()];
        java.util.Arrays.fill(in, 1.0f);
        System.arraycopy(c.input(), 0, in, 0, c.input().length);
        return in;
    }

    // ---- GEMV and sparse ----

    static double[] naiveGemv(Gemv g, boolean withBias) {
        double[] y = new double[g.n()];
        for (int r = 0; r < g.n(); r++) {
            double s = withBias ? g.bias()[r] : 0;
            for (int c = 0; c < g.k(); c++) {
                s += (double) g.weight()[r * g.k() + c] * g.x()[c];
            }
            y[r] = s;
        }
        return y;
    }

    @Property(tries = 40)
    void gemvFromTransposed(@ForAll("gemvs") Gemv g) throws IOException {
        float[] t = load(g, "transposed", null).part("data").floats();
        double[] y = new double[g.n()];
        for (int c = 0; c < g.k(); c++) {
            for (int r = 0; r < g.n(); r++) { // rows of the transpose are the columns of W: axpy form
                y[r] += (double) t[c * g.n() + r] * g.x()[c];
            }
        }
        assertClose(naiveGemv(g, false), y);
    }

    @Property(tries = 40)
    void gemvFromPanelsWithBias(@ForAll("gemvs") Gemv g) throws IOException {
        int nr = 1 + g.chunk() % 8;
        int kr = 1 + (g.chunk() / 8) % 4;
        float[] p = load(g, "panels:nr" + nr + ":kr" + kr + ":bias", "b").part("data").floats();
        int kp = (g.k() + kr - 1) / kr * kr;
        float[] x = new float[kp];
        java.util.Arrays.fill(x, 7.0f); // past K: non-zero, cancelled by zero padding
        System.arraycopy(g.x(), 0, x, 0, g.k());
        double[] y = new double[g.n()];
        int at = 0;
        for (int n0 = 0; n0 < g.n(); n0 += nr) {
            double[] acc = new double[nr];
            for (int r = 0; r < nr; r++) {
                acc[r] = p[at++];
            }
            for (int k0 = 0; k0 < kp; k0 += kr) {
                for (int r = 0; r < nr; r++) {
                    for (int j = 0; j < kr; j++) {
                        acc[r] += (double) p[at++] * x[k0 + j];
                    }
                }
            }
            for (int r = 0; r < nr && n0 + r < g.n(); r++) {
                y[n0 + r] = acc[r];
            }
        }
        assertEquals(p.length, at);
        assertClose(naiveGemv(g, true), y);
    }

    @Property(tries = 40)
    void csrSpmv(@ForAll("gemvs") Gemv g) throws IOException {
        LayoutResult r = load(g, "csr", null);
        float[] data = r.part("data").floats();
        int[] indices = r.part("indices").ints();
        int[] indptr = r.part("indptr").ints();
        double[] y = new double[g.n()];
        for (int row = 0; row < g.n(); row++) {
            for (int j = indptr[row]; j < indptr[row + 1]; j++) {
                y[row] += (double) data[j] * g.x()[indices[j]];
            }
        }
        assertClose(naiveGemv(g, false), y);
        int nnz = 0;
        for (float v : g.weight()) {
            nnz += v != 0 ? 1 : 0;
        }
        assertEquals(nnz, data.length, "exactly the non-zeros are stored");
    }

    @Property(tries = 40)
    void bsrSpmv(@ForAll("gemvs") Gemv g) throws IOException {
        int br = 1 + g.chunk() % 4;
        int bc = 1 + (g.chunk() / 4) % 4;
        LayoutResult r = load(g, "bsr:" + br + "x" + bc, null);
        float[] data = r.part("data").floats();
        int[] indices = r.part("indices").ints();
        int[] indptr = r.part("indptr").ints();
        int rowsPadded = (indptr.length - 1) * br;
        float[] x = new float[(g.k() + bc - 1) / bc * bc];
        java.util.Arrays.fill(x, -3.0f); // padding columns: cancelled by zero padding in the blocks
        System.arraycopy(g.x(), 0, x, 0, g.k());
        double[] y = new double[rowsPadded];
        for (int brow = 0; brow < indptr.length - 1; brow++) {
            for (int b = indptr[brow]; b < indptr[brow + 1]; b++) {
                for (int rr = 0; rr < br; rr++) {
                    for (int cc = 0; cc < bc; cc++) {
                        y[brow * br + rr] += (double) data[(b * br + rr) * bc + cc] * x[indices[b] * bc + cc];
                    }
                }
            }
        }
        double[] expected = naiveGemv(g, false);
        assertClose(expected, java.util.Arrays.copyOf(y, g.n()));
        for (int row = g.n(); row < rowsPadded; row++) {
            assertEquals(0.0, y[row], "padding rows");
        }
    }

    @Property(tries = 40)
    void twoFourSpmv(@ForAll("gemvs") Gemv dense) throws IOException {
        float[] w = dense.weight().clone();
        for (int r = 0; r < dense.n(); r++) { // keep at most 2 of every 4: make it 2:4 sparse
            for (int g0 = 0; g0 < dense.k(); g0 += 4) {
                int kept = 0;
                for (int c = g0; c < Math.min(g0 + 4, dense.k()); c++) {
                    if (w[r * dense.k() + c] != 0 && ++kept > 2) {
                        w[r * dense.k() + c] = 0;
                    }
                }
            }
        }
        Gemv g = new Gemv(dense.n(), dense.k(), w, dense.x(), dense.bias(), dense.chunk());
        LayoutResult res = load(g, "nm:2:4", null);
        float[] values = res.part("values").floats();
        ByteBuffer meta = res.part("metadata").buffer();
        int groups = (g.k() + 3) / 4;
        int metaRow = (groups * 2 * 2 + 7) / 8;
        double[] y = new double[g.n()];
        for (int r = 0; r < g.n(); r++) {
            for (int gr = 0; gr < groups; gr++) {
                int byteAt = r * metaRow + gr / 2;
                int nibble = (meta.get(byteAt) >> ((gr % 2) * 4)) & 0xF;
                for (int t = 0; t < 2; t++) {
                    int pos = (nibble >> (2 * t)) & 3;
                    int col = gr * 4 + pos;
                    float v = values[(r * groups + gr) * 2 + t];
                    if (col < g.k()) {
                        y[r] += (double) v * g.x()[col];
                    } else {
                        assertEquals(0f, v, "a position in the row padding holds zero");
                    }
                }
            }
        }
        assertClose(naiveGemv(g, false), y);
    }

    /**
     * A GGUF-style dot product per row, {@code sum_b d_b * sum_j q_j * x_j}: equal (up to
     * summation order) to the dot product of the dequantized weights, and within the
     * quantization error of the f32 one.
     */
    @Property(tries = 40)
    void q8_0Dot(@ForAll("gemvs") Gemv g) throws IOException {
        quantDot(g, true);
    }

    @Property(tries = 30)
    void q4_0Dot(@ForAll("gemvs") Gemv g) throws IOException {
        quantDot(g, false);
    }

    private void quantDot(Gemv g, boolean q8) throws IOException {
        ByteBuffer blocks = load(g, q8 ? "q8_0" : "q4_0", null).part("blocks").buffer();
        int blockBytes = q8 ? 34 : 18;
        int perRow = (g.k() + 31) / 32;
        float[] x = new float[perRow * 32];
        System.arraycopy(g.x(), 0, x, 0, g.k());
        for (int r = 0; r < g.n(); r++) {
            double dot = 0;
            double dequantDot = 0;
            double f32Dot = 0;
            double bound = 0;
            for (int b = 0; b < perRow; b++) {
                int at = (r * perRow + b) * blockBytes;
                double d = FloatBits.halfToFloat(blocks.getShort(at));
                long isum = 0;
                double fsum = 0;
                float amax = 0;
                for (int j = 0; j < 32; j++) {
                    int q = q8 ? blocks.get(at + 2 + j)
                            : ((blocks.get(at + 2 + j % 16) & 0xFF) >> (j < 16 ? 0 : 4) & 0xF) - 8;
                    isum += q; // only to exercise the integer path a kernel would take
                    fsum += q * (double) x[b * 32 + j];
                    int c = b * 32 + j;
                    float wv = c < g.k() ? g.weight()[r * g.k() + c] : 0f;
                    dequantDot += (double) (q * (float) d) * x[c]; // q * d is exact in float, as ggml dequantizes
                    f32Dot += (double) wv * x[c];
                    amax = Math.max(amax, Math.abs(wv));
                }
                dot += d * fsum;
                double scale = q8 ? amax / 127.0 : amax / 8.0;
                double perElement = (q8 ? scale / 2 : scale) * 1.001 + (q8 ? 127 : 8) * Math.abs(Math.abs(d) - scale) + 1e-7;
                for (int j = 0; j < 32; j++) {
                    bound += perElement * Math.abs(x[b * 32 + j]);
                }
                assertTrue(isum >= -32 * 128 && isum <= 32 * 127);
            }
            assertEquals(dequantDot, dot, 1e-9 * (1 + Math.abs(dot)), "row " + r + " vs dequantized");
            assertTrue(Math.abs(f32Dot - dot) <= bound * 1.0001 + 1e-6,
                    "row " + r + ": " + dot + " vs f32 " + f32Dot + ", bound " + bound);
        }
    }

    // ---- plumbing ----

    private static LayoutResult load(Conv c, String spec) throws IOException {
        Path p = pack(c.weight(), new long[] {c.o(), c.i(), c.kh(), c.kw()}, c.chunk(), null);
        try (WpkPackage pkg = WpkPackage.open(p)) {
            return loadDirty(pkg, spec, LayoutOptions.DEFAULTS);
        } finally {
            Files.delete(p);
        }
    }

    private static LayoutResult load(Gemv g, String spec, String bias) throws IOException {
        Path p = pack(g.weight(), new long[] {g.n(), g.k()}, g.chunk(), g.bias());
        try (WpkPackage pkg = WpkPackage.open(p)) {
            LayoutOptions o = bias == null ? LayoutOptions.DEFAULTS : LayoutOptions.DEFAULTS.withBiasTensor(bias);
            return loadDirty(pkg, spec, o);
        } finally {
            Files.delete(p);
        }
    }

    /** Fixed-size parts go to caller buffers pre-filled with garbage, as a runtime's reused arena would be. */
    private static LayoutResult loadDirty(WpkPackage pkg, String spec, LayoutOptions o) throws IOException {
        LayoutReferenceTest.DirtySinks sinks = new LayoutReferenceTest.DirtySinks();
        Layout l = Layout.parse(spec);
        LayoutResult r = LayoutLoader.load(pkg, "w", l, o, sinks);
        return sinks.collect(r, LayoutPlan.of(l, pkg.tensor("w"), o));
    }

    private static Path pack(float[] w, long[] shape, int chunk, float[] bias) throws IOException {
        List<TestPackages.Spec> specs = new ArrayList<>();
        specs.add(new TestPackages.Spec("w", DType.F32, shape, LayoutCases.encode(DType.F32, w), chunk,
                chunk % 2 == 0 ? Codecs.DEFLATE : Codecs.RAW, null));
        if (bias != null) {
            specs.add(TestPackages.Spec.of("b", DType.F32, new long[] {bias.length}, LayoutCases.encode(DType.F32, bias)));
        }
        return TestPackages.write(dir, specs);
    }

    private static void assertClose(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length);
        for (int j = 0; j < expected.length; j++) {
            assertEquals(expected[j], actual[j], 1e-9 * (1 + Math.abs(expected[j])), "element " + j);
        }
    }

    static float[] floatsOf(ByteBuffer b) {
        float[] f = new float[b.remaining() / 4];
        b.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }
}
