package io.wpack.packer.policy;

import io.wpack.packer.model.ImportedTensor;

import java.util.regex.Pattern;

/**
 * One policy rule: which tensors it matches (name pattern, rank and size bounds) and what it
 * assigns. A name pattern is a glob ({@code *} within a path segment, {@code **} across,
 * {@code ?} one character), or a regular expression when written {@code re:...}.
 */
public record Rule(String match, Pattern pattern, int minRank, int maxRank, long minElements, long maxElements,
                   QuantSpec quant, PruneSpec prune, Integer channelAxis, Integer reductionAxis) {

    public static Rule of(String match, int minRank, int maxRank, long minElements, long maxElements, QuantSpec quant,
                          PruneSpec prune, Integer channelAxis, Integer reductionAxis) {
        return new Rule(match, compile(match), minRank, maxRank, minElements, maxElements, quant, prune, channelAxis,
                reductionAxis);
    }

    public boolean matches(ImportedTensor t, long elements) {
        int rank = t.shape().length;
        return rank >= minRank && rank <= maxRank && elements >= minElements && elements <= maxElements
                && pattern.matcher(t.name()).matches();
    }

    static Pattern compile(String match) {
        if (match.startsWith("re:")) {
            return Pattern.compile(match.substring(3));
        }
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < match.length(); i++) {
            char c = match.charAt(i);
            if (c == '*') {
                if (i + 1 < match.length() && match.charAt(i + 1) == '*') {
                    re.append(".*");
                    i++;
                } else {
                    re.append("[^/]*");
                }
            } else if (c == '?') {
                re.append('.');
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
