package io.wpack.cli;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * A small streaming JSON writer for {@code --json} output: pretty-printed, keys in the order
 * written, numbers without locale surprises.
 */
public final class JsonOutput {
    private final StringBuilder sb = new StringBuilder();
    private final Deque<Boolean> first = new ArrayDeque<>();
    private boolean afterKey;

    public JsonOutput beginObject() {
        value();
        sb.append('{');
        first.push(true);
        return this;
    }

    public JsonOutput endObject() {
        boolean empty = first.pop();
        if (!empty) {
            newline();
        }
        sb.append('}');
        return this;
    }

    public JsonOutput beginArray() {
        value();
        sb.append('[');
        first.push(true);
        return this;
    }

    public JsonOutput endArray() {
        boolean empty = first.pop();
        if (!empty) {
            newline();
        }
        sb.append(']');
        return this;
    }

    public JsonOutput key(String k) {
        separator();
        quote(k);
        sb.append(": ");
        afterKey = true;
        return this;
    }

    public JsonOutput value(String s) {
        value();
        if (s == null) {
            sb.append("null");
        } else {
            quote(s);
        }
        return this;
    }

    public JsonOutput value(long v) {
        value();
        sb.append(v);
        return this;
    }

    public JsonOutput value(double v) {
        value();
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            sb.append("null");
        } else {
            sb.append(String.format(Locale.ROOT, "%.6g", v).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replace(".e", "e")
                    .replaceAll("\\.$", ""));
        }
        return this;
    }

    public JsonOutput value(boolean v) {
        value();
        sb.append(v);
        return this;
    }

    public JsonOutput field(String k, String v) {
        return key(k).value(v);
    }

    public JsonOutput field(String k, long v) {
        return key(k).value(v);
    }

    public JsonOutput field(String k, double v) {
        return key(k).value(v);
    }

    public JsonOutput field(String k, boolean v) {
        return key(k).value(v);
    }

    public JsonOutput longArray(String k, long[] values) {
        key(k).value();
        sb.append('[');
        for (int i = 0; i < values.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(values[i]);
        }
        sb.append(']');
        return this;
    }

    private void value() {
        if (afterKey) {
            afterKey = false;
            return;
        }
        if (!first.isEmpty()) {
            separator();
        }
    }

    private void separator() {
        if (!first.isEmpty()) {
            if (!first.peek()) {
                sb.append(',');
            }
            first.pop();
            first.push(false);
            newline();
        }
    }

    private void newline() {
        sb.append('\n');
        for (int i = 0; i < first.size(); i++) {
            sb.append("  ");
        }
    }

    private void quote(String s) {
        appendQuoted(sb, s);
    }

    /** Appends {@code s} as a JSON string literal. */
    public static StringBuilder appendQuoted(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"');
    }

    @Override
    public String toString() {
        return sb.toString();
    }
}
