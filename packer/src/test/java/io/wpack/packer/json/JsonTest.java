package io.wpack.packer.json;

import io.wpack.formats.WpkFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {
    private static Object parse(String s) throws WpkFormatException {
        return Json.parse(s, "test");
    }

    @Test
    void parsesAllValueKindsInOrder() throws Exception {
        Object v = parse(" {\"b\": [1, -2, 3.5, true, false, null], \"a\": {\"x\": \"y\"}, \"e\": [], \"o\": {}} \n");
        Map<String, Object> m = Json.asObject(v, "root");
        assertInstanceOf(LinkedHashMap.class, m);
        assertEquals(List.of("b", "a", "e", "o"), List.copyOf(m.keySet()));
        assertEquals(Arrays.asList(1L, -2L, 3.5, true, false, null), m.get("b"));
        assertEquals(Map.of("x", "y"), m.get("a"));
        assertEquals(List.of(), m.get("e"));
        assertEquals(Map.of(), m.get("o"));
    }

    @Test
    void numbers() throws Exception {
        assertEquals(0L, parse("0"));
        assertEquals(Long.MAX_VALUE, parse("9223372036854775807"));
        assertEquals(Long.MIN_VALUE, parse("-9223372036854775808"));
        assertEquals(new BigInteger("9223372036854775808"), parse("9223372036854775808"));
        assertEquals(1e5, parse("1e5"));
        assertEquals(-2.5e-3, parse("-2.5E-3"));
        assertEquals(1.0, parse("1.0"));
        Object negZero = parse("-0");
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits((Double) negZero));
        assertEquals(4.9e-324, parse("4.9e-324"));
    }

    @Test
    void doublesRoundTripBitExactly() throws Exception {
        // TF.js writes min and scale from float32 and float64 values; they must come back exact.
        double[] values = {50.207843137254905, 0.003921568859368563, -1.2345678901234567e-8, Math.PI,
                Double.MIN_NORMAL, Double.MAX_VALUE, 0.1f, 1.0 / 3};
        for (double d : values) {
            Object back = parse(Double.toString(d));
            assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits((Double) back), Double.toString(d));
            Object viaWriter = parse(JsonWriter.write(List.of(d)));
            assertEquals(d, ((List<?>) viaWriter).get(0));
        }
        assertEquals(3.0, Json.asDouble(parse("3"), "x"));
    }

    @Test
    void stringEscapesAndUnicode() throws Exception {
        assertEquals("a\"b\\c/d\be\ff\ng\rh\ti", parse("\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\""));
        assertEquals("\u00e9\u4e2d", parse("\"\\u00e9\\u4E2D\""));
        assertEquals("\uD83D\uDE00", parse("\"\\uD83D\\uDE00\""));
        String raw = "caf\u00e9 \u4e2d\u6587 \uD83D\uDE00";
        assertEquals(raw, Json.parse(("\"" + raw + "\"").getBytes(StandardCharsets.UTF_8), "t"));
        assertEquals("", parse("\"\""));
    }

    @Test
    void skipsByteOrderMark() throws Exception {
        byte[] b = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '[', '1', ']'};
        assertEquals(List.of(1L), Json.parse(b, "bom"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", " ", "{", "[", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{'a':1}", "[1 2]", "01", "-", "1.", ".5",
        "+1", "1e", "1e+", "NaN", "Infinity", "-Infinity", "1e999", "tru", "nul", "\"abc", "\"\\x\"", "\"\\u12\"",
        "\"\\u12G4\"", "\"a\tb\"", "\"\\uD800\"", "\"\\uDC00x\"", "[1] [2]", "{} x", "[1]]", "// c\n1", "{\"a\":1,\"a\":2}",
        "\"\\", "[\"a\",]", "{,}", "[,]", "0x10", "--1"
    })
    void rejectsMalformed(String s) {
        WpkFormatException e = assertThrows(WpkFormatException.class, () -> parse(s));
        assertTrue(e.getMessage().startsWith("test: "), e.getMessage());
    }

    @Test
    void rejectsMalformedUtf8() {
        byte[] b = {'"', (byte) 0xC3, '"'};
        assertThrows(WpkFormatException.class, () -> Json.parse(b, "t"));
        byte[] overlong = {'"', (byte) 0xC0, (byte) 0xAF, '"'};
        assertThrows(WpkFormatException.class, () -> Json.parse(overlong, "t"));
    }

    @Test
    void errorCarriesByteOffset() {
        WpkFormatException e = assertThrows(WpkFormatException.class, () -> parse("{\"a\": [1, 2,, 3]}"));
        assertEquals(12, e.offset());
        assertTrue(e.getMessage().contains("at byte 12"), e.getMessage());
    }

    @Test
    void depthLimit() throws Exception {
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertInstanceOf(List.class, parse(ok));
        String deep = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
        assertTrue(assertThrows(WpkFormatException.class, () -> parse(deep)).getMessage().contains("nested"));
        // Far deeper input must fail the same way, not with a StackOverflowError.
        String hostile = "{\"a\":".repeat(100_000);
        assertThrows(WpkFormatException.class, () -> parse(hostile));
    }

    @Test
    void typedAccessorsExplainMismatches() throws Exception {
        Map<String, Object> m = Json.asObject(parse("{\"s\": [1, -1, 2.5, 99999999999999999999]}"), "m");
        assertArrayEquals(new long[] {1}, Json.asDims(List.of(1L), "d"));
        assertTrue(assertThrows(WpkFormatException.class, () -> Json.asDims(m.get("s"), "shape"))
                .getMessage().contains("shape[1] is negative"));
        assertThrows(WpkFormatException.class, () -> Json.asLong(2.5, "x"));
        assertThrows(WpkFormatException.class, () -> Json.asString(1L, "x"));
        assertThrows(WpkFormatException.class, () -> Json.asList(Map.of(), "x"));
        assertThrows(WpkFormatException.class, () -> Json.asObject(null, "x"));
        assertTrue(assertThrows(WpkFormatException.class, () -> Json.require(m, "q", "thing"))
                .getMessage().contains("thing has no \"q\""));
        assertNull(parse("null"));
    }

    @Test
    void writerIsDeterministicAndRoundTrips() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z", "quote\" backslash\\ nl\n tab\t ctl\u0001 del\u007f \u00e9 \uD83D\uDE00");
        m.put("a", Arrays.asList(1L, 2.5, -0.0, true, null, new BigInteger("123456789012345678901234567890")));
        m.put("f", 0.1f);
        m.put("nested", new TreeMap<>(Map.of("b", List.of(), "a", Map.of())));
        String compact = JsonWriter.write(m);
        assertEquals("{\"z\":\"quote\\\" backslash\\\\ nl\\n tab\\t ctl\\u0001 del\\u007f \u00e9 \uD83D\uDE00\","
                + "\"a\":[1,2.5,-0.0,true,null,123456789012345678901234567890],\"f\":0.1,"
                + "\"nested\":{\"a\":{},\"b\":[]}}", compact);
        assertEquals(compact, JsonWriter.write(m));
        Object back = parse(compact);
        assertEquals(m.get("z"), Json.asObject(back, "b").get("z"));
        String pretty = JsonWriter.writePretty(m);
        assertTrue(pretty.contains("\n  \"a\": [\n    1,"), pretty);
        assertEquals(parse(compact), parse(pretty));
        assertEquals("\"\\ud800\"", JsonWriter.quote("\uD800"));
        assertThrows(IllegalArgumentException.class, () -> JsonWriter.write(List.of(Double.NaN)));
        assertThrows(IllegalArgumentException.class, () -> JsonWriter.write(new Object()));
    }
}
