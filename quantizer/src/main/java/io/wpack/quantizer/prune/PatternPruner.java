package io.wpack.quantizer.prune;

import io.wpack.formats.Verify;
import io.wpack.formats.WpkFormatException;
import io.wpack.quantizer.FiniteValues;
import io.wpack.quantizer.WeightView;

import java.util.Arrays;

/**
 * Kernel-pattern and connectivity pruning for convolutions, after PatDNN (Niu et al., 2020).
 *
 * <ol>
 *   <li><b>Patterns.</b> Every kh×kw kernel keeps {@value #ENTRIES_PER_KERNEL} positions. The
 *       library of P patterns is mined from the tensor: each nonzero kernel votes for its own
 *       shape (the centre, when kh and kw are both odd, plus its largest-magnitude other
 *       positions; ties: lower position), and the P most voted shapes win (ties: smaller
 *       bitmask). PatDNN found the centre in every useful 3×3 pattern, hence forcing it.</li>
 *   <li><b>Assignment.</b> Each kernel takes the library pattern that retains the most of its
 *       squared L2 norm (ties: lower pattern index).</li>
 *   <li><b>Connectivity.</b> Whole kernels are removed, smallest retained norm first (ties:
 *       lower kernel index), while the survivors stay at or above
 *       {@code keepCount(n, s)}. Pattern pruning alone already reaches
 *       {@code 1 - 4 / (kh kw)}; a lower target removes no kernels.</li>
 * </ol>
 *
 * <p>A pattern is a bitmask over the kernel's positions, bit {@code y * kw + x}, so a kernel
 * has at most 63 positions. Kernels are
 * numbered row-major over the two non-spatial axes in axis order: for OIHW, {@code o * I + i};
 * for HWIO, {@code i * O + o}.
 */
public final class PatternPruner {
    public static final int ENTRIES_PER_KERNEL = 4;

    private PatternPruner() {
    }

    /**
     * Rank-4 weights whose spatial axes are the two that are neither the channel nor the
     * reduction axis (OIHW, HWIO). A depthwise layout's reduction axis is itself spatial
     * ({@link io.wpack.quantizer.ChannelAxes}), so pass its axes explicitly.
     */
    public static PatternPruning prune(WeightView view, int patternCount, double sparsity) throws WpkFormatException {
        Verify.verify(view.rank() == 4, "tensor \"%s\": kernel patterns need a rank-4 convolution weight, not rank %d",
                view.name(), view.rank());
        int[] spatial = new int[2];
        int t = 0;
        for (int a = 0; a < 4; a++) {
            if (a != view.channelAxis() && a != view.reductionAxis() && t < 2) {
                spatial[t++] = a;
            }
        }
        Verify.verify(t == 2, "tensor \"%s\": cannot tell the spatial axes from %s", view.name(), view.axes());
        return prune(view, spatial[0], spatial[1], patternCount, sparsity);
    }

