package io.wpack.encoders;

import io.wpack.formats.WpkFormatException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The shared suite on the bitpack configurations that take any bytes (full width), plus exact
 * bytes, parameters and the chooser. Narrow widths are in {@link BitPackCodecProperties}.
 */
class BitPackCodecTest extends AbstractByteCodecTest {
    private final BitPackCodec codec = new BitPackCodec(1, 8, 0);

    @Override
    protected ByteCodec codec() {
        return codec;
    }

    /** Two-byte elements at full width with an offset; odd lengths leave a tail byte. */
    @Nested
    class Elem2Width16 extends AbstractByteCodecTest {
        private final BitPackCodec wide = new BitPackCodec(2, 16, 0x1234);

        @Override
        protected ByteCodec codec() {
            return wide;
        }
    }

    /** Full width with an offset: every symbol is some byte, and the offset must come off again. */
    @Nested
    class Elem1Width8Offset extends AbstractByteCodecTest {
        private final BitPackCodec shifted = new BitPackCodec(1, 8, 200);

        @Override
        protected ByteCodec codec() {
            return shifted;
        }
    }

    @Test
    void exactBytesForTinyInputs() {
        // No elements: only the end mark, bit 0.
        assertArrayEquals(new byte[] {0x01}, new BitPackCodec(1, 3, 0).encode(new byte[0], 0, 0));
        // Symbols 5, 2, 7 in 3 bits from bit 0, end mark at bit 9: byte 0 = 0b11_010_101 (the
        // low two bits of 7, then 2, then 5), byte 1 = the top bit of 7 and the mark, 0b11.
        assertArrayEquals(new byte[] {(byte) 0xD5, 0x03}, new BitPackCodec(1, 3, 0).encode(new byte[] {5, 2, 7}, 0, 3));
        // int8 -8 and 7 with offset 248 (-8): symbols 0 and 15 in 4 bits, then the mark byte 01.
        assertArrayEquals(new byte[] {(byte) 0xF0, 0x01}, new BitPackCodec(1, 4, 248).encode(new byte[] {-8, 7}, 0, 2));
        // elem 2, width 12, one element 0x0ABC and a tail byte 0x7F: ABC, mark at bit 12.
        assertArrayEquals(new byte[] {(byte) 0xBC, 0x1A, 0x7F},
                new BitPackCodec(2, 12, 0).encode(new byte[] {(byte) 0xBC, 0x0A, 0x7F}, 0, 3));
    }

