package io.wpack.encoders;

import io.wpack.formats.WpkFormatException;
import org.junit.jupiter.api.Test;

import java.util.List;

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
    }

    @Test
    void unknownNamesAskForANewerWpack() {
        WpkFormatException e = assertThrows(WpkFormatException.class, () -> Codecs.byName("zstd"));
        assertEquals("unknown codec 'zstd': the package needs a newer wpack", e.getMessage());
        assertThrows(WpkFormatException.class, () -> Codecs.byName("LZ4"));
        assertThrows(WpkFormatException.class, () -> Codecs.byName(""));
        assertThrows(WpkFormatException.class, () -> Codecs.byName(null));
    }

    @Test
    void generalPurposeCodecsComeFastestFirst() {
        List<ByteCodec> codecs = Codecs.generalPurpose();
        assertEquals(List.of("raw", "lz4", "deflate", "xz"), codecs.stream().map(ByteCodec::name).toList());
        for (int i = 0; i < codecs.size(); i++) {
            assertEquals(i, codecs.get(i).decodeSpeedRank());
        }
        assertThrows(UnsupportedOperationException.class, () -> codecs.add(Codecs.RAW));
        assertTrue(codecs.stream().allMatch(c -> c.toString().equals(c.name())));
    }
}
