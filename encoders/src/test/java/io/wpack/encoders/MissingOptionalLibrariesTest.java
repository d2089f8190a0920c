package io.wpack.encoders;

import io.wpack.formats.WpkFormatException;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The loader's classpath: this module, formats and protobuf, without commons-compress and xz. raw, lz4 and
 * deflate must decode there, and xz must fail with a format error that says what to add.
 */
class MissingOptionalLibrariesTest {
    @Test
    void decodesWithoutOptionalLibrariesExceptXz() throws Exception {
        byte[] data = TestData.mixed(100_000, 50);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {locationOf(Codecs.class), locationOf(WpkFormatException.class),
                locationOf(com.google.protobuf.Message.class)},
                ClassLoader.getPlatformClassLoader())) {
            assertThrows(ClassNotFoundException.class,
                    () -> Class.forName("org.apache.commons.compress.compressors.xz.XZCompressorInputStream", false, loader));
            Method byName = Class.forName(Codecs.class.getName(), true, loader).getMethod("byName", String.class);

            for (String name : new String[] {"raw", "lz4", "deflate"}) {
                byte[] encoded = Codecs.byName(name).encode(data, 0, data.length);
                Object codec = byName.invoke(null, name);
                ByteBuffer dst = ByteBuffer.allocate(data.length);
                decodeMethod(codec).invoke(codec, ByteBuffer.wrap(encoded), dst);
                assertArrayEquals(data, dst.array(), name);
            }

            Object xz = byName.invoke(null, "xz");
            byte[] encoded = Codecs.XZ.encode(data, 0, data.length);
            InvocationTargetException e = assertThrows(InvocationTargetException.class,
                    () -> decodeMethod(xz).invoke(xz, ByteBuffer.wrap(encoded), ByteBuffer.allocate(data.length)));
            assertEquals(WpkFormatException.class.getName(), e.getCause().getClass().getName());
            assertEquals("this package uses the xz codec; add org.apache.commons:commons-compress and org.tukaani:xz "
                    + "to the classpath", e.getCause().getMessage());

            for (Object codec : new Object[] {xz, byName.invoke(null, "lz4")}) {
                Method encode = codec.getClass().getMethod("encode", byte[].class, int.class, int.class);
                InvocationTargetException failure = assertThrows(InvocationTargetException.class,
                        () -> encode.invoke(codec, data, 0, data.length));
                assertEquals(IllegalStateException.class, failure.getCause().getClass());
            }
        }
    }

    private static Method decodeMethod(Object codec) throws NoSuchMethodException {
        return codec.getClass().getMethod("decode", ByteBuffer.class, ByteBuffer.class);
    }

    private static URL locationOf(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation();
    }
}
