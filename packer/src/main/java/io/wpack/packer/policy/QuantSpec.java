package io.wpack.packer.policy;

import java.util.Locale;

/**
 * A quantization choice, parsed from the CLI shorthand or a config file:
 * <pre>
 *   none
 *   int8 | int4 | intN (N = 2..8) | uint8 | uintN      [:tensor | :channel | :groupG] [:sym | :affine] [:f16 | :f32]
 *                                                      [:mergeS]
 *   kmeans:K                                           [:tensor | :channel] [:f16 | :f32]
 *   fp16 | bf16 | fp8 | fp8:e4m3 | fp8:e5m2
 * </pre>
 * Integers default to symmetric, per channel, with scales rounded up to binary16 (two bytes
 * each in the manifest; {@code :f32} keeps them binary32); k-means to one codebook per tensor in
 * fp16. {@code halfPrecision} is that f16 / f32 choice, for scales or codebooks. {@code :mergeS}
 * (S = 1..255, off by default) is the optional lossy block merge: blocks of four codes along the
 * reduction axis within S quantization steps of a frequent block, with the same zeros, become that
 * block, so they code as dictionary hits; the extra error is in the tensor's measured error.
 */
public record QuantSpec(Kind kind, int bits, boolean signed, boolean symmetric, Granularity granularity, int groupSize,
                        int entries, boolean halfPrecision, String floatFormat, String text, int mergeSteps) {

    public QuantSpec(Kind kind, int bits, boolean signed, boolean symmetric, Granularity granularity, int groupSize,
                     int entries, boolean halfPrecision, String floatFormat, String text) {
        this(kind, bits, signed, symmetric, granularity, groupSize, entries, halfPrecision, floatFormat, text, 0);
    }

    public enum Kind { NONE, INTEGER, CODEBOOK, FLOAT }

    public enum Granularity { TENSOR, CHANNEL, GROUP }

    public static final QuantSpec NONE = new QuantSpec(Kind.NONE, 0, false, false, Granularity.TENSOR, 0, 0, false,
            null, "none");

    public boolean isLossless() {
        return kind == Kind.NONE;
    }

    /** Parses the shorthand; throws IllegalArgumentException with a message that shows the grammar. */
    public static QuantSpec parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        String[] parts = t.split(":");
        String head = parts[0];
        try {
            if (head.equals("none") && parts.length == 1) {
                return NONE;
            }
            if (head.matches("u?int[2-8]")) {
                boolean signed = !head.startsWith("u");
                int bits = Integer.parseInt(head.substring(signed ? 3 : 4));
                Granularity g = Granularity.CHANNEL;
                int group = 0;
                boolean sym = true;
                boolean half = true;
                int merge = 0;
                for (int i = 1; i < parts.length; i++) {
                    String p = parts[i];
                    if (p.startsWith("merge")) {
                        merge = Integer.parseInt(p.substring(5));
                        if (merge < 1 || merge > 255) {
                            throw new IllegalArgumentException("merge takes 1 to 255 quantization steps, got " + merge);
                        }
                    } else if (p.equals("f16")) {
                        half = true;
                    } else if (p.equals("f32")) {
                        half = false;
                    } else if (p.equals("tensor")) {
                        g = Granularity.TENSOR;
                    } else if (p.equals("channel")) {
                        g = Granularity.CHANNEL;
                    } else if (p.startsWith("group")) {
                        g = Granularity.GROUP;
                        group = Integer.parseInt(p.substring(5));
                        if (group < 1) {
                            throw new IllegalArgumentException("group size must be positive");
                        }
                    } else if (p.equals("sym") || p.equals("symmetric")) {
                        sym = true;
                    } else if (p.equals("affine") || p.equals("asym")) {
                        sym = false;
                    } else {
                        throw new IllegalArgumentException("unknown integer option '" + p + "'");
                    }
                }
                return new QuantSpec(Kind.INTEGER, bits, signed, sym, g, group, 0, half, null, t, merge);
            }
            if (head.equals("kmeans") && parts.length >= 2) {
                int k = Integer.parseInt(parts[1]);
                if (k < 2 || k > 256) {
                    throw new IllegalArgumentException("k-means needs 2 to 256 centroids, got " + k);
                }
                Granularity g = Granularity.TENSOR;
                boolean half = true;
                for (int i = 2; i < parts.length; i++) {
                    switch (parts[i]) {
                        case "tensor" -> g = Granularity.TENSOR;
                        case "channel" -> g = Granularity.CHANNEL;
                        case "f16" -> half = true;
                        case "f32" -> half = false;
                        default -> throw new IllegalArgumentException("unknown k-means option '" + parts[i] + "'");
                    }
                }
                return new QuantSpec(Kind.CODEBOOK, 8, false, false, g, 0, k, half, null, t);
            }
            if ((head.equals("fp16") || head.equals("bf16")) && parts.length == 1) {
                return new QuantSpec(Kind.FLOAT, 16, true, true, Granularity.TENSOR, 0, 0, false, head, t);
            }
            if (head.equals("fp8") && parts.length <= 2) {
                String f = parts.length == 2 ? parts[1] : "e4m3";
                if (!f.equals("e4m3") && !f.equals("e5m2")) {
                    throw new IllegalArgumentException("fp8 comes as e4m3 or e5m2");
                }
                return new QuantSpec(Kind.FLOAT, 8, true, true, Granularity.TENSOR, 0, 0, false, "fp8_" + f, t);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cannot read a number in quantization '" + text + "'");
        }
        throw new IllegalArgumentException("unknown quantization '" + text
                + "': use none, int8, int4, intN, uint8, kmeans:K, fp16, bf16 or fp8, with :tensor, :channel or :groupG"
                + " (e.g. int8:channel, int4:group32, kmeans:16)");
    }

    @Override
    public String toString() {
        return text;
    }
}
