package io.wpack.loader.layout;

import io.wpack.encoders.ByteCodec;
import io.wpack.encoders.Codecs;
import io.wpack.formats.FloatBits;
import io.wpack.formats.proto.DType;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Generators for layout properties: a tensor (shape, dtype, values with many zeros and some
 * negative zeros), how it is packed (chunk size, codec, f16 widened to f32), and a layout of
 * one family that applies to it. Built by combining arbitraries, not by filtering.
 */
final class LayoutCases {
    private LayoutCases() {
    }

    static final String[] DEFAULT_NAMES = {"", "O", "OI", "OIW", "OIHW", "OIDHW"};

    /** Everything a property needs to pack a tensor and ask for a layout. */
    record Case(Layout layout, String sourceLayout, DType dtype, long[] shape, float[] values, int chunkElements,
                ByteCodec codec, boolean widened, float[] bias) {
        /** The stored payload: values in the dtype, or in f16 when widened to an f32 logical dtype. */
        byte[] payload() {
            return encode(widened ? DType.F16 : dtype, values);
        }

        TestPackages.Spec spec(String name) {
            return new TestPackages.Spec(name, dtype, shape, payload(), chunkElements, codec,
                    widened ? DType.F16 : null);
        }

        @Override
        public String toString() {
            return layout.spec() + " src=" + sourceLayout + " " + dtype + Arrays.toString(shape) + (widened ? " widened" : "")
                    + " chunk=" + chunkElements + " " + codec.name() + " bias=" + (bias != null);
        }
    }

