package io.wpack.tests;

import io.wpack.formats.WpkFormatException;
import io.wpack.formats.proto.DType;
import io.wpack.loader.Representation;
import io.wpack.loader.WpkPackage;
import io.wpack.packer.PackOptions;
import io.wpack.packer.demo.SyntheticTensors;
import io.wpack.packer.model.ImportedTensor;
import io.wpack.packer.model.TensorData;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Any single changed byte, and any truncation, of a package is reported as
 * {@link WpkFormatException} by both readers: never another exception type, never silence.
 */
class CorruptionProperties {
    private static final List<String> CODECS = List.of("raw", "deflate", "lz4", "xz");
    private static Path dir;
    private static final List<byte[]> PACKAGES = new ArrayList<>();

    @BeforeAll
    static void build() throws Exception {
        dir = Files.createTempDirectory("wpack-corrupt");
        for (String codec : CODECS) {
            List<ImportedTensor> tensors = List.of(
                    SyntheticTensors.weights("conv.weight", DType.F32, new long[] {4, 3, 3, 3}, 1),
                    SyntheticTensors.zeros("zeros", DType.I8, new long[] {700}),
                    ImportedTensor.plain("scalar", DType.I64, new long[0], Map.of(), TensorData.of(new byte[8])),
                    ImportedTensor.plain("empty", DType.F16, new long[] {0, 3}, Map.of(), TensorData.of(new byte[0])),
                    SyntheticTensors.weights("bias", DType.BF16, new long[] {40}, 2));
            Path p = dir.resolve(codec + ".wpk");
            Packages.pack(Packages.model(tensors), p, PackOptions.defaults().withCodecs(List.of(codec)).withChunkBytes(4096));
            PACKAGES.add(Files.readAllBytes(p));
        }
    }

    @AfterAll
    static void cleanUp() throws Exception {
        TestFiles.deleteTree(dir);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void everySingleByteChangeIsDetected(int which) throws Exception {
        byte[] pkg = PACKAGES.get(which);
        for (int pos = 0; pos < pkg.length; pos++) {
            byte[] bad = pkg.clone();
            bad[pos] ^= (byte) (1 + (pos * 37 % 255));
            expectFormatError(bad, CODECS.get(which) + " byte " + pos);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void everyTruncationIsDetected(int which) throws Exception {
        byte[] pkg = PACKAGES.get(which);
        for (int len = 0; len < pkg.length; len++) {
            expectFormatError(java.util.Arrays.copyOf(pkg, len), CODECS.get(which) + " truncated to " + len);
        }
    }

    @Property(tries = 300)
    void randomMultiByteDamageIsDetectedOrHarmless(@ForAll @IntRange(min = 0, max = 3) int which,
                                                   @ForAll @IntRange(min = 0, max = 1 << 20) int seed) throws Exception {
        byte[] pkg = PACKAGES.get(which).clone();
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        int changes = 2 + r.nextInt(6);
        for (int i = 0; i < changes; i++) {
            pkg[r.nextInt(pkg.length)] = (byte) r.nextInt(256);
        }
        if (java.util.Arrays.equals(pkg, PACKAGES.get(which))) {
            return;
        }
        expectFormatError(pkg, "random damage, seed " + seed);
    }

    /** Both readers must throw WpkFormatException, and nothing else. */
    private static void expectFormatError(byte[] bad, String what) {
        try {
            Packages.streamAll(new ByteArrayInputStream(bad), Representation.LOGICAL);
            fail("streaming load accepted " + what);
        } catch (WpkFormatException expected) {
            // detected
        } catch (Throwable t) {
            throw new AssertionError("streaming load threw " + t + " for " + what, t);
        }
        try (SeekableByteChannel ch = new InMemoryChannel(bad); WpkPackage p = WpkPackage.open(ch)) {
            for (var t : p.tensors()) {
                p.readBytes(t.name(), Representation.LOGICAL);
            }
            p.file().verifyPadding();
            fail("random access accepted " + what);
        } catch (WpkFormatException expected) {
            // detected
        } catch (Throwable t) {
            throw new AssertionError("random access threw " + t + " for " + what, t);
        }
    }

    @org.junit.jupiter.api.Test
    void emptyInputIsAFormatError() {
        assertThrows(WpkFormatException.class, () -> Packages.streamAll(new ByteArrayInputStream(new byte[0]),
                Representation.LOGICAL));
    }
}