    @Test
    void elementsOutsideTheConfiguredRangeAreNotEncoded() {
        assertThrows(IllegalArgumentException.class, () -> new BitPackCodec(1, 4, 0).encode(new byte[] {16}, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new BitPackCodec(1, 4, 248).encode(new byte[] {8}, 0, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new BitPackCodec(2, 9, 0).encode(new byte[] {0, 2}, 0, 2));
    }

    @Test
    void parametersRebuildTheCodec() throws WpkFormatException {
        for (BitPackCodec c : new BitPackCodec[] {new BitPackCodec(1, 1, 0), new BitPackCodec(1, 4, 248),
                new BitPackCodec(2, 11, 65535), new BitPackCodec(4, 16, 4294967295L), new BitPackCodec(4, 5, 0)}) {
            assertEquals(c, BitPackCodec.fromParams(c.params()));
            assertEquals(c, Codecs.create(BitPackCodec.NAME, c.params()));
        }
        assertEquals(Map.of("elem", "1", "width", "4", "offset", "248"), new BitPackCodec(1, 4, 248).params());
        assertEquals(Map.of("elem", "1", "width", "4"), new BitPackCodec(1, 4, 0).params());
        assertEquals(new BitPackCodec(1, 4, 0), BitPackCodec.fromParams(Map.of("elem", "1", "width", "4", "offset", "0")));
    }

    @Test
    void unknownOrOutOfRangeParametersAreRejected() {
        for (Map<String, String> bad : new Map[] {Map.of(), Map.of("width", "4"), Map.of("elem", "1"),
                Map.of("elem", "1", "width", "9"), Map.of("elem", "1", "width", "0"), Map.of("elem", "2", "width", "17"),
                Map.of("elem", "3", "width", "4"), Map.of("elem", "8", "width", "4"), Map.of("elem", "01", "width", "4"),
                Map.of("elem", "1", "width", "+4"), Map.of("elem", "1", "width", "4", "offset", "256"),
                Map.of("elem", "1", "width", "4", "offset", "-8"), Map.of("elem", "1", "width", "4", "signed", "1"),
                Map.of("elem", "1", "width", "four"), Map.of("elem", "4", "width", "4", "offset", "99999999999999999999"),
                Map.of("elem", "2", "width", "4", "offset", "65536")}) {
            assertThrows(WpkFormatException.class, () -> BitPackCodec.fromParams(bad), bad.toString());
            assertThrows(WpkFormatException.class, () -> Codecs.create(BitPackCodec.NAME, bad), bad.toString());
        }
    }

    @Test
    void chooserFindsTheNarrowestRange() {
        assertEquals(new BitPackCodec(1, 4, 248), BitPackCodec.choose(new byte[] {-8, 0, 7, 3}, 0, 4, 1));
        assertEquals(new BitPackCodec(1, 3, 0), BitPackCodec.choose(new byte[] {0, 7, 3}, 0, 3, 1));
        assertEquals(new BitPackCodec(1, 1, 0), BitPackCodec.choose(new byte[] {0, 0, 0}, 0, 3, 1));
        assertEquals(new BitPackCodec(1, 1, 100), BitPackCodec.choose(new byte[] {100, 100}, 0, 2, 1));
        assertEquals(new BitPackCodec(1, 2, 120), BitPackCodec.choose(new byte[] {120, 123}, 0, 2, 1));
        // uint8 around 128: the unsigned range is narrow, the signed one is not.
        assertEquals(new BitPackCodec(1, 4, 120), BitPackCodec.choose(new byte[] {120, (byte) 130}, 0, 2, 1));
        assertEquals(new BitPackCodec(2, 12, 0), BitPackCodec.choose(new byte[] {(byte) 0xFF, 0x0F, 1, 0, 5}, 0, 5, 2));
        assertEquals(new BitPackCodec(4, 16, 0xFFFF8000L),
                BitPackCodec.choose(new byte[] {0, (byte) 0x80, -1, -1, (byte) 0xFF, 0x7F, 0, 0}, 0, 8, 4));
        assertNull(BitPackCodec.choose(new byte[] {0, (byte) 0x80}, 0, 2, 1));
        assertNull(BitPackCodec.choose(new byte[] {0, 0, 0, 0, 0, 0, 1, 0}, 0, 8, 4));
        assertEquals(new BitPackCodec(2, 1, 0), BitPackCodec.choose(new byte[] {9}, 0, 1, 2));
    }

    @Test
    void aMisplacedEndMarkIsRejected() {
        BitPackCodec c = new BitPackCodec(1, 4, 0);
        // Three 4-bit symbols need 2 bytes and so do two: 0x21 0x13 is 1, 2, 3 then the mark at bit 12.
        byte[] stream = c.encode(new byte[] {1, 2, 3}, 0, 3);
        assertArrayEquals(new byte[] {0x21, 0x13}, stream);
        for (int n : new int[] {2, 4}) {
            assertThrows(WpkFormatException.class, () -> c.decode(ByteBuffer.wrap(stream), ByteBuffer.allocate(n)));
        }
        byte[] bitAfterMark = {0x21, 0x33};
        assertThrows(WpkFormatException.class, () -> c.decode(ByteBuffer.wrap(bitAfterMark), ByteBuffer.allocate(3)));
    }

    @Test
    void bitpackHasNoDefaultConfiguration() {
        assertThrows(WpkFormatException.class, () -> Codecs.byName(BitPackCodec.NAME));
    }

    @Test
    void speedRankIsBelowHuffman() {
        assertEquals(1, codec.decodeSpeedRank());
        assertEquals("bitpack{elem=1, width=8}", codec.toString());
        LinkedHashMap<String, String> order = new LinkedHashMap<>(new BitPackCodec(2, 9, 7).params());
        assertEquals("[elem, width, offset]", order.keySet().toString());
    }
}
