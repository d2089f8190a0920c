package io.wpack.cli;

import io.wpack.formats.DTypes;
import io.wpack.formats.TensorEntry;
import io.wpack.packer.PackReport;
import io.wpack.packer.policy.FilterRemoval;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Per-tensor tables and their JSON form, shared by pack, inspect, verify and demo. */
final class Reports {
    private Reports() {
    }

    /** One row of a report, whether it came from a pack run or a package on disk. */
    record Row(String name, String dtype, String storedDtype, long[] shape, long params, long inputBytes,
               long storedBytes, String encoding, Map<String, Long> candidates, String scheme, double sqnrDb,
               double maxAbsError, double sparsity) {
        double bitsPerWeight() {
            return params == 0 ? 0 : storedBytes * 8.0 / params;
        }
    }

    static List<Row> rows(PackReport report) {
        return report.tensors().stream().map(t -> new Row(t.name(), DTypes.displayName(t.dtype()),
                DTypes.displayName(t.storedDtype()), t.shape(), t.params(), t.inputBytes(), t.storedBytes(),
                t.encoding(), t.candidates(), t.scheme(), t.sqnrDb(), t.maxAbsError(), t.sparsity())).toList();
    }

    static List<Row> rows(List<TensorEntry> tensors) {
        return tensors.stream().map(t -> {
            Map<String, String> m = t.metadata();
            String quant = m.get("lossy.quant");
            String prune = m.get("lossy.prune");
            String scheme = FilterRemoval.describe(quant == null ? "lossless"
                    : (prune == null || prune.equals("none") ? quant : prune + "+" + quant), m);
            return new Row(t.name(), DTypes.displayName(t.dtype()), DTypes.displayName(t.storedDtype()), t.shape(),
                    t.elementCount(), t.logicalBytes(), t.encodedBytes(),
                    t.sameAs() != null ? "same as " + t.sameAs().name() : t.encodingName(), Map.of(), scheme,
                    number(m.get("error.sqnr_db"), Double.POSITIVE_INFINITY), number(m.get("error.max_abs"), 0),
                    number(m.get("error.sparsity"), Double.NaN));
        }).toList();
    }

    private static double number(String s, double absent) {
        if (s == null) {
            return absent;
        }
        if (s.equals("inf")) {
            return Double.POSITIVE_INFINITY;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return absent;
        }
    }

    static void printTable(PrintWriter out, List<Row> rows, boolean explain) {
        int nameWidth = 6;
        for (Row r : rows) {
            nameWidth = Math.max(nameWidth, Math.min(r.name().length(), 60));
        }
        boolean lossy = rows.stream().anyMatch(r -> !r.scheme().equals("lossless"));
        String fmt = "%-" + nameWidth + "s  %-9s  %-20s  %12s  %12s  %7s  %-10s" + (lossy ? "  %-26s  %9s  %10s  %8s" : "%s%s%s%s") + "%n";
        out.printf(Locale.ROOT, fmt, "tensor", "dtype", "shape", "input", "stored", "bits/w", "encoding",
                lossy ? "scheme" : "", lossy ? "SQNR dB" : "", lossy ? "max|err|" : "", lossy ? "sparsity" : "");
        for (Row r : rows) {
            String dtype = r.dtype().equals(r.storedDtype()) ? r.dtype() : r.dtype() + "<" + r.storedDtype();
            String name = r.name().length() > 60 ? "..." + r.name().substring(r.name().length() - 57) : r.name();
            out.printf(Locale.ROOT, fmt, name, dtype, shape(r.shape()), bytes(r.inputBytes()),
                    bytes(r.storedBytes()), String.format(Locale.ROOT, "%.2f", r.bitsPerWeight()), r.encoding(),
                    lossy ? r.scheme() : "",
                    lossy ? (Double.isInfinite(r.sqnrDb()) ? "exact" : String.format(Locale.ROOT, "%.2f", r.sqnrDb())) : "",
                    lossy ? String.format(Locale.ROOT, "%.3g", r.maxAbsError()) : "",
                    lossy ? (Double.isNaN(r.sparsity()) ? "-" : String.format(Locale.ROOT, "%.3f", r.sparsity())) : "");
            if (explain && !r.candidates().isEmpty()) {
                StringBuilder sb = new StringBuilder();
                r.candidates().forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ')
                        .append(bytes(v)));
                out.printf(Locale.ROOT, "%" + nameWidth + "s  candidates (first chunk; sampled above 256 KiB): %s%n", "", sb);
            }
        }
    }

    static void printTotals(PrintWriter out, long tensors, long params, long input, long output) {
        double ratio = output == 0 ? 0 : (double) input / output;
        out.printf(Locale.ROOT, "%d tensors, %d parameters: %s -> %s (%.3fx, %.2f bits/weight)%n", tensors, params,
                bytes(input), bytes(output), ratio, params == 0 ? 0.0 : output * 8.0 / params);
    }

    static void writeJson(JsonOutput json, List<Row> rows, long input, long output, Map<String, String> metadata,
                          boolean explain) {
        long params = 0;
        for (Row r : rows) {
            params += r.params();
        }
        json.field("input_bytes", input).field("output_bytes", output).field("params", params)
                .field("tensor_count", rows.size());
        json.key("metadata").beginObject();
        metadata.forEach(json::field);
        json.endObject();
        json.key("tensors").beginArray();
        for (Row r : rows) {
            json.beginObject().field("name", r.name()).field("dtype", r.dtype()).field("stored_dtype", r.storedDtype())
                    .longArray("shape", r.shape()).field("params", r.params()).field("input_bytes", r.inputBytes())
                    .field("stored_bytes", r.storedBytes()).field("bits_per_weight", r.bitsPerWeight())
                    .field("encoding", r.encoding()).field("scheme", r.scheme());
            if (!r.scheme().equals("lossless")) {
                json.key("sqnr_db");
                if (Double.isInfinite(r.sqnrDb())) {
                    json.value("inf");
                } else {
                    json.value(r.sqnrDb());
                }
                json.field("max_abs_error", r.maxAbsError()).field("sparsity", r.sparsity());
            }
            if (explain) {
                json.key("candidates").beginObject();
                r.candidates().forEach(json::field);
                json.endObject();
            }
            json.endObject();
        }
        json.endArray();
    }

    static String shape(long[] shape) {
        return Arrays.toString(shape).replace(" ", "");
    }

    static String bytes(long n) {
        if (n < 10_000) {
            return n + " B";
        }
        if (n < 10_000_000) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        if (n < 10_000_000_000L) {
            return String.format(Locale.ROOT, "%.1f MiB", n / 1048576.0);
        }
        return String.format(Locale.ROOT, "%.2f GiB", n / 1073741824.0);
    }
}
