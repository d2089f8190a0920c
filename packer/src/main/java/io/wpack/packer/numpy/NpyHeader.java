package io.wpack.packer.numpy;

import io.wpack.formats.DTypes;
import io.wpack.formats.Verify;
import io.wpack.formats.WpkFormatException;
import io.wpack.formats.proto.DType;
import io.wpack.packer.io.StreamBytes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a NumPy {@code .npy} array (format versions 1.0, 2.0 and 3.0):
 * <pre>
 *   6 bytes   magic "\x93NUMPY"
 *   2 bytes   major, minor version
 *   u16 LE    header length H (version 1.0), or u32 LE (2.0 and 3.0)
 *   H bytes   a Python dict literal, latin-1 (1.0, 2.0) or UTF-8 (3.0), padded with spaces
 *             and a newline: {'descr': '&lt;f4', 'fortran_order': False, 'shape': (3, 4), }
 *   ...       the elements
 * </pre>
 *
 * @param dtype        element type
 * @param bigEndian    whether multi-byte elements are stored big-endian ({@code >})
 * @param fortranOrder whether elements are stored column-major
 * @param shape        dimensions; empty for a scalar
 * @param dataOffset   bytes from the start of the array to its first element
 * @param version      "1.0", "2.0" or "3.0"
 */
