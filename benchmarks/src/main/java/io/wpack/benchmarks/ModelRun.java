package io.wpack.benchmarks;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Everything measured for one model under one preset. Sizes are exact; times are samples. */
final class ModelRun {
    final ModelSource model;
    final Preset preset;
    int tensors;
    long params;
    /** Bytes the packer read: the imported tensors as stored in the source model. */
    long inputBytes;
    /** Bytes of the exported tensors: what the competitors compress and every decoder writes. */
    long rawBytes;
    long packageBytes;
    double h0Bits;
    double h0PlaneBits;
    final Map<Competitor, Long> competitorBytes = new EnumMap<>(Competitor.class);
    /** One run each: the strongest settings are slow, and compression speed is context here. */
    final Map<Competitor, Double> competitorCompressSeconds = new EnumMap<>(Competitor.class);
    final Samples pack = new Samples();
    final Samples decodeOneThread = new Samples();
    final Samples decodeAllCores = new Samples();
    final Map<Competitor, Samples> competitorDecode = new EnumMap<>(Competitor.class);
    /** Weights in tensors the preset made lossy; the rest stayed bit-exact (biases, small and integer tensors). */
    long lossyParams;
    /** Over the lossy tensors, weighted by their element count: mean SQNR in dB, and the lowest. */
    double sqnrMeanDb = Double.NaN;
    double sqnrMinDb = Double.NaN;
    /** Largest absolute reconstruction error of any weight. */
    double maxAbsError;
    /** The lossy codes against their H0 bound ({@link CodeBounds}); null for the presets it does not cover. */
    CodeBounds.Result codeBounds;
    /**
     * Lossy presets: the package as `wpack unpack --keep-quantized` writes it (codes plus scales,
     * zero points or codebooks as side arrays, the other tensors as stored), and that file through
     * {@link #EXPORT_COMPETITORS}. Empty for lossless presets.
     */
    long exportBytes;
    final Map<Competitor, Long> exportCompressed = new EnumMap<>(Competitor.class);
    static final java.util.List<Competitor> EXPORT_COMPETITORS = java.util.List.of(Competitor.XZ, Competitor.ZSTD);

    /** The package over the smallest compressed export; NaN without an export. */
    double sizeVsBestExport() {
        long best = Long.MAX_VALUE;
        for (long v : exportCompressed.values()) {
            best = Math.min(best, v);
        }
        return exportCompressed.isEmpty() ? Double.NaN : (double) packageBytes / best;
    }

    /** Smallest heap for pack and for load, MiB; null when not measured. */
    Integer packHeapMiB;
    Integer loadHeapMiB;

    ModelRun(ModelSource model, Preset preset) {
        this.model = model;
        this.preset = preset;
        for (Competitor c : Competitor.values()) {
            competitorDecode.put(c, new Samples());
        }
    }

    double bitsPerWeight(long bytes) {
        return params == 0 ? 0 : bytes * 8.0 / params;
    }

    Competitor bestCompetitor() {
        Competitor best = null;
        for (Map.Entry<Competitor, Long> e : competitorBytes.entrySet()) {
            if (best == null || e.getValue() < competitorBytes.get(best)) {
                best = e.getKey();
            }
        }
        return best;
    }

    /** Package size over the smallest competitor's: below 1 means wpack is smaller. */
    double sizeVsBest() {
        return (double) packageBytes / competitorBytes.get(bestCompetitor());
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model.id());
        m.put("synthetic", model.synthetic());
        m.put("preset", preset.id());
        m.put("tensors", tensors);
        m.put("params", params);
        m.put("input_bytes", inputBytes);
        m.put("raw_bytes", rawBytes);
        Map<String, Object> size = new LinkedHashMap<>();
        size.put("wpack", sizeJson(packageBytes));
        for (Competitor c : Competitor.values()) {
            Map<String, Object> s = sizeJson(competitorBytes.get(c));
            s.put("command", c.label());
            s.put("compress_seconds_one_run", competitorCompressSeconds.get(c));
            size.put(c.id(), s);
        }
        size.put("h0_bytes_bits_per_weight", h0Bits / Math.max(1, params));
        size.put("h0_byte_planes_bits_per_weight", h0PlaneBits / Math.max(1, params));
        size.put("best_competitor", bestCompetitor().id());
        size.put("wpack_over_best", sizeVsBest());
        m.put("size", size);
        if (!preset.lossless()) {
            Map<String, Object> err = new LinkedHashMap<>();
            err.put("lossy_params", lossyParams);
            err.put("sqnr_db_weighted_mean", finiteOrNull(sqnrMeanDb));
            err.put("sqnr_db_min", finiteOrNull(sqnrMinDb));
            err.put("max_abs_error", maxAbsError);
            m.put("error", err);
        }
        if (codeBounds != null) {
            m.put("code_bounds", codeBounds.toJson());
        }
        if (!exportCompressed.isEmpty()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("export_bytes", exportBytes);
            for (Map.Entry<Competitor, Long> e : exportCompressed.entrySet()) {
                x.put(e.getKey().id(), sizeJson(e.getValue()));
            }
            x.put("wpack_over_best", sizeVsBestExport());
            m.put("keep_quantized_export", x);
        }
        Map<String, Object> speed = new LinkedHashMap<>();
        speed.put("pack", timeJson(pack, inputBytes));
        speed.put("wpack_decode_1_thread", timeJson(decodeOneThread, rawBytes));
        speed.put("wpack_decode_all_cores", timeJson(decodeAllCores, rawBytes));
        for (Competitor c : Competitor.values()) {
            speed.put(c.id() + "_decode", timeJson(competitorDecode.get(c), rawBytes));
        }
        m.put("speed", speed);
        Map<String, Object> heap = new LinkedHashMap<>();
        heap.put("pack_mib", packHeapMiB);
        heap.put("load_mib", loadHeapMiB);
        m.put("heap", heap);
        return m;
    }

    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private Map<String, Object> sizeJson(long bytes) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("bytes", bytes);
        s.put("bits_per_weight", bitsPerWeight(bytes));
        return s;
    }

    private static Map<String, Object> timeJson(Samples s, long bytes) {
        Map<String, Object> m = s.toJson();
        Samples.Rate r = s.rate(bytes);
        m.put("mb_per_s_median", r.median());
        m.put("mb_per_s_min", r.min());
        m.put("mb_per_s_max", r.max());
        return m;
    }
}
