package io.wpack.packer.policy;

import java.util.LinkedHashMap;
import java.util.Map;

/** Named mixes for {@code --preset}, the same ones the benchmarks report. */
public final class Presets {
    private static final Map<String, String[]> PRESETS = new LinkedHashMap<>();

    static {
        PRESETS.put("lossless", new String[] {"none", "none", "every tensor bit-exact"});
        PRESETS.put("int8", new String[] {"int8:channel", "none", "int8 symmetric per output channel"});
        PRESETS.put("int4-g32", new String[] {"int4:group32", "none", "int4 symmetric, groups of 32 along the reduction axis"});
        PRESETS.put("mag50-int8", new String[] {"int8:channel", "magnitude:0.5", "50% magnitude pruning, then int8 per channel"});
        PRESETS.put("mag80-int8", new String[] {"int8:channel", "magnitude:0.8", "80% magnitude pruning, then int8 per channel"});
        PRESETS.put("kmeans16", new String[] {"kmeans:16", "none", "16-entry codebook per tensor (Deep Compression)"});
        PRESETS.put("fp16", new String[] {"fp16", "none", "IEEE half precision"});
        PRESETS.put("bf16", new String[] {"bf16", "none", "bfloat16, round to nearest even"});
    }

    private Presets() {
    }

    public static Map<String, String> descriptions() {
        Map<String, String> m = new LinkedHashMap<>();
        PRESETS.forEach((k, v) -> m.put(k, v[2] + " (--quant " + v[0] + " --prune " + v[1] + ")"));
        return m;
    }

    /**
     * The policy the CLI shorthands ask for: a preset, or {@code --quant}/{@code --prune} applied to every
     * tensor (either may be null), or null when neither is given.
     *
     * @throws IllegalArgumentException for both at once, an unknown preset or a malformed scheme
     */
    public static TensorPolicy fromShorthands(String preset, String quant, String prune) {
        if (preset != null) {
            if (quant != null || prune != null) {
                throw new IllegalArgumentException("give --preset or --quant/--prune, not both");
            }
            return policy(preset);
        }
        if (quant == null && prune == null) {
            return null;
        }
        return TensorPolicy.uniform(quant == null ? QuantSpec.NONE : QuantSpec.parse(quant),
                prune == null ? PruneSpec.NONE : PruneSpec.parse(prune));
    }

    public static TensorPolicy policy(String name) {
        String[] p = PRESETS.get(name);
        if (p == null) {
            throw new IllegalArgumentException("unknown preset '" + name + "': choose from " + String.join(", ", PRESETS.keySet()));
        }
        return TensorPolicy.uniform(QuantSpec.parse(p[0]), PruneSpec.parse(p[1]));
    }
}
