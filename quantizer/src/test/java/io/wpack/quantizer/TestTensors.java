package io.wpack.quantizer;

import io.wpack.formats.WpkFormatException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Generators for tensors, built by combining arbitraries (never filtering) so that shrinking works. */
public final class TestTensors {
    private TestTensors() {
    }

    /** A tensor with its shape and axes; {@link #view()} wraps it. */
    public record Tensor(int[] shape, float[] values, LayerAxes axes) {
        public WeightView view() {
            try {
                return WeightView.of("t", values, shape, axes);
            } catch (WpkFormatException e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public String toString() {
            return "Tensor" + Arrays.toString(shape) + " " + axes + " " + Arrays.toString(values);
        }
    }

    /** Weight-like values: mostly moderate, some exact zeros, the occasional large or tiny one. */
    public static Arbitrary<Float> weights() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, Arbitraries.just(0f)),
                net.jqwik.api.Tuple.of(12, Arbitraries.floats().between(-4f, 4f)),
                net.jqwik.api.Tuple.of(2, Arbitraries.floats().between(-1e4f, 1e4f)),
                net.jqwik.api.Tuple.of(1, Arbitraries.floats().between(-1f, 1f).map(f -> f * 1e-30f)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(1f, -1f, 0.5f, 3f)));
    }

    /** Finite floats up to 2^125 in magnitude (an eighth of the float32 limit), subnormals included. */
    public static Arbitrary<Float> wideRange() {
        return signedBits(0x7C7FFFFF);
    }

    /** Any finite float, including subnormals and values near the float32 limit. */
    public static Arbitrary<Float> anyFinite() {
        return signedBits(0x7F7FFFFF);
    }

    /** Magnitude bits up to {@code maxBits}, negated for negative integers: shrinks towards 0. */
    private static Arbitrary<Float> signedBits(int maxBits) {
        return Arbitraries.integers().between(-maxBits, maxBits)
                .map(b -> b < 0 ? -Float.intBitsToFloat(-b) : Float.intBitsToFloat(b));
    }

    /** Rank 1 to 4, dimensions 1 to {@code maxDim}, random channel and reduction axes. */
    public static Arbitrary<Tensor> tensors(int maxDim, Arbitrary<Float> elements) {
        return Arbitraries.integers().between(1, maxDim).list().ofMinSize(1).ofMaxSize(4).flatMap(dims -> {
            int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
            int size = dims.stream().reduce(1, (a, b) -> a * b);
            int rank = shape.length;
            Arbitrary<LayerAxes> axes = Combinators.combine(
                    Arbitraries.integers().between(-1, rank - 1),
                    Arbitraries.integers().between(0, rank - 1)).as((c, r) ->
                    c.equals(r) ? new LayerAxes(-1, r) : new LayerAxes(c, r));
            return Combinators.combine(axes, elements.list().ofSize(size))
                    .as((a, vs) -> new Tensor(shape, toArray(vs), a));
        });
    }

    /** Weight-like 2-D matrices [rows, cols] with the default axes. */
    public static Arbitrary<Tensor> matrices(int maxRows, int maxCols) {
        return Combinators.combine(Arbitraries.integers().between(1, maxRows), Arbitraries.integers().between(1, maxCols))
                .flatAs((r, c) -> weights().list().ofSize(r * c)
                        .map(vs -> new Tensor(new int[] {r, c}, toArray(vs), new LayerAxes(0, 1))));
    }

    public static float[] toArray(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    /** Gaussian weights, seeded, with a fraction of exact zeros. */
    public static float[] gaussian(int n, long seed, double zeroFraction) {
        Random random = new Random(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = random.nextDouble() < zeroFraction ? 0f : (float) (random.nextGaussian() * 0.05);
        }
        return out;
    }
}