public record NpyHeader(DType dtype, boolean bigEndian, boolean fortranOrder, long[] shape, long dataOffset,
                        String version) {

    /** Real headers are under 200 bytes; NumPy itself refuses more than 10,000 by default. */
    public static final int MAX_HEADER_BYTES = 100_000;

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /** Bytes of element data: numel × item size, overflow-checked. */
    public long dataLength() throws WpkFormatException {
        return DTypes.byteCount(shape, dtype);
    }

    /** Reads and parses a header from the start of {@code in}; {@code what} names the array in errors. */
    public static NpyHeader read(InputStream in, String what) throws IOException {
        byte[] prefix = StreamBytes.readExactly(in, 8, what + ": npy header");
        for (int i = 0; i < MAGIC.length; i++) {
            Verify.verify(prefix[i] == MAGIC[i], i, "%s: not a NumPy .npy array (bad magic)", what);
        }
        int major = prefix[6] & 0xFF;
        int minor = prefix[7] & 0xFF;
        Verify.verify((major == 1 || major == 2 || major == 3) && minor == 0, 6,
                "%s: unsupported .npy format version %d.%d (known: 1.0, 2.0, 3.0)", what, major, minor);
        long headerLength;
        int lengthBytes;
        if (major == 1) {
            byte[] b = StreamBytes.readExactly(in, 2, what + ": npy header length");
            headerLength = (b[0] & 0xFF) | (b[1] & 0xFF) << 8;
            lengthBytes = 2;
        } else {
            byte[] b = StreamBytes.readExactly(in, 4, what + ": npy header length");
            headerLength = (b[0] & 0xFFL) | (b[1] & 0xFFL) << 8 | (b[2] & 0xFFL) << 16 | (b[3] & 0xFFL) << 24;
            lengthBytes = 4;
        }
        Verify.verify(headerLength <= MAX_HEADER_BYTES, 8, "%s: npy header length %d exceeds the limit of %d bytes",
                what, headerLength, MAX_HEADER_BYTES);
        byte[] text = StreamBytes.readExactly(in, (int) headerLength, what + ": npy header");
        String dict = new String(text, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return parse(dict, 8 + lengthBytes + headerLength, major + ".0", what);
    }

    static NpyHeader parse(String dict, long dataOffset, String version, String what) throws WpkFormatException {
        Object parsed = new PyLiteral(dict, what).parseAll();
        if (!(parsed instanceof Map)) {
            throw new WpkFormatException(what + ": npy header is not a dict: " + abbreviate(dict));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) parsed;
        Verify.verify(map.size() == 3 && map.containsKey("descr") && map.containsKey("fortran_order")
                && map.containsKey("shape"), "%s: npy header must have exactly the keys 'descr', 'fortran_order' "
                + "and 'shape': %s", what, abbreviate(dict));
        Object descr = map.get("descr");
        if (!(descr instanceof String)) {
            throw new WpkFormatException(what + ": structured dtype " + abbreviate(String.valueOf(descr))
                    + " is not supported; only plain numeric and bool arrays are");
        }
        String d = (String) descr;
        Object fortran = map.get("fortran_order");
        Verify.verify(fortran instanceof Boolean, "%s: 'fortran_order' must be True or False", what);
        Object shapeValue = map.get("shape");
        Verify.verify(shapeValue instanceof PyTuple, "%s: 'shape' must be a tuple of integers", what);
        List<Object> dims = ((PyTuple) shapeValue).items;
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            Verify.verify(dims.get(i) instanceof Long && (Long) dims.get(i) >= 0,
                    "%s: 'shape' entry %d is not a non-negative integer", what, i);
            shape[i] = (Long) dims.get(i);
        }
        char order = d.isEmpty() ? '?' : d.charAt(0);
        String code = (order == '<' || order == '>' || order == '|' || order == '=') ? d.substring(1) : d;
        DType dtype = dtypeOf(code, d, what);
        int size = DTypes.byteSize(dtype);
        Verify.verify(order != '|' || size == 1, "%s: descr '%s' has no byte order but elements of %d bytes",
                what, d, size);
        Verify.verify(order != '=' || size == 1, "%s: descr '%s' is in the writing machine's native byte order, "
                + "which the file does not record", what, d);
        boolean bigEndian = order == '>' && size > 1;
        NpyHeader h = new NpyHeader(dtype, bigEndian, (Boolean) fortran, shape, dataOffset, version);
        h.dataLength(); // fails early on an overflowing shape
        return h;
    }

    private static DType dtypeOf(String code, String descr, String what) throws WpkFormatException {
        switch (code) {
            case "f8": return DType.F64;
            case "f4": return DType.F32;
            case "f2": return DType.F16;
            case "i1": return DType.I8;
            case "i2": return DType.I16;
            case "i4": return DType.I32;
            case "i8": return DType.I64;
            case "u1": return DType.U8;
            case "u2": return DType.U16;
            case "u4": return DType.U32;
            case "u8": return DType.U64;
            case "b1":
            case "?": return DType.BOOL;
            default:
                break;
        }
        String kind;
        switch (code.isEmpty() ? ' ' : code.charAt(0)) {
            case 'O': kind = "object arrays (pickled Python objects)"; break;
            case 'U': case 'S': case 'a': kind = "string arrays"; break;
            case 'V': kind = "void/structured dtypes (including bfloat16 from ml_dtypes)"; break;
            case 'c': kind = "complex numbers"; break;
            case 'M': case 'm': kind = "datetime and timedelta arrays"; break;
            case 'f': kind = "this float width"; break;
            default: kind = "this element type"; break;
        }
        throw new WpkFormatException(what + ": npy descr '" + descr + "' is not supported: " + kind
                + " cannot be imported");
    }

    private static String abbreviate(String s) {
        String t = s.strip();
        return t.length() <= 120 ? t : t.substring(0, 120) + "...";
    }

    /** A tuple, kept apart from a list because 'shape' must be a tuple and a list descr means a structured dtype. */
    private record PyTuple(List<Object> items) {
    }

    /**
     * The few Python literals an npy header uses: dicts, tuples, lists, quoted strings,
     * integers (with Python 2's {@code L} suffix), True, False and None.
     */
    private static final class PyLiteral {
        private static final int MAX_DEPTH = 32;
        private final String s;
        private final String what;
        private int pos;
        private int depth;

        PyLiteral(String s, String what) {
            this.s = s;
            this.what = what;
        }

        Object parseAll() throws WpkFormatException {
            skipSpace();
            Object v = value();
            skipSpace();
            Verify.verify(pos == s.length(), "%s: npy header has extra text after the dict: %s", what,
                    abbreviate(s.substring(pos)));
            return v;
        }

        private Object value() throws WpkFormatException {
            Verify.verify(pos < s.length(), "%s: npy header ends early", what);
            char c = s.charAt(pos);
            switch (c) {
                case '{': return dict();
                case '(': return new PyTuple(sequence(')'));
                case '[': return sequence(']');
                case '\'':
                case '"': return string();
                default:
                    break;
            }
            if (c == '-' || (c >= '0' && c <= '9')) {
                int start = pos;
                if (c == '-') {
                    pos++;
                }
                while (pos < s.length() && Character.isDigit(s.charAt(pos)) && s.charAt(pos) < 128) {
                    pos++;
                }
                String digits = s.substring(start, pos);
                if (pos < s.length() && (s.charAt(pos) == 'L' || s.charAt(pos) == 'l')) {
                    pos++;
                }
                try {
                    return Long.parseLong(digits);
                } catch (NumberFormatException e) {
                    throw new WpkFormatException(what + ": npy header has a bad or too large integer '" + digits + "'");
                }
            }
            for (String word : new String[] {"True", "False", "None"}) {
                if (s.startsWith(word, pos)) {
                    pos += word.length();
                    return word.equals("None") ? null : Boolean.valueOf(word.equals("True"));
                }
            }
            throw new WpkFormatException(what + ": npy header has unexpected text at " + pos + ": "
                    + abbreviate(s.substring(pos)));
        }

        private Map<String, Object> dict() throws WpkFormatException {
            enter();
            pos++;
            Map<String, Object> map = new LinkedHashMap<>();
            while (true) {
                skipSpace();
                if (peek() == '}') {
                    pos++;
                    depth--;
                    return map;
                }
                Object key = value();
                Verify.verify(key instanceof String, "%s: npy header dict has a non-string key", what);
                skipSpace();
                Verify.verify(peek() == ':', "%s: npy header dict is missing ':' after '%s'", what, key);
                pos++;
                skipSpace();
                Verify.verify(!map.containsKey(key), "%s: npy header has the key '%s' twice", what, key);
                map.put((String) key, value());
                skipSpace();
                if (peek() == ',') {
                    pos++;
                } else {
                    Verify.verify(peek() == '}', "%s: npy header dict is missing ',' or '}'", what);
                }
            }
        }

        private List<Object> sequence(char close) throws WpkFormatException {
            enter();
            pos++;
            List<Object> items = new ArrayList<>();
            while (true) {
                skipSpace();
                if (peek() == close) {
                    pos++;
                    depth--;
                    return items;
                }
                items.add(value());
                skipSpace();
                if (peek() == ',') {
                    pos++;
                } else {
                    Verify.verify(peek() == close, "%s: npy header is missing ',' or '%s'", what, close);
                }
            }
        }

        private String string() throws WpkFormatException {
            char quote = s.charAt(pos++);
            StringBuilder sb = new StringBuilder();
            while (true) {
                Verify.verify(pos < s.length(), "%s: npy header has an unterminated string", what);
                char c = s.charAt(pos++);
                if (c == quote) {
                    return sb.toString();
                }
                if (c == '\\') {
                    Verify.verify(pos < s.length(), "%s: npy header has an unterminated string", what);
                    c = s.charAt(pos++);
                }
                sb.append(c);
            }
        }

        private void enter() throws WpkFormatException {
            Verify.verify(++depth <= MAX_DEPTH, "%s: npy header nested too deeply", what);
        }

        private int peek() {
            return pos < s.length() ? s.charAt(pos) : -1;
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }
    }
}
