package io.wpack.encoders;

import io.wpack.formats.WpkFormatException;
import io.wpack.formats.proto.DType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CodecsTest {
    @Test
    void findsEveryCodecByItsManifestName() throws WpkFormatException {
        assertSame(Codecs.RAW, Codecs.byName("raw"));
        assertSame(Codecs.LZ4, Codecs.byName("lz4"));
        assertSame(Codecs.DEFLATE, Codecs.byName("deflate"));
        assertSame(Codecs.XZ, Codecs.byName("xz"));
        assertSame(Codecs.HUFFMAN, Codecs.byName("huffman"));
        assertSame(Codecs.HUFFMAN_NZ, Codecs.byName("huffman-nz"));
        assertSame(Codecs.ZERORUNS, Codecs.byName("zeroruns"));
        assertSame(Codecs.FLOATPLANES_32, Codecs.byName("floatplanes"));
    }

    @Test
    void unknownNamesAskForANewerWpack() {
        WpkFormatException e = assertThrows(WpkFormatException.class, () -> Codecs.byName("zstd"));
        assertEquals("unknown codec 'zstd': the package needs a newer wpack", e.getMessage());
        assertThrows(WpkFormatException.class, () -> Codecs.byName("LZ4"));
        assertThrows(WpkFormatException.class, () -> Codecs.byName(""));
        assertThrows(WpkFormatException.class, () -> Codecs.byName(null));
        assertThrows(WpkFormatException.class, () -> Codecs.create("zstd", Map.of()));
    }

    @Test
    void stagesRebuildTheirCodec() throws WpkFormatException {
        for (ByteCodec codec : List.of(Codecs.RAW, Codecs.LZ4, Codecs.DEFLATE, Codecs.XZ, Codecs.HUFFMAN,
                Codecs.HUFFMAN_NZ, Codecs.FLOATPLANES_32, Codecs.FLOATPLANES_16)) {
            assertSame(codec, Codecs.create(codec.name(), codec.params()));
        }
        assertEquals(Map.of("width", "4"), Codecs.FLOATPLANES_32.params());
        assertEquals(Map.of("width", "2"), Codecs.FLOATPLANES_16.params());
    }

    @Test
    void unknownParametersAreRejected() {
        assertThrows(WpkFormatException.class, () -> Codecs.create("huffman", Map.of("limit", "11")));
        assertThrows(WpkFormatException.class, () -> Codecs.create("raw", Map.of("x", "")));
        assertThrows(WpkFormatException.class, () -> Codecs.create("floatplanes", Map.of()));
        assertThrows(WpkFormatException.class, () -> Codecs.create("floatplanes", Map.of("width", "3")));
        assertThrows(WpkFormatException.class, () -> Codecs.create("floatplanes", Map.of("width", "04")));
        assertThrows(WpkFormatException.class, () -> Codecs.create("floatplanes", Map.of("width", "4", "order", "1")));
    }

    @Test
    void generalPurposeCodecsComeFastestFirst() {
        List<ByteCodec> codecs = Codecs.generalPurpose();
        assertEquals(List.of("raw", "lz4", "deflate", "xz"), codecs.stream().map(ByteCodec::name).toList());
        for (int i = 1; i < codecs.size(); i++) {
            assertTrue(codecs.get(i - 1).decodeSpeedRank() < codecs.get(i).decodeSpeedRank());
        }
        assertThrows(UnsupportedOperationException.class, () -> codecs.add(Codecs.RAW));
        assertTrue(codecs.stream().allMatch(c -> c.toString().equals(c.name())));
    }

    @Test
    void patternCodecsAreRebuiltFromTheirStageParameters() throws Exception {
        byte[] codes = new byte[4096];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (byte) (i % 7 == 0 ? i % 5 : 0);
        }
        for (ByteCodec codec : new ByteCodec[] {Codecs.MASKVALUES, Codecs.BLOCKDICT}) {
            byte[] encoded = codec.encode(codes, 0, codes.length);
            ByteCodec rebuilt = Codecs.create(codec.name(), codec.params());
            java.nio.ByteBuffer dst = java.nio.ByteBuffer.allocate(codes.length);
            rebuilt.decode(java.nio.ByteBuffer.wrap(encoded), dst);
            org.junit.jupiter.api.Assertions.assertArrayEquals(codes, dst.array(), codec.name());
            assertSame(codec, Codecs.byName(codec.name()));
        }
    }

    @Test
    void candidatesDependOnTheElementType() {
        assertEquals(List.of("raw", "lz4", "floatplanes", "huffman", "deflate", "xz"), names(DType.F32));
        assertSame(Codecs.FLOATPLANES_32, Codecs.candidatesFor(DType.F32).get(2));
        for (DType half : new DType[] {DType.F16, DType.BF16}) {
            assertEquals(List.of("raw", "lz4", "floatplanes", "huffman", "deflate", "xz"), names(half));
            assertSame(Codecs.FLOATPLANES_16, Codecs.candidatesFor(half).get(2));
        }
        for (DType oneByte : new DType[] {DType.I8, DType.U8, DType.BOOL, DType.F8_E4M3, DType.F8_E5M2}) {
            assertEquals(List.of("raw", "lz4", "huffman", "huffman-nz", "zeroruns", "deflate", "maskvalues", "xz"),
                    names(oneByte));
        }
        for (DType other : new DType[] {DType.I32, DType.I64, DType.F64, DType.U16, DType.DTYPE_UNSPECIFIED}) {
            assertEquals(List.of("raw", "lz4", "huffman", "deflate", "xz"), names(other));
        }
        for (DType any : DType.values()) {
            if (any == DType.UNRECOGNIZED) {
                continue;
            }
            List<ByteCodec> candidates = Codecs.candidatesFor(any);
            for (int i = 1; i < candidates.size(); i++) {
                assertTrue(candidates.get(i - 1).decodeSpeedRank() <= candidates.get(i).decodeSpeedRank(), any + "");
            }
            assertTrue(candidates.containsAll(Codecs.generalPurpose()));
        }
    }

    private static List<String> names(DType dtype) {
        return Codecs.candidatesFor(dtype).stream().map(ByteCodec::name).toList();
    }
}
