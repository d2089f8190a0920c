package io.wpack.patterns;

import java.util.List;
import java.util.Locale;

/**
 * What {@link PatternAnalyzer#analyse} finds in one tensor, as plain fields for a table row or
 * JSON ({@link #toJson()}).
 *
 * @param h0 order-0 entropy of the codes, bits per weight
 * @param shapes per block shape: distinct value patterns and masks, coverage of the top 16, 256
 *     and 4096 value patterns
 * @param schemes estimated size of every scheme, codable or not
 * @param picked the codable scheme with the smallest estimate, as in {@link SchemeEstimate#label()}
 */
public record PatternReport(String name, long[] shape, int reductionAxis, long elements, double sparsity, double h0,
        List<ShapeStats> shapes, List<SchemeEstimate> schemes, String picked, double pickedBitsPerWeight) {

    /** Pattern statistics of one block shape. */
    public record ShapeStats(String shape, long blocks, int distinctValues, int distinctMasks, double coverage16,
            double coverage256, double coverage4096) {
    }

    /**
     * One coding scheme's estimate.
     *
     * @param scheme {@code huffman}, {@code huffman-nz}, {@code blockdict}, {@code maskvalues}
     * @param detail block shape, K or layout; empty for the plain codecs
     * @param codable whether the codecs can produce it (2×2 dictionaries are estimates only)
     */
    public record SchemeEstimate(String scheme, String detail, long bytes, double bitsPerWeight, boolean codable) {
        public String label() {
            return detail.isEmpty() ? scheme : scheme + " " + detail;
        }
    }

    public PatternReport {
        shape = shape.clone();
        shapes = List.copyOf(shapes);
        schemes = List.copyOf(schemes);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The estimate for a scheme label, or NaN. */
    public double bitsPerWeight(String label) {
        for (SchemeEstimate s : schemes) {
            if (s.label().equals(label)) {
                return s.bitsPerWeight();
            }
        }
        return Double.NaN;
    }

    /** Column titles for {@link #tableRow()}. */
    public static String tableHeader() {
        return String.format(Locale.ROOT, "%-40s %10s %6s %6s %8s %8s %8s %8s %8s  %s", "tensor", "elements", "sparse",
                "H0", "huffman", "huf-nz", "dict", "maskval", "picked", "scheme");
    }

    /** One line: sparsity, H0 and bits per weight of the best of each family, then the pick. */
    public String tableRow() {
        return String.format(Locale.ROOT, "%-40s %10d %6.3f %6.3f %8.3f %8.3f %8.3f %8.3f %8.3f  %s", shortName(),
                elements, sparsity, h0, best("huffman"), best("huffman-nz"), best("blockdict"), best("maskvalues"),
                pickedBitsPerWeight, picked);
    }

    /** The smallest codable estimate of a scheme family, or NaN. */
    public double best(String scheme) {
        double best = Double.NaN;
        for (SchemeEstimate s : schemes) {
            if (s.scheme().equals(scheme) && s.codable() && !(s.bitsPerWeight() >= best)) {
                best = s.bitsPerWeight();
            }
        }
        return best;
    }

    private String shortName() {
        return name.length() <= 40 ? name : "…" + name.substring(name.length() - 39);
    }

    public String toJson() {
        StringBuilder json = new StringBuilder(512);
        json.append("{\"name\":").append(quote(name)).append(",\"shape\":[");
        for (int i = 0; i < shape.length; i++) {
            json.append(i == 0 ? "" : ",").append(shape[i]);
        }
        json.append("],\"reduction_axis\":").append(reductionAxis)
                .append(",\"elements\":").append(elements)
                .append(",\"sparsity\":").append(number(sparsity))
                .append(",\"h0\":").append(number(h0))
                .append(",\"shapes\":[");
        for (int i = 0; i < shapes.size(); i++) {
            ShapeStats s = shapes.get(i);
            json.append(i == 0 ? "" : ",").append("{\"shape\":").append(quote(s.shape()))
                    .append(",\"blocks\":").append(s.blocks())
                    .append(",\"distinct_values\":").append(s.distinctValues())
                    .append(",\"distinct_masks\":").append(s.distinctMasks())
                    .append(",\"coverage16\":").append(number(s.coverage16()))
                    .append(",\"coverage256\":").append(number(s.coverage256()))
                    .append(",\"coverage4096\":").append(number(s.coverage4096())).append('}');
        }
        json.append("],\"schemes\":[");
        for (int i = 0; i < schemes.size(); i++) {
            SchemeEstimate s = schemes.get(i);
            json.append(i == 0 ? "" : ",").append("{\"scheme\":").append(quote(s.scheme()))
                    .append(",\"detail\":").append(quote(s.detail()))
                    .append(",\"bytes\":").append(s.bytes())
                    .append(",\"bits_per_weight\":").append(number(s.bitsPerWeight()))
                    .append(",\"codable\":").append(s.codable()).append('}');
        }
        json.append("],\"picked\":").append(quote(picked))
                .append(",\"picked_bits_per_weight\":").append(number(pickedBitsPerWeight)).append('}');
        return json.toString();
    }

    private static String number(double x) {
        return Double.isFinite(x) ? String.format(Locale.ROOT, "%.6g", x) : "null";
    }

    private static String quote(String s) {
        StringBuilder q = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\r' -> q.append("\\r");
                case '\t' -> q.append("\\t");
                default -> {
                    if (c < 0x20) {
                        q.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        q.append(c);
                    }
                }
            }
        }
        return q.append('"').toString();
    }
}
