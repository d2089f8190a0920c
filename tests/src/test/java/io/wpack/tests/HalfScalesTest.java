package io.wpack.tests;

import com.google.protobuf.ByteString;
import io.wpack.formats.IntegerScales;
import io.wpack.formats.PackageFile;
import io.wpack.formats.PackageStreamReader;
import io.wpack.formats.WpkFormatException;
import io.wpack.formats.proto.DType;
import io.wpack.formats.proto.IntegerDequantization;
import io.wpack.formats.proto.Manifest;
import io.wpack.loader.WpkPackage;
import io.wpack.packer.PackOptions;
import io.wpack.packer.demo.SyntheticTensors;
import io.wpack.packer.model.ImportedTensor;
import io.wpack.packer.policy.PruneSpec;
import io.wpack.packer.policy.QuantSpec;
import io.wpack.packer.policy.TensorPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Integer scales stored as binary16 by default, binary32 on request, and malformed ones rejected. */
class HalfScalesTest {
    @TempDir
    Path dir;

    private static List<ImportedTensor> tensors() throws Exception {
        ImportedTensor w = SyntheticTensors.weights("w", DType.F32, new long[] {64, 3, 3, 3}, 5);
        return List.of(new ImportedTensor("w", DType.F32, w.shape(), DType.F32, null,
                Map.of("layer.channel_axis", "0", "layer.reduction_axis", "1"), w.data()));
    }

    private Path pack(String quant, String name) throws Exception {
        Path p = dir.resolve(name);
        Packages.pack(Packages.model(tensors()), p, PackOptions.defaults()
                .withPolicy(TensorPolicy.uniform(QuantSpec.parse(quant), PruneSpec.NONE)));
        return p;
    }

    @Test
    void halfScalesHalveTheManifestsScalesAndStayCloseToBinary32() throws Exception {
        Path half = pack("int8:channel", "half.wpk");
        Path full = pack("int8:channel:f32", "full.wpk");
        try (WpkPackage h = WpkPackage.open(half); WpkPackage f = WpkPackage.open(full)) {
            IntegerDequantization hq = h.tensor("w").proto().getDequantization().getInteger();
            IntegerDequantization fq = f.tensor("w").proto().getDequantization().getInteger();
            assertEquals(128, hq.getHalfScales().size(), "64 channels, two bytes each");
            assertEquals(0, hq.getScalesCount());
            assertEquals(64, fq.getScalesCount());
            float[] hs = IntegerScales.of(hq);
            float[] fs = IntegerScales.of(fq);
            for (int c = 0; c < 64; c++) {
                assertTrue(hs[c] >= fs[c] && hs[c] <= fs[c] * (1 + 1.0 / 1024), c + ": " + fs[c] + " -> " + hs[c]);
            }
            assertTrue(Files.size(half) < Files.size(full), "half scales make a smaller package");
            // The loader applies the scales it reads: every value is within half a (binary16) step of the f32 load.
            float[] a = h.readFloats("w");
            float[] b = f.readFloats("w");
            int per = a.length / 64;
            for (int i = 0; i < a.length; i++) {
                assertTrue(Math.abs(a[i] - b[i]) <= hs[i / per] * 0.51 + fs[i / per] * 0.51, "element " + i);
            }
        }
    }

    @Test
    void malformedHalfScalesAreRejectedByBothReaders() throws Exception {
        Path good = pack("int8:channel", "good.wpk");
        Manifest manifest;
        try (PackageFile f = PackageFile.open(good)) {
            manifest = f.manifest();
        }
        List<UnaryOperator<IntegerDequantization.Builder>> damage = List.of(
                q -> q.setHalfScales(q.getHalfScales().substring(1)),                       // odd length
                q -> q.setHalfScales(q.getHalfScales().substring(2)),                       // one scale short
                q -> q.addScales(1f),                                                        // both forms
                q -> q.setHalfScales(ByteString.copyFrom(new byte[] {0, 0x7C}).concat(q.getHalfScales().substring(2))),
                q -> q.setHalfScales(ByteString.copyFrom(new byte[] {1, 0x7E}).concat(q.getHalfScales().substring(2))));
        for (int i = 0; i < damage.size(); i++) {
            Manifest.Builder m = manifest.toBuilder();
            var t = m.getTensors(0).toBuilder();
            var dq = t.getDequantization().toBuilder();
            dq.setInteger(damage.get(i).apply(dq.getInteger().toBuilder()));
            m.setTensors(0, t.setDequantization(dq));
            Path bad = Packages.withManifest(good, m.build(), dir.resolve("bad" + i + ".wpk"));
            String what = "damage " + i;
            String message = assertThrows(WpkFormatException.class, () -> PackageFile.open(bad).close(), what)
                    .getMessage();
            assertTrue(message.contains("scale"), what + ": " + message);
            assertThrows(WpkFormatException.class, () -> {
                try (InputStream in = Files.newInputStream(bad)) {
                    new PackageStreamReader(in);
                }
            }, what);
        }
    }
}
