package io.wpack.patterns;

import io.wpack.encoders.ByteCodec;
import io.wpack.encoders.Codecs;
import io.wpack.formats.WpkFormatException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The issue-5 measurement: the corpus models pruned to 50% and 80% and quantized int8 per
 * channel ({@link CorpusCodes}), each lossy tensor coded by the codec {@link
 * PatternAnalyzer#choose} picks, against the order-0 entropy bound {@code sum n·H0} of the codes
 * and against huffman alone. Every stream is decoded and compared. Run as a main for the full
 * table; {@code PatternCorpusTest} runs it as a test.
 */
public final class PatternCorpusMeasure {
    /** One row of the table. */
    record Row(String model, double sparsity, long weights, double h0Bytes, long huffman, long huffmanNz, long chosen,
            double seconds, Map<String, Integer> picks) {
        double vsBound() {
            return chosen / h0Bytes - 1;
        }
    }

    private PatternCorpusMeasure() {
    }

    public static void main(String[] args) throws Exception {
        Path corpus = CorpusCodes.find();
        if (corpus == null) {
            System.out.println("corpus not found (../shared/corpus or -Dwpack.corpus): nothing to measure");
            return;
        }
        List<Row> rows = measure(corpus, new double[] {0.5, 0.8}, System.out);
        print(rows, System.out);
    }

    static List<Row> measure(Path corpus, double[] sparsities, PrintStream detail) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, List<CorpusCodes.FloatTensor>> model : CorpusCodes.models(corpus).entrySet()) {
            for (double s : sparsities) {
                double h0 = 0;
                long weights = 0;
                long huffman = 0;
                long huffmanNz = 0;
                long chosen = 0;
                long nanos = 0;
                Map<String, Integer> picks = new TreeMap<>();
                for (CorpusCodes.FloatTensor f : model.getValue()) {
                    if (!CorpusCodes.lossy(f)) {
                        continue;
                    }
                    CodeTensor t = CorpusCodes.codes(f, s);
                    weights += t.size();
                    h0 += t.entropy() * t.size() / 8;
                    huffman += Codecs.HUFFMAN.encode(t.codes(), 0, t.size()).length;
                    huffmanNz += Codecs.HUFFMAN_NZ.encode(t.codes(), 0, t.size()).length;
                    long t0 = System.nanoTime();
                    PatternChoice choice = PatternAnalyzer.choose(t);
                    byte[] encoded = choice.encode(t.codes());
                    nanos += System.nanoTime() - t0;
                    requireRoundTrip(choice.codec(), encoded, t);
                    chosen += encoded.length;
                    picks.merge(choice.scheme(), 1, Integer::sum);
                }
                Row row = new Row(model.getKey(), s, weights, h0, huffman, huffmanNz, chosen, nanos / 1e9, picks);
                rows.add(row);
                if (detail != null) {
                    detail.println(format(row));
                }
            }
        }
        return rows;
    }

    /** Decodes with a codec rebuilt from name and parameters only, as a reader would. */
    static void requireRoundTrip(ByteCodec codec, byte[] encoded, CodeTensor t) throws WpkFormatException {
        ByteCodec reader = switch (codec.name()) {
            case "blockdict" -> io.wpack.encoders.pattern.BlockDictCodec.fromParams(codec.params());
            case "maskvalues" -> io.wpack.encoders.pattern.MaskValuesCodec.fromParams(codec.params());
            default -> Codecs.create(codec.name(), codec.params());
        };
        byte[] back = new byte[t.size()];
        reader.decode(ByteBuffer.wrap(encoded), ByteBuffer.wrap(back));
        if (!Arrays.equals(back, t.codes())) {
            throw new AssertionError(codec + " does not round-trip " + t.name());
        }
    }

    static String header() {
        return String.format(Locale.ROOT, "%-26s %5s %9s %11s %11s %11s %11s %8s %8s  %s", "model", "sparse", "weights",
                "H0 bound B", "huffman B", "huff-nz B", "pattern B", "vs H0", "MB/s", "picks");
    }

    static String format(Row r) {
        return String.format(Locale.ROOT, "%-26s %5.2f %9d %11.0f %11d %11d %11d %+7.2f%% %8.1f  %s", r.model(),
                r.sparsity(), r.weights(), r.h0Bytes(), r.huffman(), r.huffmanNz(), r.chosen(), 100 * r.vsBound(),
                r.weights() / r.seconds() / 1e6, r.picks());
    }

    static void print(List<Row> rows, PrintStream out) {
        out.println(header());
        for (Row r : rows) {
            out.println(format(r));
        }
    }
}