    /**
     * @param patternCount P, the library size: 1 to 64 (PatDNN uses 4 to 16)
     */
    public static PatternPruning prune(WeightView view, int heightAxis, int widthAxis, int patternCount,
                                       double sparsity) throws WpkFormatException {
        if (patternCount < 1 || patternCount > 64) {
            throw new IllegalArgumentException("pattern count must be 1..64: " + patternCount);
        }
        Sparsity.check(sparsity);
        Verify.verify(view.rank() == 4 && heightAxis != widthAxis && heightAxis >= 0 && widthAxis >= 0
                        && heightAxis < 4 && widthAxis < 4,
                "tensor \"%s\": spatial axes %d, %d do not fit a rank-%d weight", view.name(), heightAxis, widthAxis,
                view.rank());
        FiniteValues.require(view);
        int kh = view.dim(heightAxis);
        int kw = view.dim(widthAxis);
        int positions = kh * kw;
        Verify.verify(positions >= ENTRIES_PER_KERNEL && positions <= 63,
                "tensor \"%s\": a %dx%d kernel cannot hold %d-entry patterns", view.name(), kh, kw, ENTRIES_PER_KERNEL);

        int[] other = new int[2];
        int t = 0;
        for (int a = 0; a < 4; a++) {
            if (a != heightAxis && a != widthAxis) {
                other[t++] = a;
            }
        }
        int outerDim = view.dim(other[0]);
        int innerDim = view.dim(other[1]);
        int kernels = outerDim * innerDim;
        int[] base = new int[kernels];
        for (int o = 0; o < outerDim; o++) {
            for (int i = 0; i < innerDim; i++) {
                base[o * innerDim + i] = o * view.stride(other[0]) + i * view.stride(other[1]);
            }
        }
        int[] offset = new int[positions];
        for (int y = 0; y < kh; y++) {
            for (int x = 0; x < kw; x++) {
                offset[y * kw + x] = y * view.stride(heightAxis) + x * view.stride(widthAxis);
            }
        }
        int centre = (kh % 2 == 1 && kw % 2 == 1) ? (kh / 2) * kw + kw / 2 : -1;

        float[] values = view.values();
        double[] squares = new double[positions];
        long[] votes = new long[kernels];
        int voters = 0;
        for (int k = 0; k < kernels; k++) {
            if (load(values, base[k], offset, squares)) {
                votes[voters++] = ownShape(squares, centre);
            }
        }
        long[] library = mostFrequent(Arrays.copyOf(votes, voters), patternCount);
        if (library.length == 0) {
            library = new long[] {ownShape(new double[positions], centre)};
        }

        int[] kernelPatterns = new int[kernels];
        double[] retained = new double[kernels];
        for (int k = 0; k < kernels; k++) {
            load(values, base[k], offset, squares);
            int best = 0;
            double bestEnergy = -1;
            for (int p = 0; p < library.length; p++) {
                double e = 0;
                for (long bits = library[p]; bits != 0; bits &= bits - 1) {
                    e += squares[Long.numberOfTrailingZeros(bits)];
                }
                if (e > bestEnergy) {
                    bestEnergy = e;
                    best = p;
                }
            }
            kernelPatterns[k] = best;
            retained[k] = bestEnergy;
        }

        long target = Sparsity.keepCount(values.length, sparsity);
        long kept = (long) kernels * ENTRIES_PER_KERNEL;
        for (int k : Ordering.ascending(retained)) {
            if (kept - ENTRIES_PER_KERNEL < target) {
                break;
            }
            kernelPatterns[k] = -1;
            kept -= ENTRIES_PER_KERNEL;
        }

        boolean[] keep = new boolean[values.length];
        for (int k = 0; k < kernels; k++) {
            if (kernelPatterns[k] < 0) {
                continue;
            }
            for (long bits = library[kernelPatterns[k]]; bits != 0; bits &= bits - 1) {
                keep[base[k] + offset[Long.numberOfTrailingZeros(bits)]] = true;
            }
        }
        return new PatternPruning(new PruningMask(keep), kh, kw, library, kernelPatterns);
    }

    /** Squares of one kernel's values; whether any is nonzero. */
    private static boolean load(float[] values, int base, int[] offset, double[] squares) {
        boolean nonzero = false;
        for (int p = 0; p < offset.length; p++) {
            double x = values[base + offset[p]];
            squares[p] = x * x;
            nonzero |= x != 0;
        }
        return nonzero;
    }

    /** The centre (if any) plus the largest other positions, up to {@link #ENTRIES_PER_KERNEL}. */
    private static long ownShape(double[] squares, int centre) {
        long shape = centre >= 0 ? 1L << centre : 0;
        for (int taken = Long.bitCount(shape); taken < ENTRIES_PER_KERNEL; taken++) {
            int best = -1;
            for (int p = 0; p < squares.length; p++) {
                if ((shape & (1L << p)) == 0 && (best < 0 || squares[p] > squares[best])) {
                    best = p;
                }
            }
            shape |= 1L << best;
        }
        return shape;
    }

    /** Up to {@code count} distinct shapes, most frequent first; equal counts: smaller bitmask first. */
    private static long[] mostFrequent(long[] shapes, int count) {
        Arrays.sort(shapes);
        int distinct = 0;
        long[] shape = new long[shapes.length];
        long[] frequency = new long[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            if (i == 0 || shapes[i] != shapes[i - 1]) {
                shape[distinct++] = shapes[i];
            }
            frequency[distinct - 1]++;
        }
        double[] rank = new double[distinct];
        for (int d = 0; d < distinct; d++) {
            rank[d] = -frequency[d]; // ascending order of -frequency, stable: ties keep the smaller bitmask
        }
        int[] order = Ordering.ascending(rank);
        long[] out = new long[Math.min(count, distinct)];
        for (int i = 0; i < out.length; i++) {
            out[i] = shape[order[i]];
        }
        return out;
    }
}
