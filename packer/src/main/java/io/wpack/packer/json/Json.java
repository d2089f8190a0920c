package io.wpack.packer.json;

import io.wpack.formats.WpkFormatException;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict RFC 8259 JSON parser for the metadata files that model formats carry
 * (safetensors headers, TF.js model.json). It reads UTF-8 bytes, so error offsets are byte
 * offsets into the input.
 *
 * <p>Values map to: object → {@link LinkedHashMap} (keys in file order; a repeated key is
 * an error), array → {@link List}, string → {@link String}, {@code true}/{@code false} →
 * {@link Boolean}, {@code null} → {@code null}, and numbers → {@link Long} when written
 * as an integer that fits (else {@link BigInteger}), otherwise {@link Double}. A
 * non-integer goes through {@link Double#parseDouble}, which rounds correctly, so a value
 * written from a double or float (TF.js min and scale) comes back bit-exact. {@code -0} is
 * a Double so its sign survives.
 *
 * <p>Rejected: trailing commas, comments, single quotes, leading zeros, {@code NaN},
 * numbers whose magnitude overflows a double, raw control characters and lone surrogates
 * in strings, malformed UTF-8, anything after the value except whitespace, and nesting
 * deeper than {@link #MAX_DEPTH}. A leading UTF-8 byte-order mark is skipped.
 */
public final class Json {
    /** Arrays and objects nested deeper than this are rejected, so recursion stays bounded. */
    public static final int MAX_DEPTH = 256;

    private final byte[] in;
    private final int end;
    private final String source;
    private int pos;
    private int depth;
    private final StringBuilder scratch = new StringBuilder();
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    private Json(byte[] in, int offset, int length, String source) {
        this.in = in;
        this.pos = offset;
        this.end = offset + length;
        this.source = source;
    }

    /** Parses a complete JSON text; {@code source} names the input in error messages. */
    public static Object parse(byte[] utf8, String source) throws WpkFormatException {
        return parse(utf8, 0, utf8.length, source);
    }

    public static Object parse(byte[] utf8, int offset, int length, String source) throws WpkFormatException {
        if (offset < 0 || length < 0 || offset > utf8.length - length) {
            throw new IndexOutOfBoundsException("range [" + offset + ", +" + length + ") of " + utf8.length);
        }
        Json p = new Json(utf8, offset, length, source);
        if (length >= 3 && (utf8[offset] & 0xFF) == 0xEF && (utf8[offset + 1] & 0xFF) == 0xBB
                && (utf8[offset + 2] & 0xFF) == 0xBF) {
            p.pos += 3;
        }
        p.skipWhitespace();
        Object value = p.readValue();
        p.skipWhitespace();
        if (p.pos != p.end) {
            throw p.error("unexpected " + p.describeNext() + " after the JSON value");
        }
        return value;
    }

    public static Object parse(String text, String source) throws WpkFormatException {
        return parse(text.getBytes(StandardCharsets.UTF_8), source);
    }

    // ---- parser ----

    private Object readValue() throws WpkFormatException {
        if (pos >= end) {
            throw error("unexpected end of input, expected a value");
        }
        byte b = in[pos];
        switch (b) {
            case '{':
                return readObject();
            case '[':
                return readArray();
            case '"':
                return readString();
            case 't':
                expectWord("true");
                return Boolean.TRUE;
            case 'f':
                expectWord("false");
                return Boolean.FALSE;
            case 'n':
                expectWord("null");
                return null;
            default:
                if (b == '-' || (b >= '0' && b <= '9')) {
                    return readNumber();
                }
                throw error("unexpected " + describeNext() + ", expected a value");
        }
    }

    private Map<String, Object> readObject() throws WpkFormatException {
        enter();
        pos++; // '{'
        Map<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            depth--;
            return map;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("unexpected " + describeNext() + ", expected a string key");
            }
            int keyOffset = pos;
            String key = readString();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            Object value = readValue();
            if (map.containsKey(key)) {
                throw new WpkFormatException(keyOffset, source + ": repeated key \"" + key + "\" in a JSON object");
            }
            map.put(key, value);
            skipWhitespace();
            int c = peek();
            pos++;
            if (c == '}') {
                depth--;
                return map;
            }
            if (c != ',') {
                pos--;
                throw error("unexpected " + describeNext() + ", expected ',' or '}'");
            }
        }
    }

    private List<Object> readArray() throws WpkFormatException {
        enter();
        pos++; // '['
        List<Object> list = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            depth--;
            return list;
        }
        while (true) {
            skipWhitespace();
            list.add(readValue());
            skipWhitespace();
            int c = peek();
            pos++;
            if (c == ']') {
                depth--;
                return list;
            }
            if (c != ',') {
                pos--;
                throw error("unexpected " + describeNext() + ", expected ',' or ']'");
            }
        }
    }

    private void enter() throws WpkFormatException {
        if (++depth > MAX_DEPTH) {
            throw error("JSON nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    private String readString() throws WpkFormatException {
        int start = pos;
        pos++; // opening quote
        StringBuilder sb = scratch;
        sb.setLength(0);
        int runStart = pos;
        while (true) {
            if (pos >= end) {
                throw new WpkFormatException(start, source + ": unterminated string");
            }
            int b = in[pos] & 0xFF;
            if (b == '"') {
                appendUtf8(sb, runStart, pos);
                pos++;
                break;
            }
            if (b == '\\') {
                appendUtf8(sb, runStart, pos);
                readEscape(sb);
                runStart = pos;
            } else if (b < 0x20) {
                throw error("raw control character 0x" + Integer.toHexString(b) + " in a string (must be escaped)");
            } else {
                pos++;
            }
        }
        checkSurrogates(sb, start);
        return sb.toString();
    }

    private void readEscape(StringBuilder sb) throws WpkFormatException {
        pos++; // backslash
        if (pos >= end) {
            throw error("unterminated escape sequence");
        }
        byte e = in[pos++];
        switch (e) {
            case '"': sb.append('"'); break;
            case '\\': sb.append('\\'); break;
            case '/': sb.append('/'); break;
            case 'b': sb.append('\b'); break;
            case 'f': sb.append('\f'); break;
            case 'n': sb.append('\n'); break;
            case 'r': sb.append('\r'); break;
            case 't': sb.append('\t'); break;
            case 'u': {
                if (end - pos < 4) {
                    throw error("truncated \\u escape");
                }
                int v = 0;
                for (int i = 0; i < 4; i++) {
                    int d = Character.digit(in[pos], 16);
                    if (d < 0 || in[pos] < 0) {
                        throw error("bad hex digit in \\u escape");
                    }
                    v = v * 16 + d;
                    pos++;
                }
                sb.append((char) v);
                break;
            }
            default:
                pos--;
                throw error("unknown escape \\" + describeNext());
        }
    }

    /** Escaped halves must pair up, as they would in valid UTF-16 (RFC 8259 section 8.2). */
    private void checkSurrogates(CharSequence s, int stringOffset) throws WpkFormatException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new WpkFormatException(stringOffset, source + ": string contains a lone surrogate \\u"
                        + Integer.toHexString(c));
            }
        }
    }

    private void appendUtf8(StringBuilder sb, int from, int to) throws WpkFormatException {
        if (from == to) {
            return;
        }
        boolean ascii = true;
        for (int i = from; i < to; i++) {
            if (in[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            for (int i = from; i < to; i++) {
                sb.append((char) in[i]);
            }
            return;
        }
        try {
            CharBuffer chars = utf8.reset().decode(ByteBuffer.wrap(in, from, to - from));
            sb.append(chars);
        } catch (CharacterCodingException e) {
            throw new WpkFormatException(from, source + ": string is not valid UTF-8", e);
        }
    }

    private Object readNumber() throws WpkFormatException {
        int start = pos;
        boolean integral = true;
        if (in[pos] == '-') {
            pos++;
        }
        if (pos >= end || !isDigit(in[pos])) {
            throw error("bad number: expected a digit");
        }
        if (in[pos] == '0') {
            pos++;
            if (pos < end && isDigit(in[pos])) {
                throw error("bad number: leading zero");
            }
        } else {
            while (pos < end && isDigit(in[pos])) {
                pos++;
            }
        }
        if (pos < end && in[pos] == '.') {
            integral = false;
            pos++;
            if (pos >= end || !isDigit(in[pos])) {
                throw error("bad number: expected a digit after '.'");
            }
            while (pos < end && isDigit(in[pos])) {
                pos++;
            }
        }
        if (pos < end && (in[pos] == 'e' || in[pos] == 'E')) {
            integral = false;
            pos++;
            if (pos < end && (in[pos] == '+' || in[pos] == '-')) {
                pos++;
            }
            if (pos >= end || !isDigit(in[pos])) {
                throw error("bad number: expected a digit in the exponent");
            }
            while (pos < end && isDigit(in[pos])) {
                pos++;
            }
        }
        String text = new String(in, start, pos - start, StandardCharsets.US_ASCII);
        if (integral && !text.equals("-0")) {
            if (pos - start <= 18) {
                return Long.parseLong(text);
            }
            BigInteger big = new BigInteger(text);
            return big.bitLength() < 64 ? (Object) big.longValue() : big;
        }
        double d = Double.parseDouble(text);
        if (Double.isInfinite(d)) {
            throw new WpkFormatException(start, source + ": number " + text + " is out of the range of a double");
        }
        return d;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private void expectWord(String word) throws WpkFormatException {
        for (int i = 0; i < word.length(); i++) {
            if (pos + i >= end || in[pos + i] != word.charAt(i)) {
                throw error("unexpected " + describeNext() + ", expected a value");
            }
        }
        pos += word.length();
    }

    private void expect(char c) throws WpkFormatException {
        if (peek() != c) {
            throw error("unexpected " + describeNext() + ", expected '" + c + "'");
        }
        pos++;
    }

    private int peek() {
        return pos < end ? in[pos] & 0xFF : -1;
    }

    private void skipWhitespace() {
        while (pos < end) {
            byte b = in[pos];
            if (b == ' ' || b == '\t' || b == '\n' || b == '\r') {
                pos++;
            } else {
                return;
            }
        }
    }

    private String describeNext() {
        if (pos >= end) {
            return "end of input";
        }
        int b = in[pos] & 0xFF;
        if (b >= 0x21 && b < 0x7F) {
            return "'" + (char) b + "'";
        }
        return "byte 0x" + Integer.toHexString(b);
    }

    private WpkFormatException error(String message) {
        return new WpkFormatException(pos, source + ": " + message);
    }

    // ---- typed access to parsed values, with errors that say what was expected ----

    /** The value as an object, or a format error naming {@code what}. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> asObject(Object value, String what) throws WpkFormatException {
        if (value instanceof Map) {
            return (Map<String, Object>) value;
        }
        throw new WpkFormatException(what + " must be a JSON object, not " + typeName(value));
    }

    @SuppressWarnings("unchecked")
    public static List<Object> asList(Object value, String what) throws WpkFormatException {
        if (value instanceof List) {
            return (List<Object>) value;
        }
        throw new WpkFormatException(what + " must be a JSON array, not " + typeName(value));
    }

    public static String asString(Object value, String what) throws WpkFormatException {
        if (value instanceof String) {
            return (String) value;
        }
        throw new WpkFormatException(what + " must be a JSON string, not " + typeName(value));
    }

    /** An integer that fits a long; a fraction or a huge value is an error. */
    public static long asLong(Object value, String what) throws WpkFormatException {
        if (value instanceof Long) {
            return (Long) value;
        }
        throw new WpkFormatException(what + " must be an integer that fits 64 bits, not " + describe(value));
    }

    /** A finite number of any written form (integer or not). */
    public static double asDouble(Object value, String what) throws WpkFormatException {
        if (value instanceof Long) {
            return (Long) value;
        }
        if (value instanceof Double) {
            return (Double) value;
        }
        if (value instanceof BigInteger) {
            return ((BigInteger) value).doubleValue();
        }
        throw new WpkFormatException(what + " must be a number, not " + typeName(value));
    }

    /** A list of non-negative integers, such as a shape. */
    public static long[] asDims(Object value, String what) throws WpkFormatException {
        List<Object> list = asList(value, what);
        long[] dims = new long[list.size()];
        for (int i = 0; i < dims.length; i++) {
            long d = asLong(list.get(i), what + "[" + i + "]");
            if (d < 0) {
                throw new WpkFormatException(what + "[" + i + "] is negative (" + d + ")");
            }
            dims[i] = d;
        }
        return dims;
    }

    /** A key that must be present, with a clear error when it is not. */
    public static Object require(Map<String, Object> object, String key, String what) throws WpkFormatException {
        if (!object.containsKey(key)) {
            throw new WpkFormatException(what + " has no \"" + key + "\"");
        }
        return object.get(key);
    }

    private static String typeName(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Map) {
            return "an object";
        }
        if (value instanceof List) {
            return "an array";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        return "a number";
    }

    private static String describe(Object value) {
        if (value instanceof Number) {
            return value.toString();
        }
        return typeName(value);
    }
}
