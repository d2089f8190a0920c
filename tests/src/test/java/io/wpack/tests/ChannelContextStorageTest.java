package io.wpack.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wpack.encoders.ChannelContextCodec;
import io.wpack.encoders.Codecs;
import io.wpack.formats.proto.DType;
import io.wpack.loader.WpkPackage;
import io.wpack.packer.PackOptions;
import io.wpack.packer.PackReport;
import io.wpack.packer.Packer;
import io.wpack.packer.demo.SyntheticTensors;
import io.wpack.packer.model.ImportedTensor;
import io.wpack.packer.policy.PruneSpec;
import io.wpack.packer.policy.QuantSpec;
import io.wpack.packer.policy.TensorPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * channel-ac in the pipeline: the packer tries it on small pruned int8 tensors, over the
 * quantizer's channel axis, and keeps it when it wins by its margin; it leaves large tensors to
 * the fast codecs unless the codec list names it; the loader reads it back exactly.
 */
class ChannelContextStorageTest {
    @TempDir
    Path dir;

    private static ImportedTensor conv(String name, long[] shape) throws Exception {
        return new ImportedTensor(name, DType.F32, shape, DType.F32, null,
                Map.of("layer.channel_axis", "0", "layer.reduction_axis", "1"),
                SyntheticTensors.weights(name, DType.F32, shape, 5).data());
    }

    private static PackReport pack(List<ImportedTensor> tensors, Path out, List<String> codecs) throws Exception {
        TensorPolicy policy = TensorPolicy.uniform(QuantSpec.parse("int8:channel"), PruneSpec.parse("magnitude:0.8"));
        PackOptions options = PackOptions.defaults().withPolicy(policy);
        if (codecs != null) {
            options = options.withCodecs(codecs);
        }
        return new Packer(options).pack(Packages.model(tensors), out, null);
    }

    @Test
    void smallPrunedTensorsAreTriedOverTheirChannelsAndLoadExactly() throws Exception {
        ImportedTensor small = conv("small.weight", new long[] {24, 16, 3, 3});
        Path pkg = dir.resolve("small.wpk");
        PackReport.TensorReport t = pack(List.of(small), pkg, null).tensors().get(0);
        Long size = t.candidates().get(ChannelContextCodec.NAME + "[24, 144]");
        assertTrue(size != null, () -> "channel-ac over 24 channels of 144 not tried: " + t.candidates());
        long best = Long.MAX_VALUE;
        for (Map.Entry<String, Long> e : t.candidates().entrySet()) {
            if (!e.getKey().startsWith(ChannelContextCodec.NAME)) {
                best = Math.min(best, e.getValue());
            }
        }
        long others = best;
        assertTrue(size <= others * ChannelContextCodec.MAX_SHARE_OF_BEST,
                () -> "on pruned per-channel codes of this size channel-ac should win by the packer's margin: "
                + t.candidates());
        assertEquals(ChannelContextCodec.NAME, t.encoding(), () -> "chosen " + t.encoding() + " from " + t.candidates());

        Path raw = dir.resolve("raw.wpk");
        pack(List.of(small), raw, List.of("raw"));
        try (WpkPackage a = WpkPackage.open(pkg); WpkPackage b = WpkPackage.open(raw)) {
            assertArrayEquals(b.readBytes("small.weight"), a.readBytes("small.weight"));
        }
    }

    @Test
    void largeTensorsTryItOnlyWhenTheCodecListNamesIt() throws Exception {
        ImportedTensor large = conv("large.weight", new long[] {128, 64, 3, 3}); // 72 KiB of codes
        assertTrue(128 * 64 * 9 > ChannelContextCodec.MAX_CANDIDATE_BYTES);
        PackReport.TensorReport byDefault = pack(List.of(large), dir.resolve("a.wpk"), null).tensors().get(0);
        assertFalse(byDefault.candidates().keySet().stream().anyMatch(k -> k.startsWith(ChannelContextCodec.NAME)),
                () -> "tried by default: " + byDefault.candidates());

        List<String> listed = new ArrayList<>(Codecs.names());
        Path pkg = dir.resolve("b.wpk");
        PackReport.TensorReport named = pack(List.of(large), pkg, listed).tensors().get(0);
        assertTrue(named.candidates().keySet().stream().anyMatch(k -> k.startsWith(ChannelContextCodec.NAME)),
                () -> "not tried when listed: " + named.candidates());
        try (WpkPackage a = WpkPackage.open(pkg); WpkPackage b = WpkPackage.open(dir.resolve("a.wpk"))) {
            assertArrayEquals(b.readBytes("large.weight"), a.readBytes("large.weight"));
        }
    }
}
