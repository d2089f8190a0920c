package io.wpack.encoders.sparse;

import io.wpack.encoders.ByteCodec;
import io.wpack.encoders.Codecs;
import io.wpack.formats.WpkFormatException;
import io.wpack.formats.proto.DType;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Stage parameters of the sparse codecs: what Codecs.create accepts and rejects. */
class SparseParamsTest {
    private static Map<String, String> params(String... namesAndValues) {
        Map<String, String> p = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            p.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return p;
    }

    @Test
    void parametersAreWrittenInAFixedOrder() {
        assertEquals(List.of("rows", "cols", "width"), List.copyOf(new CsrCodec(3, 4).params().keySet()));
        assertEquals(List.of("rows", "cols", "blockRows", "blockCols", "width"),
                List.copyOf(new BsrCodec(3, 4, 2, 2).params().keySet()));
        assertEquals(List.of("rows", "cols", "blockRows", "blockCols", "width"),
                List.copyOf(new BcrCodec(3, 4, 2, 2).params().keySet()));
        assertEquals(List.of("rows", "cols", "n", "m", "width"), List.copyOf(new NmCodec(3, 4, 2, 4).params().keySet()));
        assertEquals(List.of("kernels", "k", "width"), List.copyOf(new KernelPatternCodec(3, 3).params().keySet()));
    }

    @Test
    void createRebuildsEveryCodec() throws Exception {
        for (ByteCodec codec : List.of(new CsrCodec(3, 4), new BsrCodec(30, 7, 4, 4), new BcrCodec(5, 6, 16, 1),
                new NmCodec(8, 9, 2, 4), new KernelPatternCodec(10, 3))) {
            ByteCodec rebuilt = Codecs.create(codec.name(), codec.params());
            assertEquals(codec.getClass(), rebuilt.getClass());
            assertEquals(codec.params(), rebuilt.params());
        }
    }

    @Test
    void outOfRangeOrOverflowingParametersAreRejected() {
        List<Map.Entry<String, Map<String, String>>> bad = List.of(
                Map.entry("csr", params("rows", "65536", "cols", "65536", "width", "1")),
                Map.entry("csr", params("rows", "0", "cols", "5", "width", "1")),
                Map.entry("csr", params("rows", "3", "cols", "5", "width", "2")),
                Map.entry("csr", params("rows", "3", "cols", "5")),
                Map.entry("csr", params("rows", "3", "cols", "5", "width", "1", "zero", "0")),
                Map.entry("bsr", params("rows", "3", "cols", "5", "blockRows", "257", "blockCols", "4", "width", "1")),
                Map.entry("bsr", params("rows", "46341", "cols", "46341", "blockRows", "4", "blockCols", "4",
                        "width", "1")),
                Map.entry("bcr", params("rows", "3", "cols", "5", "blockRows", "4", "blockCols", "17", "width", "1")),
                Map.entry("nm", params("rows", "3", "cols", "5", "n", "5", "m", "4", "width", "1")),
                Map.entry("nm", params("rows", "3", "cols", "5", "n", "2", "m", "17", "width", "1")),
                Map.entry("nm", params("rows", "3", "cols", "5", "n", "0", "m", "4", "width", "1")),
                Map.entry("kpattern", params("kernels", "10", "k", "9", "width", "1")),
                Map.entry("kpattern", params("kernels", "40000000", "k", "8", "width", "1")),
                Map.entry("kpattern", params("kernels", " 10", "k", "3", "width", "1")));
        for (Map.Entry<String, Map<String, String>> stage : bad) {
            assertThrows(WpkFormatException.class, () -> Codecs.create(stage.getKey(), stage.getValue()),
                    stage.toString());
        }
    }

    @Test
    void constructorsRejectWhatFromParamsRejects() {
        assertThrows(IllegalArgumentException.class, () -> new CsrCodec(65536, 65536));
        assertThrows(IllegalArgumentException.class, () -> new NmCodec(4, 4, 3, 2));
        assertThrows(IllegalArgumentException.class, () -> new KernelPatternCodec(1, 0));
        assertThrows(IllegalArgumentException.class, () -> new BsrCodec(4, 4, 0, 4));
    }

    @Test
    void packerCandidatesDoNotIncludeThem() {
        // They need the tensor's shape, which only the packer knows.
        for (ByteCodec codec : Codecs.candidatesFor(DType.I8)) {
            assertFalse(List.of("csr", "bsr", "bcr", "nm", "kpattern").contains(codec.name()), codec.name());
        }
    }
}
