package io.wpack.benchmarks.jmh;

import io.wpack.benchmarks.ProjectPaths;
import io.wpack.benchmarks.ScratchFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One invocation of each new JMH benchmark for every parameter value, on the synthetic data
 * (an empty corpus folder), so that a renamed codec, layout SPEC or quantizer option fails the
 * build instead of the next benchmark run.
 */
class JmhBenchmarksSmokeTest {
    private Path emptyCorpus;
    private String savedCorpus;

    @BeforeEach
    void useSyntheticData() throws IOException {
        emptyCorpus = Files.createTempDirectory("wpack-jmh-smoke");
        savedCorpus = System.getProperty(ProjectPaths.CORPUS_PROPERTY);
        System.setProperty(ProjectPaths.CORPUS_PROPERTY, emptyCorpus.toString());
    }

    @AfterEach
    void restore() throws IOException {
        if (savedCorpus == null) {
            System.clearProperty(ProjectPaths.CORPUS_PROPERTY);
        } else {
            System.setProperty(ProjectPaths.CORPUS_PROPERTY, savedCorpus);
        }
        ScratchFiles.deleteTree(emptyCorpus);
    }

    @Test
    void everyCodecDecodesEveryDataKind() throws Exception {
        for (String data : List.of("f32", "int8", "int8-mag80")) {
            for (String codec : List.of("raw", "lz4", "deflate", "huffman", "huffman-nz", "floatplanes")) {
                CodecDecodeBenchmark b = new CodecDecodeBenchmark();
                b.codec = codec;
                b.data = data;
                b.chunkBytes = 1 << 18;
                b.setUp();
                DecodedBytes counter = new DecodedBytes();
                b.decode(counter);
                assertEquals(1 << 18, counter.bytes, codec + " on " + data);
            }
        }
    }

    @Test
    void int8DataIsTheSyntheticModelsCodesAndPrunedCodesAreMostlyZero() throws IOException {
        byte[] codes = BenchmarkWeights.codecData("int8-mag80", 1 << 20, new StringBuilder());
        int zeros = 0;
        for (byte c : codes) {
            zeros += c == 0 ? 1 : 0;
        }
        assertTrue(zeros >= 0.799 * codes.length, zeros + " zeros of " + codes.length);
        assertEquals(0, codes.length % 4);
    }

    @Test
    void everyQuantizerRuns() throws Exception {
        for (String method : List.of("int8-channel", "int4-g32", "kmeans16", "fp16", "fp8-e4m3", "fp8-e5m2")) {
            QuantizerBenchmark b = new QuantizerBenchmark();
            b.method = method;
            b.tensor = "largest";
            b.setUp();
            ProcessedElements counter = new ProcessedElements();
            b.quantize(counter);
            assertEquals(512 * 512, counter.elements, method);
        }
    }

    @Test
    void everyPrunerRunsAndPatternGetsTheConvolution() throws Exception {
        for (String pruner : List.of("magnitude:0.8", "nm:2:4", "block:4x4:0.5", "bcr:8x8:0.5", "pattern:8:0.75",
                "filter:0.25")) {
            PrunerBenchmark b = new PrunerBenchmark();
            b.pruner = pruner;
            b.tensor = "auto";
            b.setUp();
            ProcessedElements counter = new ProcessedElements();
            b.prune(counter);
            assertEquals(pruner.startsWith("pattern") ? 256 * 128 * 9 : 512 * 512, counter.elements, pruner);
        }
    }

    @Test
    void everyLayoutLoads() throws Exception {
        for (String layout : List.of(LayoutLoadBenchmark.READ_BYTES, "dense:OIHW", "dense:OHWI", "dense:HWIO:f16",
                "blocked:OIhw8i8o", "panels:nr8:kr1", "csr", "bsr:4x4", "q8_0", "q4_0")) {
            LayoutLoadBenchmark b = new LayoutLoadBenchmark();
            b.layout = layout;
            b.tensor = "corpus-conv";
            b.codecs = "raw";
            b.sparsity = 0.8;
            b.setUp();
            try {
                DecodedBytes counter = new DecodedBytes();
                b.loadLayout(counter);
                assertTrue(counter.bytes > 0, layout);
            } finally {
                b.tearDown();
            }
        }
    }

    @Test
    void patternMiningRunsOnEverySmallTensorAndPlantedCodesHaveTheirSparsity() throws Exception {
        for (String tensor : List.of("synthetic-64KiB", "corpus-largest")) {
            for (double sparsity : new double[] {0.5, 0.8}) {
                PatternMiningBenchmark b = new PatternMiningBenchmark();
                b.tensor = tensor;
                b.sparsity = sparsity;
                b.setUp();
                ProcessedElements counter = new ProcessedElements();
                assertTrue(b.chooseAndEncode(counter).length > 0);
                assertEquals(tensor.startsWith("synthetic") ? 64 << 10 : 512 * 512, b.weights(), tensor);
                assertEquals(b.weights(), counter.elements, tensor);
            }
        }
        for (double sparsity : new double[] {0.5, 0.8}) {
            double zeros = PatternMiningBenchmark.zeroShare(PatternMiningBenchmark.plantedCodes(1 << 20, sparsity, 11));
            assertEquals(sparsity, zeros, 0.05, "zero share at " + sparsity);
        }
    }
}
