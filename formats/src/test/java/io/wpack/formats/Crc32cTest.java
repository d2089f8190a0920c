package io.wpack.formats;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.zip.Checksum;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Crc32cTest {
    @Test
    void knownVector() {
        // RFC 3720 B.4: CRC32C of "123456789" is 0xE3069283.
        byte[] b = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xE3069283L, Integer.toUnsignedLong(Crc32c.of(b, 0, b.length)));
        Checksum portable = Crc32c.createPortable();
        portable.update(b, 0, b.length);
        assertEquals(0xE3069283L, portable.getValue());
    }

    @Property(tries = 200)
    void portableTableMatchesJdk(@ForAll @Size(max = 3000) byte[] data) {
        Checksum portable = Crc32c.createPortable();
        portable.update(data, 0, data.length);
        assertEquals(Integer.toUnsignedLong(Crc32c.of(data, 0, data.length)), portable.getValue());
    }
}