    static byte[] encode(DType d, float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * TestPackages.byteSize(d)).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            switch (d) {
                case F32:
                    b.putFloat(x);
                    break;
                case F64:
                    b.putDouble(x);
                    break;
                case F16:
                    b.putShort(FloatBits.floatToHalf(x));
                    break;
                case BF16:
                    b.putShort(FloatBits.floatToBf16(x));
                    break;
                case I8:
                    b.put((byte) Math.max(-128, Math.min(127, Math.round(x))));
                    break;
                case U8:
                    b.put((byte) Math.max(0, Math.min(255, Math.round(x))));
                    break;
                case I32:
                    b.putInt(Math.round(x));
                    break;
                default:
                    throw new IllegalArgumentException(d.toString());
            }
        }
        return b.array();
    }

    static boolean isFloat(DType d) {
        return d == DType.F32 || d == DType.F16 || d == DType.BF16 || d == DType.F64;
    }

    // ---- building blocks ----

    static Arbitrary<Float> value() {
        return Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.just(0.0f)),
                Tuple.of(1, Arbitraries.just(-0.0f)),
                Tuple.of(3, Arbitraries.integers().between(-40, 40).map(i -> i / 4.0f)),
                Tuple.of(3, Arbitraries.floats().between(-100f, 100f)));
    }

    static Arbitrary<float[]> values(long n) {
        return value().array(float[].class).ofSize((int) n);
    }

    static Arbitrary<DType> anyDtype() {
        return Arbitraries.of(DType.F32, DType.F16, DType.BF16, DType.F64, DType.I8, DType.U8, DType.I32);
    }

    static Arbitrary<DType> floatDtype() {
        return Arbitraries.of(DType.F32, DType.F16, DType.BF16, DType.F64);
    }

    static Arbitrary<DType> targetFor(DType source) {
        if (!isFloat(source)) {
            return Arbitraries.just(null);
        }
        return Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just(null)),
                Tuple.of(1, Arbitraries.of(DType.F32, DType.F16, DType.BF16)));
    }

    static Arbitrary<Integer> chunkElements() {
        return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(Integer.MAX_VALUE)),
                Tuple.of(3, Arbitraries.integers().between(1, 70)));
    }

    static Arbitrary<ByteCodec> codec() {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(Codecs.RAW)),
                Tuple.of(2, Arbitraries.just(Codecs.DEFLATE)), Tuple.of(2, Arbitraries.just(LiteralLz4Codec.INSTANCE)));
    }

    /** Dims of a rank, small enough that the oracle stays fast; zero now and then. */
    static Arbitrary<long[]> shape(int rank, int maxDim) {
        Arbitrary<Long> dim = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(0L)),
                Tuple.of(20, Arbitraries.longs().between(1, maxDim)));
        return dim.list().ofSize(rank).map(l -> l.stream().mapToLong(Long::longValue).toArray());
    }

    static Arbitrary<long[]> anyShape() {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(new long[0])),
                Tuple.of(2, shape(1, 40)),
                Tuple.of(4, shape(2, 24)),
                Tuple.of(2, shape(3, 8)),
                Tuple.of(5, shape(4, 7)),
                Tuple.of(1, shape(5, 4)));
    }

    static Arbitrary<String> permutationOf(String letters) {
        List<Character> cs = new ArrayList<>();
        for (char c : letters.toCharArray()) {
            cs.add(c);
        }
        return Arbitraries.shuffle(cs).map(l -> {
            StringBuilder sb = new StringBuilder();
            l.forEach(sb::append);
            return sb.toString();
        });
    }

    /** A declared source layout (a permutation of other letters) or null for the default names. */
    static Arbitrary<String> sourceLayout(int rank) {
        String letters = "ABDEFGJKLMPQ".substring(0, rank);
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(null)),
                Tuple.of(1, permutationOf(rank == 4 ? "HWIO" : letters)));
    }

    static String names(int rank, String declared) {
        return declared != null ? declared : DEFAULT_NAMES[rank];
    }

    /** A tensor plus packing choices; the layout is chosen by {@code layoutFor}. */
    interface LayoutChooser {
        Arbitrary<Layout> layoutFor(long[] shape, DType dtype, String sourceLayout);
    }

    static Arbitrary<Case> cases(Arbitrary<long[]> shapes, Arbitrary<DType> dtypes, boolean declareSource,
                                 LayoutChooser chooser) {
        return shapes.flatMap(shape -> dtypes.flatMap(dtype -> {
            Arbitrary<String> src = declareSource && shape.length >= 1 ? sourceLayout(shape.length)
                    : Arbitraries.just(null);
            return src.flatMap(source -> {
                long n = 1;
                for (long d : shape) {
                    n *= d;
                }
                long count = n;
                Arbitrary<Boolean> widened = dtype == DType.F32 ? Arbitraries.of(false, false, true)
                        : Arbitraries.just(false);
                return Combinators.combine(chooser.layoutFor(shape, dtype, source), values(count), chunkElements(),
                        codec(), widened).as((layout, vals, chunk, codec, wide) ->
                        new Case(layout, source, dtype, shape, vals, chunk, codec, wide, null));
            });
        }));
    }

    // ---- layout families ----

    static Arbitrary<Layout> dense(long[] shape, DType dtype, String source) {
        int r = shape.length;
        String names = names(r, source);
        Arbitrary<String> axes = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just("")),
                Tuple.of(4, permutationOf(names)));
        if (r == 4 && source == null) {
            // The N/C aliases: NHWC, NCHW, ... on an OIHW weight.
            axes = Arbitraries.frequencyOf(Tuple.of(4, axes),
                    Tuple.of(1, permutationOf("NCHW")));
        }
        return Combinators.combine(axes, targetFor(dtype)).as(Layout.Dense::new);
    }

    /**
     * Dense layouts that move nothing in memory: no axes, the source's own order, or an order
     * that moves only axes of size one; with every target dtype a float tensor converts to.
     */
    static Arbitrary<Layout> denseInOrder(long[] shape, DType dtype, String source) {
        String names = names(shape.length, source);
        Arbitrary<String> axes = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just("")),
                Tuple.of(2, Arbitraries.just(names)),
                Tuple.of(2, Arbitraries.randoms().map(random -> {
                    // Non-unit axes keep their order; each unit axis goes to a random place among them.
                    StringBuilder sb = new StringBuilder();
                    List<Character> unit = new ArrayList<>();
                    for (int i = 0; i < names.length(); i++) {
                        if (shape[i] == 1) {
                            unit.add(names.charAt(i));
                        } else {
                            sb.append(names.charAt(i));
                        }
                    }
                    for (char u : unit) {
                        sb.insert(random.nextInt(sb.length() + 1), u);
                    }
                    return sb.toString();
                })));
        Arbitrary<DType> target = isFloat(dtype)
                ? Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(null)),
                        Tuple.of(3, Arbitraries.of(DType.F32, DType.F16, DType.BF16)))
                : Arbitraries.just(null);
        return Combinators.combine(axes, target).as(Layout.Dense::new);
    }

    /** Shapes with axes of size one among the others, as 1x1 convolutions and vectors have. */
    static Arbitrary<long[]> shapeWithUnitAxes() {
        Arbitrary<Long> dim = Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just(1L)),
                Tuple.of(3, Arbitraries.longs().between(2, 9)));
        return Arbitraries.integers().between(1, 5).flatMap(rank -> dim.list().ofSize(rank)
                .map(l -> l.stream().mapToLong(Long::longValue).toArray()));
    }

    static Arbitrary<Layout> transposed(long[] shape, DType dtype, String source) {
        return targetFor(dtype).map(Layout.Transposed::new);
    }

    /** A oneDNN format: outer letters permuted, each axis with 0, 1 or 2 inner blocks, inner order shuffled. */
    static Arbitrary<Layout> blocked(long[] shape, DType dtype, String source) {
        String names = names(shape.length, source);
        Arbitrary<List<Integer>> blocks = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(Collections.<Integer>emptyList())),
                Tuple.of(3, Arbitraries.integers().between(1, 9).list().ofSize(1)),
                Tuple.of(1, Arbitraries.integers().between(1, 4).list().ofSize(2)));
        return Combinators.combine(permutationOf(names), blocks.list().ofSize(names.length()),
                Arbitraries.randoms(), targetFor(dtype)).as((outer, perAxis, random, target) -> {
            List<String> inner = new ArrayList<>();
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < outer.length(); i++) {
                char a = outer.charAt(i);
                List<Integer> bs = perAxis.get(i);
                sb.append(bs.isEmpty() ? Character.toLowerCase(a) : a);
                for (int b : bs) {
                    inner.add(b + String.valueOf(Character.toLowerCase(a)));
                }
            }
            Collections.shuffle(inner, random);
            for (String s : inner) {
                sb.append(s);
            }
            return Layout.parse("blocked:" + sb + (target == null ? "" : ":" + Layout.dtypeName(target)));
        });
    }

    static Arbitrary<Layout> panels(long[] shape, DType dtype, String source) {
        int r = shape.length;
        Arbitrary<String> axes = r == 0 ? Arbitraries.just("")
                : Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just("")), Tuple.of(1, permutationOf(names(r, source))));
        return Combinators.combine(axes, Arbitraries.integers().between(1, 9), Arbitraries.integers().between(1, 5),
                Arbitraries.of(false, true), targetFor(dtype)).as(Layout.Panels::new);
    }

    static Arbitrary<Layout> csr(long[] shape, DType dtype, String source) {
        return targetFor(dtype).map(Layout.Csr::new);
    }

    static Arbitrary<Layout> bsr(long[] shape, DType dtype, String source) {
        return Combinators.combine(Arbitraries.integers().between(1, 5), Arbitraries.integers().between(1, 5),
                targetFor(dtype)).as(Layout.Bsr::new);
    }

    static Arbitrary<Layout> nm(long[] shape, DType dtype, String source) {
        return Arbitraries.integers().between(2, 8).flatMap(m -> Combinators.combine(
                Arbitraries.integers().between(1, m), targetFor(dtype)).as((n, t) -> new Layout.NM(n, m, t)));
    }

    /** Zeroes values so that every group of M along the matrix rows has at most N non-zeros. */
    static Case makeNMSparse(Case c) {
        Layout.NM l = (Layout.NM) c.layout();
        long[] m = ReferenceLayouts.matrix(c.shape());
        float[] v = c.values().clone();
        for (long r = 0; r < m[0]; r++) {
            for (long g = 0; g < m[1]; g += l.m()) {
                int kept = 0;
                for (long j = g; j < Math.min(g + l.m(), m[1]); j++) {
                    int i = (int) (r * m[1] + j);
                    if (v[i] != 0) {
                        if (kept == l.n()) {
                            v[i] = 0;
                        } else {
                            kept++;
                        }
                    }
                }
            }
        }
        return new Case(c.layout(), c.sourceLayout(), c.dtype(), c.shape(), v, c.chunkElements(), c.codec(),
                c.widened(), c.bias());
    }
}
