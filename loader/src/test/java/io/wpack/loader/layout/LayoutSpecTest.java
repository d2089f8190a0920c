package io.wpack.loader.layout;

import io.wpack.formats.proto.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SPEC grammar: what parses to what, canonical forms, and what is refused with which message. */
class LayoutSpecTest {

    @Test
    void parsesTheDocumentedExamples() {
        assertEquals(new Layout.Dense("NHWC", DType.F16), Layout.parse("dense:NHWC:f16"));
        assertEquals(new Layout.Dense("OHWI", null), Layout.parse("dense:OHWI"));
        assertEquals(new Layout.Dense("HWIO", DType.F32), Layout.parse("dense:HWIO:f32"));
        assertEquals(new Layout.Dense("", DType.BF16), Layout.parse("dense:bf16"));
        assertEquals(new Layout.Transposed(null), Layout.parse("transposed"));
        assertEquals(new Layout.Panels("", 8, 1, false, null), Layout.parse("panels:nr8:kr1"));
        assertEquals(new Layout.Panels("", 8, 4, true, null), Layout.parse("panels:nr8:kr4:bias"));
        assertEquals(new Layout.Panels("OHWI", 4, 2, true, DType.F16), Layout.parse("panels:OHWI:nr4:kr2:bias:f16"));
        assertEquals(new Layout.Csr(null), Layout.parse("csr"));
        assertEquals(new Layout.Bsr(4, 4, null), Layout.parse("bsr:4x4"));
        assertEquals(new Layout.Bsr(2, 8, DType.BF16), Layout.parse("bsr:2x8:bf16"));
        assertEquals(new Layout.NM(2, 4, null), Layout.parse("nm:2:4"));
        assertEquals(new Layout.Q8_0(), Layout.parse("q8_0"));
        assertEquals(new Layout.Q4_0(), Layout.parse("Q4_0"));
        assertEquals(new Layout.KernelPattern(null), Layout.parse("kpattern"));
        assertEquals(new Layout.Bcr(4, 2, DType.F16), Layout.parse("BCR:4X2:F16"));
    }

