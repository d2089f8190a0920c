package io.wpack.patterns;

import io.wpack.encoders.ByteCodec;
import io.wpack.encoders.ChannelContextCodec;
import io.wpack.encoders.Codecs;
import io.wpack.encoders.ModelHuffmanCodec;
import io.wpack.encoders.pattern.BlockDictCodec;
import io.wpack.encoders.pattern.MaskValuesCodec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The pattern miner's two entry points:
 * <ul>
 * <li>{@link #analyse}: everything about a tensor's patterns for {@code wpack mine}: distinct
 *     patterns per block shape, coverage of the top K, H0, and the estimated size of every
 *     scheme (huffman, huffman-nz, a planned block dictionary per shape, maskvalues per layout).
 * <li>{@link #choose}: the packer's fast path, the codec to use and its configuration, from a
 *     few estimates: linear in the tensor, one maskvalues analysis, and a block dictionary only
 *     when a sample says repeated blocks could pay.
 * </ul>
 * Estimates of the Huffman codecs come from histograms; maskvalues' from its encoder's own
 * analysis (within a few bytes); block dictionaries' from {@link DictionaryPlanner}.
 */
public final class PatternAnalyzer {
    /** Top-K coverages reported per shape. */
    public static final int[] COVERAGE_K = {16, 256, 4096};
    /**
     * maskvalues block lengths {@link #choose} tries: 4 keeps the mask tables of many segment
     * classes small, 8 codes the masks of very sparse tensors in fewer symbols. On the corpus
     * the pair gains 0.2 to 1% over either alone.
     */
    static final int[] MASK_BLOCKS = {4, 8};
    /** Value blocks sampled by {@link #choose} before it plans a dictionary. */
    static final int DICTIONARY_SAMPLE_BLOCKS = 1 << 11;

    private PatternAnalyzer() {
    }

    public static PatternReport analyse(String name, byte[] codes, long[] shape, int reductionAxis) {
        return analyse(new CodeTensor(name, codes, shape, reductionAxis));
    }

    /**
     * As {@link #analyse(CodeTensor, int)} for the codes of {@code name}; {@code channelAxis}
     * is the quantizer's channel axis, -1 when unknown.
     */
    public static PatternReport analyse(String name, byte[] codes, long[] shape, int reductionAxis, int channelAxis) {
        return analyse(new CodeTensor(name, codes, shape, reductionAxis), channelAxis);
    }

    public static PatternReport analyse(CodeTensor t) {
        return analyse(t, -1);
    }

    /**
     * The pattern statistics and every scheme's estimate. Beside the pattern schemes, two codecs
     * the packer also tries on small tensors are encoded exactly: huffman-model, and, for at most
     * {@link ChannelContextCodec#MAX_CANDIDATE_BYTES} codes with a known channel axis, channel-ac,
     * which is picked, as by the packer, only at 99% or less of the best other scheme.
     */
    public static PatternReport analyse(CodeTensor t, int channelAxis) {
        long n = t.size();
        long[] hist = t.histogram();
        int zero = PatternMiner.zeroByte(t);
        List<PatternReport.ShapeStats> shapes = new ArrayList<>();
        List<PatternReport.SchemeEstimate> schemes = new ArrayList<>();
        schemes.add(estimate("huffman", "", SectionEstimates.huffman(hist), n, true));
        schemes.add(estimate("huffman-nz", "", SectionEstimates.huffmanNonZero(t.codes(), hist), n, true));
        for (BlockShape shape : PatternMiner.shapesFor(t)) {
            BlockCounts values = PatternMiner.countValues(t, shape);
            BlockCounts masks = PatternMiner.countMasks(t, shape, zero);
            if (values.blocks() == 0) {
                continue;
            }
            shapes.add(new PatternReport.ShapeStats(shape.label(), values.blocks(), values.distinct(), masks.distinct(),
                    values.coverage(COVERAGE_K[0]), values.coverage(COVERAGE_K[1]), values.coverage(COVERAGE_K[2])));
            PatternPlan plan = DictionaryPlanner.plan(t, values);
            schemes.add(estimate(BlockDictCodec.NAME, shape.label() + " K=" + plan.k(),
                    (long) Math.ceil(plan.estimatedBits() / 8), n, plan.codable()));
        }
        for (CodecLayouts.Candidate c : CodecLayouts.maskValues(t)) {
            long bytes = ((MaskValuesCodec) c.codec()).estimateSize(t.codes(), 0, t.size());
            schemes.add(estimate(MaskValuesCodec.NAME, c.label(), bytes, n, true));
        }
        if (n > 0 && n <= Integer.MAX_VALUE) {
            ModelHuffmanCodec model = ModelHuffmanCodec.choose(t.codes(), 0, (int) n);
            schemes.add(estimate(ModelHuffmanCodec.NAME, "", model.encode(t.codes(), 0, (int) n).length, n, true));
        }
        PatternReport.SchemeEstimate picked = null;
        for (PatternReport.SchemeEstimate s : schemes) {
            if (s.codable() && (picked == null || s.bytes() < picked.bytes())) {
                picked = s;
            }
        }
        if (channelAxis >= 0 && n > 0 && n <= ChannelContextCodec.MAX_CANDIDATE_BYTES) {
            ChannelContextCodec context = ChannelContextCodec.forTensor(t.shape(), channelAxis, t.codes(), (int) n);
            PatternReport.SchemeEstimate ac = estimate(ChannelContextCodec.NAME, "",
                    context.encode(t.codes(), 0, (int) n).length, n, true);
            schemes.add(ac);
            if (ac.bytes() <= picked.bytes() * ChannelContextCodec.MAX_SHARE_OF_BEST) {
                picked = ac;
            }
        }
        double sparsity = n == 0 ? 0 : (double) hist[zero] / n;
        return new PatternReport(t.name(), t.shape(), t.reductionAxis(), n, sparsity, t.entropy(), shapes, schemes,
                picked.label(), picked.bitsPerWeight());
    }

    private static PatternReport.SchemeEstimate estimate(String scheme, String detail, long bytes, long n,
            boolean codable) {
        return new PatternReport.SchemeEstimate(scheme, detail, bytes, n == 0 ? 0 : 8.0 * bytes / n, codable);
    }

    /**
     * The codec for a tensor and its configuration. Candidates: huffman and huffman-nz
     * (estimated from histograms); maskvalues in blocks of 4 or of 8 with segments along the
     * axis {@link SegmentAxes} picks, or the chunk as it is, and of 16 too when at least 70% of
     * the codes are zero, all from one analysis ({@link MaskValuesCodec#encodeSmallest}) and
     * encoded, so exact; maskvalues over whole kernels when few kernel masks occur
     * (pattern-pruned filters); blockdict along the reduction axis when a sample of its blocks
     * plans to less than the best so far.
     */
    public static PatternChoice choose(CodeTensor t) {
        return choose(t, MASK_BLOCKS);
    }

    /**
     * {@link #choose(CodeTensor)} with maskvalues tried for these block lengths only (the
     * segment classes are searched with the first).
     */
    public static PatternChoice choose(CodeTensor t, int... maskBlocks) {
        long n = t.size();
        long[] hist = t.histogram();
        List<PatternChoice> candidates = new ArrayList<>();
        candidates.add(new PatternChoice("huffman", "", Codecs.HUFFMAN, SectionEstimates.huffman(hist)));
        candidates.add(new PatternChoice("huffman-nz", "", Codecs.HUFFMAN_NZ,
                SectionEstimates.huffmanNonZero(t.codes(), hist)));
        if (n == 0) {
            return candidates.get(0);
        }
        int zero = PatternMiner.zeroByte(hist);
        int axis = SegmentAxes.bestAxis(t, zero);
        // maskvalues is encoded rather than estimated: writing costs little next to its analysis,
        // and the exact size is then known.
        int[] blocks = maskBlocks;
        if (maskBlocks == MASK_BLOCKS && hist[zero] >= 0.7 * n) {
            // Mostly zeros: masks of 16 take fewer symbols, and their tables stay small.
            blocks = Arrays.copyOf(maskBlocks, maskBlocks.length + 1);
            blocks[maskBlocks.length] = 16;
        }
        // One analysis for all block lengths (the segment classes are searched once): analysing
        // each length on its own was most of choose's time, for 0.15% smaller streams.
        MaskValuesCodec layout = new MaskValuesCodec(blocks[0]);
        String where = "";
        if (axis >= 0) {
            int[] cs = CodecLayouts.channelSegments(t, axis);
            layout = layout.withLayout(cs[0], cs[1], CodecLayouts.CLASSES);
            where = " segments along axis " + axis;
        }
        MaskValuesCodec.Encoded masked = layout.encodeSmallest(t.codes(), 0, t.size(), blocks);
        candidates.add(new PatternChoice(MaskValuesCodec.NAME, "b" + masked.codec().block() + where, masked.codec(),
                masked.stream().length, masked.stream()));
        int[] k = t.kernelAxes();
        if (k != null) {
            BlockShape kernel = BlockShape.kernel(t.dim(k[0]), k[1] < 0 ? 1 : t.dim(k[1]));
            if (kernel.elements() <= MaskValuesCodec.MAX_BLOCK) {
                BlockCounts masks = PatternMiner.countMasks(t, kernel, zero);
                // A pattern library (PatDNN keeps 6 to 12 patterns) shows as few distinct masks.
                if (masks.distinct() <= 64 && masks.blocks() >= 64) {
                    for (CodecLayouts.Candidate c : CodecLayouts.maskValues(t)) {
                        if (c.label().startsWith("k")) {
                            MaskValuesCodec codec = (MaskValuesCodec) c.codec();
                            byte[] encoded = codec.encode(t.codes(), 0, t.size());
                            candidates.add(new PatternChoice(MaskValuesCodec.NAME, c.label(), codec, encoded.length,
                                    encoded));
                        }
                    }
                }
            }
        }
        PatternChoice best = smallest(candidates);
        PatternChoice dictionary = sampledDictionary(t, best.estimatedBytes());
        if (dictionary != null && dictionary.estimatedBytes() < best.estimatedBytes()) {
            // The plan is an estimate: encode, and keep it only if the stream is smaller indeed.
            // The choice then carries its stream, as maskvalues' does, for the packer to use.
            byte[] encoded = ((BlockDictCodec) dictionary.codec()).encode(t.codes(), 0, t.size());
            if (encoded.length < best.estimatedBytes()) {
                best = new PatternChoice(dictionary.scheme(), dictionary.detail(), dictionary.codec(), encoded.length,
                        encoded);
            }
        }
        return best;
    }

    /** A blockdict choice when a sample of 1×4 blocks along the reduction axis plans below {@code toBeat}, else null. */
    private static PatternChoice sampledDictionary(CodeTensor t, long toBeat) {
        BlockShape shape = BlockShape.ROW_4;
        int columns = CodecLayouts.columnsFor(t, shape);
        long blocks = t.size() / shape.elements();
        if (columns < 0 || blocks < 256) {
            return null;
        }
        // The sample: whole rows of the logical order, evenly spaced; counting it costs little
        // next to one maskvalues analysis.
        CodeTensor sampled = sampleTensor(t, columns);
        BlockCounts sample = PatternMiner.countValues(sampled, shape);
        PatternPlan samplePlan = DictionaryPlanner.plan(sampled, sample);
        double scale = (double) t.size() / Math.max(1, sample.blocks() * shape.elements());
        if (samplePlan.k() == 0 || samplePlan.estimatedBits() / 8 * scale > 0.98 * toBeat) {
            return null;
        }
        PatternPlan plan = DictionaryPlanner.plan(t, PatternMiner.countValues(t, shape));
        if (!plan.codable() || plan.k() == 0) {
            return null;
        }
        ByteCodec codec = plan.codec();
        return new PatternChoice(BlockDictCodec.NAME, shape.label() + " K=" + plan.k(), codec,
                (long) Math.ceil(plan.estimatedBits() / 8));
    }

    /** Up to DICTIONARY_SAMPLE_BLOCKS·4 codes of the logical order (columns as blockdict sees them), as a flat tensor. */
    private static CodeTensor sampleTensor(CodeTensor t, int columns) {
        byte[] codes = t.codes();
        int n = codes.length;
        int want = Math.min(n, DICTIONARY_SAMPLE_BLOCKS * 4);
        byte[] sample = new byte[want / 4 * 4];
        int rows = n / columns;
        long step = Math.max(1, (long) n / Math.max(1, sample.length));
        // Logical index L maps to (row L mod rows, column L / rows) when columns > 1: one
        // division per block, then the row steps on.
        long grid = (long) rows * columns;
        for (int s = 0; s + 4 <= sample.length; s += 4) {
            long start = (s / 4) * step * 4;
            long row = columns > 1 ? start % rows : 0;
            long column = columns > 1 ? start / rows : 0;
            for (int j = 0; j < 4; j++) {
                long l = start + j; // below n: step·sample.length <= n
                int at = columns > 1 && l < grid ? (int) (row * columns + column) : (int) l;
                sample[s + j] = codes[at];
                if (++row == rows) {
                    row = 0;
                    column++;
                }
            }
        }
        return new CodeTensor(t.name() + " (sample)", sample, new long[] {sample.length}, 0);
    }

    private static PatternChoice smallest(List<PatternChoice> candidates) {
        PatternChoice best = candidates.get(0);
        for (PatternChoice c : candidates) {
            if (c.estimatedBytes() < best.estimatedBytes()) {
                best = c;
            }
        }
        return best;
    }

    static String percent(double x) {
        return String.format(Locale.ROOT, "%+.2f%%", 100 * x);
    }
}
