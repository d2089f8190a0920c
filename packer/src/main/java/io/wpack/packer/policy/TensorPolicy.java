package io.wpack.packer.policy;

import io.wpack.formats.DTypes;
import io.wpack.formats.WpkFormatException;
import io.wpack.formats.proto.DType;
import io.wpack.packer.json.Json;
import io.wpack.packer.model.ImportedTensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decides, per tensor, which quantization and pruning to apply. Rules are tried in order and
 * the first match wins. Unless the config says {@code "keep_small_lossless": false}, tensors
 * that are 1-D (biases, norms), not floating point, or tiny (fewer than
 * {@value #TINY_ELEMENTS} elements) stay lossless whatever the rules say, because their bits
 * cost little and their precision matters.
 *
 * <p>Config file (JSON):
 * <pre>
 * {
 *   "keep_small_lossless": true,
 *   "rules": [
 *     {"match": "**.weight", "min_rank": 2, "min_elements": 1024, "quant": "int4:group32", "prune": "none"},
 *     {"match": "re:.*conv.*", "quant": "int8:channel", "prune": "magnitude:0.5", "channel_axis": 0},
 *     {"match": "**", "quant": "fp16"}
 *   ]
 * }
 * </pre>
 * Keys of a rule: {@code match} (glob, or {@code re:REGEX}; default {@code **}),
 * {@code min_rank}, {@code max_rank}, {@code min_elements}, {@code max_elements},
 * {@code quant} and {@code prune} in the CLI shorthand, and {@code channel_axis} /
 * {@code reduction_axis} to override the axes the model's graph implies.
 */
public final class TensorPolicy {
    public static final long TINY_ELEMENTS = 256;

    /** What the policy chose for one tensor, with the reason when it stayed lossless. */
    public record Decision(QuantSpec quant, PruneSpec prune, Integer channelAxis, Integer reductionAxis, String note) {
        public boolean isLossless() {
            return quant.isLossless() && prune.isNone();
        }

        public Decision withPrune(PruneSpec p) {
            return new Decision(quant, p, channelAxis, reductionAxis, note);
        }
    }

    private final List<Rule> rules;
    private final boolean keepSmallLossless;

    public TensorPolicy(List<Rule> rules, boolean keepSmallLossless) {
        this.rules = List.copyOf(rules);
        this.keepSmallLossless = keepSmallLossless;
    }

    /** Lossless for every tensor: the default of {@code wpack pack}. */
    public static TensorPolicy lossless() {
        return new TensorPolicy(List.of(), true);
    }

    /** One rule for every tensor, from the CLI shorthands. */
    public static TensorPolicy uniform(QuantSpec quant, PruneSpec prune) {
        return new TensorPolicy(List.of(Rule.of("**", 0, Integer.MAX_VALUE, 0, Long.MAX_VALUE, quant, prune, null, null)),
                true);
    }

    public boolean isLossless() {
        for (Rule r : rules) {
            if (!r.quant().isLossless() || !r.prune().isNone()) {
                return false;
            }
        }
        return true;
    }

    public Decision decide(ImportedTensor t) throws WpkFormatException {
        long n = DTypes.elementCount(t.shape());
        for (Rule r : rules) {
            if (!r.matches(t, n)) {
                continue;
            }
            if (r.quant().isLossless() && r.prune().isNone()) {
                return new Decision(QuantSpec.NONE, PruneSpec.NONE, null, null, "rule " + r.match() + ": lossless");
            }
            if (keepSmallLossless) {
                if (!isFloat(t.dtype())) {
                    return new Decision(QuantSpec.NONE, PruneSpec.NONE, null, null, "not floating point");
                }
                if (t.shape().length <= 1) {
                    return new Decision(QuantSpec.NONE, PruneSpec.NONE, null, null, "1-D (bias or norm)");
                }
                if (n < TINY_ELEMENTS) {
                    return new Decision(QuantSpec.NONE, PruneSpec.NONE, null, null, "tiny");
                }
            } else if (!isFloat(t.dtype())) {
                return new Decision(QuantSpec.NONE, PruneSpec.NONE, null, null, "not floating point");
            }
            return new Decision(r.quant(), r.prune(), r.channelAxis(), r.reductionAxis(), "rule " + r.match());
        }
        return new Decision(QuantSpec.NONE, PruneSpec.NONE, null, null, "no rule");
    }

    private static boolean isFloat(DType d) {
        return d == DType.F32 || d == DType.F16 || d == DType.BF16 || d == DType.F64;
    }

    /** Reads a JSON config file; any mistake is a WpkFormatException naming the file and rule. */
    public static TensorPolicy load(Path file) throws IOException {
        String src = file.getFileName().toString();
        Map<String, Object> root = Json.asObject(Json.parse(Files.readAllBytes(file), src), src);
        boolean keep = true;
        List<Rule> rules = new ArrayList<>();
        for (var e : root.entrySet()) {
            switch (e.getKey()) {
                case "keep_small_lossless" -> {
                    if (!(e.getValue() instanceof Boolean b)) {
                        throw new WpkFormatException(src + ": keep_small_lossless must be true or false");
                    }
                    keep = b;
                }
                case "rules" -> {
                    List<Object> list = Json.asList(e.getValue(), src + " rules");
                    for (int i = 0; i < list.size(); i++) {
                        rules.add(rule(Json.asObject(list.get(i), src + " rule " + i), src + " rule " + i));
                    }
                }
                default -> throw new WpkFormatException(src + ": unknown key '" + e.getKey()
                        + "' (expected keep_small_lossless, rules)");
            }
        }
        return new TensorPolicy(rules, keep);
    }

    private static Rule rule(Map<String, Object> o, String where) throws WpkFormatException {
        String match = "**";
        int minRank = 0;
        int maxRank = Integer.MAX_VALUE;
        long minEl = 0;
        long maxEl = Long.MAX_VALUE;
        QuantSpec q = QuantSpec.NONE;
        PruneSpec p = PruneSpec.NONE;
        Integer ch = null;
        Integer red = null;
        try {
            for (var e : o.entrySet()) {
                Object v = e.getValue();
                switch (e.getKey()) {
                    case "match" -> match = Json.asString(v, where + " match");
                    case "min_rank" -> minRank = (int) Json.asLong(v, where + " min_rank");
                    case "max_rank" -> maxRank = (int) Json.asLong(v, where + " max_rank");
                    case "min_elements" -> minEl = Json.asLong(v, where + " min_elements");
                    case "max_elements" -> maxEl = Json.asLong(v, where + " max_elements");
                    case "quant" -> q = QuantSpec.parse(Json.asString(v, where + " quant"));
                    case "prune" -> p = PruneSpec.parse(Json.asString(v, where + " prune"));
                    case "channel_axis" -> ch = (int) Json.asLong(v, where + " channel_axis");
                    case "reduction_axis" -> red = (int) Json.asLong(v, where + " reduction_axis");
                    default -> throw new WpkFormatException(where + ": unknown key '" + e.getKey() + "'");
                }
            }
            return Rule.of(match, minRank, maxRank, minEl, maxEl, q, p, ch, red);
        } catch (IllegalArgumentException e) {
            throw new WpkFormatException(where + ": " + e.getMessage());
        }
    }
}