    @Test
    void blockedFormatsFollowOneDnn() {
        Layout.Blocked b = (Layout.Blocked) Layout.parse("blocked:OIhw16i16o");
        assertEquals("OIHW", b.outerAxes());
        assertEquals(16, b.blockOf('I'));
        assertEquals(16, b.blockOf('O'));
        assertEquals(1, b.blockOf('H'));
        assertEquals(Arrays.asList(new Layout.BlockedDim('O', 0), new Layout.BlockedDim('I', 0),
                new Layout.BlockedDim('H', 0), new Layout.BlockedDim('W', 0), new Layout.BlockedDim('I', 16),
                new Layout.BlockedDim('O', 16)), b.dims());
        assertEquals("blocked:OIhw8i8o", Layout.parse("blocked:OIhw8i8o").spec());
        assertEquals(16, ((Layout.Blocked) Layout.parse("blocked:OIhw4i16o4i")).blockOf('I'));
        // Case does not matter on input; the canonical form upper-cases blocked axes only.
        assertEquals("blocked:OIhw16i16o", Layout.parse("blocked:oihw16I16O").spec());
        assertEquals("blocked:ohwi", Layout.parse("blocked:OHWI").spec());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dense", "dense:NHWC:f16", "dense:OHWI", "dense:f32", "transposed", "transposed:bf16",
        "blocked:OIhw16i16o", "blocked:OIhw4i16o4i:f16", "blocked:Ohwi8o", "panels:nr8:kr1", "panels:nr8:kr4:bias",
        "panels:OHWI:nr6:kr2:bias:bf16", "csr", "csr:f16", "bsr:4x4", "bsr:1x16:f32", "nm:2:4", "nm:1:8:bf16",
        "q8_0", "q4_0", "kpattern", "kpattern:bf16", "bcr:4x4", "bcr:16x1:f32"})
    void canonicalSpecsRoundTrip(String spec) {
        Layout l = Layout.parse(spec);
        assertEquals(spec, l.spec());
        assertEquals(l, Layout.parse(l.spec()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "sparse", "dense:OHWI:f64", "dense:O1", "dense:OO", "dense:OHWI:f16:x",
        "transposed:OI", "blocked", "blocked:16i", "blocked:OI16", "blocked:OI16x", "blocked:OI16i16oH",
        "blocked:OIhw0i", "blocked:OIhw65537i", "blocked:OIhw512i256o", "panels", "panels:nr8", "panels:kr1:nr8",
        "panels:nr0:kr1", "panels:nr8:kr1:bias:bias", "panels:nrx:kr1", "csr:4", "bsr", "bsr:4", "bsr:4x",
        "bsr:0x4", "bsr:4x4x4", "nm:2", "nm:3:2", "nm:0:4", "nm:2:1", "nm:2:512", "q8_0:f16", "q4_0:x",
        "dense::f16", "bsr:-1x4", "bsr:99999999x4", "kpattern:3", "kpattern:3x3", "bcr", "bcr:4", "bcr:0x4",
        "bcr:17x4", "bcr:4x4x4"})
    void refusesMalformedSpecs(String spec) {
        LayoutException e = assertThrows(LayoutException.class, () -> Layout.parse(spec));
        assertTrue(e.getMessage().length() > 10, e.getMessage());
    }

    @Test
    void messagesSayWhatWasExpected() {
        assertTrue(assertThrows(LayoutException.class, () -> Layout.parse("bsr:4"))
                .getMessage().contains("bsr:RxC"));
        assertTrue(assertThrows(LayoutException.class, () -> Layout.parse("dense:OHWI:i8"))
                .getMessage().contains("f32, f16 and bf16"));
        assertTrue(assertThrows(LayoutException.class, () -> Layout.parse("blocked:OIhw16x16o"))
                .getMessage().contains("not among the outer axes"));
    }

    @Test
    void axisNamesResolveWithAliases() {
        assertArrayEquals(new int[] {0, 2, 3, 1}, SourceAxes.permutation("OIHW", "OHWI"));
        assertArrayEquals(new int[] {0, 2, 3, 1}, SourceAxes.permutation("OIHW", "NHWC"));
        assertArrayEquals(new int[] {2, 3, 1, 0}, SourceAxes.permutation("OIHW", "HWIO"));
        assertArrayEquals(new int[] {3, 2, 0, 1}, SourceAxes.permutation("HWIO", "OIHW"));
        assertArrayEquals(new int[] {1, 0}, SourceAxes.permutation("OI", "io"));
        assertThrows(LayoutException.class, () -> SourceAxes.permutation("OIHW", "OHW"));
        assertThrows(LayoutException.class, () -> SourceAxes.permutation("OIHW", "OHWX"));
        assertThrows(LayoutException.class, () -> SourceAxes.permutation("NOHW", "NCHW"));
        assertEquals("OIHW", SourceAxes.names(4, null));
        assertEquals("OI", SourceAxes.names(2, null));
        assertEquals(null, SourceAxes.names(6, null));
        assertEquals("HWIO", SourceAxes.names(4, "hwio"));
        assertThrows(LayoutException.class, () -> SourceAxes.names(3, "HWIO"));
        assertThrows(LayoutException.class, () -> SourceAxes.names(2, "OO"));
    }

    @Test
    void plansRejectLayoutsThatDoNotApply() {
        LayoutOptions o = LayoutOptions.DEFAULTS;
        assertThrows(LayoutException.class,
                () -> LayoutPlan.of(Layout.parse("dense:OHWI"), new long[] {2, 3}, DType.F32, o));
        assertThrows(LayoutException.class,
                () -> LayoutPlan.of(Layout.parse("dense:ABCDEF"), new long[] {1, 1, 1, 1, 1, 1}, DType.F32, o));
        assertThrows(LayoutException.class,
                () -> LayoutPlan.of(Layout.parse("q8_0"), new long[] {2, 32}, DType.I8, o));
        assertThrows(LayoutException.class,
                () -> LayoutPlan.of(Layout.parse("csr:f16"), new long[] {2, 3}, DType.I32, o));
        assertThrows(LayoutException.class,
                () -> LayoutPlan.of(Layout.parse("blocked:OIhw8i8o"), new long[] {8, 8, 3}, DType.F32, o));
        assertThrows(LayoutException.class, () -> LayoutPlan.of(Layout.parse("dense:OHWI"),
                new long[] {2, 3, 4, 5}, DType.F32, o.withSourceLayout("OIH")));
        // Declared source letters make a rank-6 permutation possible.
        LayoutPlan p = LayoutPlan.of(Layout.parse("dense:FEDCBA"), new long[] {1, 2, 3, 4, 5, 6}, DType.F32,
                o.withSourceLayout("ABCDEF"));
        assertArrayEquals(new long[] {6, 5, 4, 3, 2, 1}, p.shape());
    }

    @Test
    void plansGiveEveryPartsSize() {
        LayoutPlan blocked = LayoutPlan.of(Layout.parse("blocked:OIhw16i16o:f16"), new long[] {20, 3, 3, 3},
                DType.F32, LayoutOptions.DEFAULTS);
        assertArrayEquals(new long[] {2, 1, 3, 3, 16, 16}, blocked.part("data").shape());
        assertEquals(2L * 9 * 256 * 2, blocked.part("data").bytes());
        assertArrayEquals(new long[] {20, 3, 3, 3}, blocked.shape());

        LayoutPlan panels = LayoutPlan.of(Layout.parse("panels:nr8:kr4:bias"), new long[] {10, 3, 3, 3},
                DType.F32, LayoutOptions.DEFAULTS);
        // 2 panels of 8 bias slots + 28 (27 rounded up to kr) * 8.
        assertArrayEquals(new long[] {2, 8 + 28 * 8}, panels.part("data").shape());

        LayoutPlan csr = LayoutPlan.of(Layout.parse("csr"), new long[] {5, 7}, DType.F32, LayoutOptions.DEFAULTS);
        assertEquals(-1, csr.part("data").bytes());
        assertEquals(null, csr.part("indices").shape());
        assertEquals(24, csr.part("indptr").bytes());

        LayoutPlan nm = LayoutPlan.of(Layout.parse("nm:2:4"), new long[] {3, 10}, DType.F16, LayoutOptions.DEFAULTS);
        assertArrayEquals(new long[] {3, 6}, nm.part("values").shape()); // 3 groups (10 padded to 12) x 2
        assertArrayEquals(new long[] {3, 2}, nm.part("metadata").shape()); // 6 x 2 bits = 12 bits -> 2 bytes

        LayoutPlan q4 = LayoutPlan.of(Layout.parse("q4_0"), new long[] {4, 33}, DType.F16, LayoutOptions.DEFAULTS);
        assertArrayEquals(new long[] {4, 36}, q4.part("blocks").shape());
    }
}
