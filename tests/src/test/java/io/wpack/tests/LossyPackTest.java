package io.wpack.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wpack.formats.proto.DType;
import io.wpack.loader.WpkPackage;
import io.wpack.packer.PackOptions;
import io.wpack.packer.demo.SyntheticTensors;
import io.wpack.packer.model.ImportedModel;
import io.wpack.packer.model.ImportedTensor;
import io.wpack.packer.model.TensorData;
import io.wpack.packer.policy.LossyStage;
import io.wpack.packer.policy.PruneSpec;
import io.wpack.packer.policy.QuantSpec;
import io.wpack.packer.policy.TensorPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lossy schemes end to end: what the loader returns for a quantized or pruned tensor is,
 * bit for bit, the reconstruction the packer measured its error on.
 */
class LossyPackTest {
    private Path dir;

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("wpack-lossy");
    }

    @AfterEach
    void tearDown() throws Exception {
        TestFiles.deleteTree(dir);
    }

    private static List<ImportedTensor> tensors() throws Exception {
        return List.of(
                withAxes(SyntheticTensors.weights("conv.weight", DType.F32, new long[] {16, 8, 3, 3}, 1), "0", "1"),
                SyntheticTensors.weights("fc.weight", DType.F32, new long[] {24, 70}, 2),
                SyntheticTensors.weights("fc.bias", DType.F32, new long[] {24}, 3),
                SyntheticTensors.weights("half.weight", DType.F16, new long[] {20, 33}, 4));
    }

    private static ImportedTensor withAxes(ImportedTensor t, String channel, String reduction) {
        return new ImportedTensor(t.name(), t.dtype(), t.shape(), t.storedDtype(), t.dequantization(),
                Map.of("layer.channel_axis", channel, "layer.reduction_axis", reduction), t.data());
    }

    @ParameterizedTest(name = "{0} / {1}")
    @CsvSource({
            "int8:channel, none", "int4:group32, none", "uint8:tensor:affine, none", "int3:group16:affine, none",
            "kmeans:16, none", "kmeans:8:channel, none", "kmeans:4:f32, none",
            "fp16, none", "bf16, none", "fp8, none", "fp8:e5m2, none",
            "none, magnitude:0.7", "int8:channel, magnitude:0.8", "int8:channel, nm:2:4", "int4:channel, block:2x4:0.5",
            "int8, bcr:4x4:0.5", "int8, pattern:4:0.3", "int8:channel:affine, filter:0.25", "int8:channel:f32, none", "int4:group32:f32, none"})
    void loaderReturnsExactlyTheMeasuredReconstruction(String quant, String prune) throws Exception {
        TensorPolicy policy = TensorPolicy.uniform(QuantSpec.parse(quant), PruneSpec.parse(prune));
        ImportedModel model = Packages.model(tensors());
        Path pkg = dir.resolve("q.wpk");
        Packages.pack(model, pkg, PackOptions.defaults().withPolicy(policy));
        try (WpkPackage p = WpkPackage.open(pkg)) {
            for (ImportedTensor t : model.tensors()) {
                var decision = policy.decide(t);
                if (decision.isLossless()) {
                    assertArrayEquals(Packages.sourceBytes(t), p.readBytes(t.name()), t.name() + " stays lossless");
                    continue;
                }
                LossyStage.Result expected = LossyStage.apply(t, decision, "test");
                float[] loaded = p.readFloats(t.name());
                assertEquals(expected.reconstruction().length, loaded.length);
                for (int i = 0; i < loaded.length; i++) {
                    assertEquals(Float.floatToRawIntBits(expected.reconstruction()[i]), Float.floatToRawIntBits(loaded[i]),
                            t.name() + "[" + i + "]");
                }
                Map<String, String> meta = p.tensor(t.name()).metadata();
                assertEquals(quant.trim(), meta.get("lossy.quant"));
                assertTrue(meta.containsKey("error.sqnr_db"));
                if (!decision.prune().isNone() && !meta.get("lossy.prune").equals("none")) {
                    long zeros = 0;
                    for (float f : loaded) {
                        zeros += f == 0f ? 1 : 0;
                    }
                    assertTrue(zeros >= (long) (decision.prune().sparsity() * loaded.length * 0.9),
                            t.name() + ": " + zeros + " zeros");
                }
            }
        }
    }

    @Test
    void globalMagnitudePruningUsesOneThresholdAcrossTensors() throws Exception {
        // Two weights whose scales differ by 10x: a global threshold prunes the small one much harder.
        ByteBuffer small = ByteBuffer.allocate(40 * 40 * 4).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer large = ByteBuffer.allocate(40 * 40 * 4).order(ByteOrder.LITTLE_ENDIAN);
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        for (int i = 0; i < 1600; i++) {
            small.putFloat((float) (r.nextDouble(-1, 1) * 0.1));
            large.putFloat((float) r.nextDouble(-1, 1));
        }
        List<ImportedTensor> ts = List.of(
                ImportedTensor.plain("small", DType.F32, new long[] {40, 40}, Map.of(), TensorData.of(small.array())),
                ImportedTensor.plain("large", DType.F32, new long[] {40, 40}, Map.of(), TensorData.of(large.array())));
        Path pkg = dir.resolve("g.wpk");
        Packages.pack(Packages.model(ts), pkg, PackOptions.defaults().withPolicy(
                TensorPolicy.uniform(QuantSpec.NONE, PruneSpec.parse("magnitude:0.5:global"))));
        try (WpkPackage p = WpkPackage.open(pkg)) {
            int zs = zeros(p.readFloats("small"));
            int zl = zeros(p.readFloats("large"));
            assertEquals(1600, zs + zl, 2.0, "half of all 3200 weights removed");
            // Threshold t solves 1600·t/0.1 + 1600·t = 1600: t = 1/11, so about 1455 small and 145 large weights go.
            assertTrue(zs > 1400 && zl < 200, zs + " / " + zl);
        }
    }

    private static int zeros(float[] v) {
        int n = 0;
        for (float f : v) {
            n += f == 0f ? 1 : 0;
        }
        return n;
    }

    @Test
    void vectorsCanBeQuantizedWhenTheConfigAsks() throws Exception {
        TensorPolicy policy = new TensorPolicy(List.of(io.wpack.packer.policy.Rule.of("**", 0, 8, 0, Long.MAX_VALUE,
                QuantSpec.parse("int8:channel"), PruneSpec.NONE, null, null)), false);
        ImportedTensor v = SyntheticTensors.weights("v", DType.F32, new long[] {1000}, 9);
        Path pkg = dir.resolve("v.wpk");
        Packages.pack(Packages.model(List.of(v)), pkg, PackOptions.defaults().withPolicy(policy));
        try (WpkPackage p = WpkPackage.open(pkg)) {
            assertEquals(DType.I8, p.tensor("v").storedDtype());
            float[] expected = LossyStage.apply(v, policy.decide(v), "test").reconstruction();
            assertArrayEquals(expected, p.readFloats("v"));
        }
    }

    @Test
    void biasesAndIntegersStayLossless() throws Exception {
        TensorPolicy policy = TensorPolicy.uniform(QuantSpec.parse("int4"), PruneSpec.NONE);
        ImportedTensor ints = ImportedTensor.plain("ids", DType.I32, new long[] {64, 64}, Map.of(),
                TensorData.of(new byte[64 * 64 * 4]));
        assertTrue(policy.decide(ints).isLossless());
        assertTrue(policy.decide(SyntheticTensors.weights("b", DType.F32, new long[] {4096}, 1)).isLossless());
        assertTrue(policy.decide(SyntheticTensors.weights("tiny", DType.F32, new long[] {3, 3}, 1)).isLossless());
    }

    @Test
    void packJsonAndInspectReportTheError() throws Exception {
        Path model = dir.resolve("m.onnx");
        io.wpack.packer.demo.DemoModel.write(model);
        Path pkg = dir.resolve("m.wpk");
        Cli r = Cli.run("pack", model.toString(), "-o", pkg.toString(), "--preset", "mag50-int8", "--json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode j = new ObjectMapper().readTree(r.out());
        JsonNode fc = null;
        for (JsonNode t : j.get("tensors")) {
            if (t.get("name").asText().equals("fc.weight")) {
                fc = t;
            }
        }
        assertEquals("magnitude:0.5+int8:channel", fc.get("scheme").asText());
        assertTrue(fc.get("sqnr_db").asDouble() > 5, fc.toString());
        assertEquals(0.5, fc.get("sparsity").asDouble(), 0.01);
        Cli inspect = Cli.run("inspect", pkg.toString(), "--json");
        JsonNode k = new ObjectMapper().readTree(inspect.out());
        assertEquals(fc.get("sqnr_db").asDouble(), k.get("tensors").get(8).get("sqnr_db").asDouble(), 1e-3);
        assertEquals(0, Cli.run("verify", pkg.toString()).exitCode());
    }

    @Test
    void keepQuantizedExportsCodesAndSideArrays() throws Exception {
        Path model = dir.resolve("m.onnx");
        io.wpack.packer.demo.DemoModel.write(model);
        Path pkg = dir.resolve("m.wpk");
        assertEquals(0, Cli.run("pack", model.toString(), "-o", pkg.toString(), "--quant", "int8:channel").exitCode());
        Path st = dir.resolve("codes.safetensors");
        Cli r = Cli.run("unpack", pkg.toString(), "-o", st.toString(), "--keep-quantized");
        assertEquals(0, r.exitCode(), r.toString());
        var arrays = IndependentReaders.safetensors(st);
        var codes = arrays.get("fc.weight");
        assertEquals("I8", codes.dtype());
        var scales = arrays.get("fc.weight.scales");
        assertArrayEquals(new long[] {10}, scales.shape());
        // Rebuild the values from the exported symbols and compare with the dequantized load.
        float[] loaded;
        try (WpkPackage p = WpkPackage.open(pkg)) {
            loaded = p.readFloats("fc.weight");
        }
        ByteBuffer s = ByteBuffer.wrap(scales.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < loaded.length; i++) {
            float v = (float) codes.bytes()[i] * s.getFloat((i / 512) * 4);
            assertEquals(Float.floatToRawIntBits(loaded[i]), Float.floatToRawIntBits(v), "element " + i);
        }
        assertTrue(arrays.containsKey("fc.weight.zero_points"));
        assertTrue(arrays.containsKey("fc.weight.nonzero"));
        assertEquals("F32", arrays.get("fc.bias").dtype());
    }

    @Test
    void nanInALossyTensorIsExitThreeNamingIt() throws Exception {
        Path st = dir.resolve("nan.safetensors");
        ByteBuffer data = ByteBuffer.allocate(64 * 64 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 64 * 64; i++) {
            data.putFloat(i == 77 ? Float.NaN : i * 0.001f);
        }
        String header = "{\"bad.weight\":{\"dtype\":\"F32\",\"shape\":[64,64],\"data_offsets\":[0," + (64 * 64 * 4) + "]}}";
        ByteBuffer file = ByteBuffer.allocate(8 + header.length() + data.capacity()).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(header.length()).put(header.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put(data.array());
        Files.write(st, file.array());
        Cli lossy = Cli.run("pack", st.toString(), "-o", dir.resolve("n.wpk").toString(), "--quant", "int8");
        assertEquals(3, lossy.exitCode(), lossy.toString());
        assertTrue(lossy.err().contains("bad.weight"), lossy.err());
        Cli lossless = Cli.run("pack", st.toString(), "-o", dir.resolve("n.wpk").toString());
        assertEquals(0, lossless.exitCode(), lossless.toString());
    }

    @Test
    void filterPruningReportsTheDeadInputChannelsOfTheNextLayer() throws Exception {
        Path model = dir.resolve("m.onnx");
        io.wpack.packer.demo.DemoModel.write(model);
        Path pkg = dir.resolve("f.wpk");
        Cli r = Cli.run("pack", model.toString(), "-o", pkg.toString(), "--prune", "filter:0.25", "--json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode j = new ObjectMapper().readTree(r.out());
        JsonNode conv1 = null;
        for (JsonNode d : j.get("dead_input_channels")) {
            if (d.get("pruned").asText().equals("conv1.weight")) {
                conv1 = d;
            }
        }
        assertTrue(conv1 != null, j.get("dead_input_channels").toString());
        assertEquals("conv2.weight", conv1.get("consumer").asText());
        assertEquals(1, conv1.get("axis").asInt());
        assertEquals(4, conv1.get("channels").size()); // 25% of 16 filters
        try (WpkPackage p = WpkPackage.open(pkg)) {
            float[] w = p.readFloats("conv1.weight"); // [16, 3, 3, 3]
            for (JsonNode c : conv1.get("channels")) {
                for (int k = 0; k < 27; k++) {
                    assertEquals(0f, w[c.asInt() * 27 + k], "filter " + c.asInt() + " is removed");
                }
            }
            assertTrue(p.metadata().get("prune.dead_input_channels.conv2.weight").startsWith("from=conv1.weight;axis=1;"));
        }
    }

    @Test
    void mineReportsPatternsForAModelAndForAPackage() throws Exception {
        Path model = dir.resolve("m.onnx");
        io.wpack.packer.demo.DemoModel.write(model);
        Cli r = Cli.run("mine", model.toString(), "--prune", "magnitude:0.8", "--json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(3, j.get("tensors").size()); // conv1, conv2, fc weights
        for (JsonNode t : j.get("tensors")) {
            assertEquals(0.8, t.get("sparsity").asDouble(), 0.02, t.get("name").asText());
            assertTrue(t.get("h0").asDouble() > 0 && t.get("h0").asDouble() < 8);
            assertTrue(t.get("shapes").size() >= 3);
        }
        Path pkg = dir.resolve("m.wpk");
        assertEquals(0, Cli.run("pack", model.toString(), "-o", pkg.toString(), "--preset", "mag80-int8").exitCode());
        Cli fromPkg = Cli.run("mine", pkg.toString());
        assertEquals(0, fromPkg.exitCode(), fromPkg.toString());
        assertTrue(fromPkg.out().contains("fc.weight"), fromPkg.out());
        assertTrue(fromPkg.out().contains("order-0 bound"), fromPkg.out());
        assertEquals(2, Cli.run("mine", model.toString(), "--quant", "fp16").exitCode());
    }

    @Test
    void badSchemesAreUsageErrors() throws Exception {
        Path model = dir.resolve("m.onnx");
        io.wpack.packer.demo.DemoModel.write(model);
        assertEquals(2, Cli.run("pack", model.toString(), "--quant", "int9").exitCode());
        assertEquals(2, Cli.run("pack", model.toString(), "--prune", "magnitude:1.5").exitCode());
        assertEquals(2, Cli.run("pack", model.toString(), "--preset", "tiny").exitCode());
        assertEquals(2, Cli.run("pack", model.toString(), "--preset", "int8", "--quant", "int4").exitCode());
    }

    @Test
    void configFileRulesApplyPerTensor() throws Exception {
        Path model = dir.resolve("m.onnx");
        io.wpack.packer.demo.DemoModel.write(model);
        Path cfg = dir.resolve("policy.json");
        Files.writeString(cfg, "{\"rules\": [{\"match\": \"conv*.weight\", \"quant\": \"int4:channel\"},"
                + " {\"match\": \"re:fc\\\\..*\", \"quant\": \"kmeans:16\"}]}");
        Path pkg = dir.resolve("c.wpk");
        Cli r = Cli.run("pack", model.toString(), "-o", pkg.toString(), "--config", cfg.toString(), "--json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode j = new ObjectMapper().readTree(r.out());
        for (JsonNode t : j.get("tensors")) {
            String name = t.get("name").asText();
            String scheme = t.get("scheme").asText();
            if (name.equals("conv1.weight") || name.equals("conv2.weight")) {
                assertEquals("int4:channel", scheme, name);
            } else if (name.equals("fc.weight")) {
                assertEquals("kmeans:16", scheme, name);
            } else {
                assertEquals("lossless", scheme, name);
            }
        }
        Files.writeString(cfg, "{\"rules\": [{\"match\": \"**\", \"quant\": \"int99\"}]}");
        Cli bad = Cli.run("pack", model.toString(), "-o", pkg.toString(), "--config", cfg.toString());
        assertEquals(3, bad.exitCode(), bad.toString());
    }
}
