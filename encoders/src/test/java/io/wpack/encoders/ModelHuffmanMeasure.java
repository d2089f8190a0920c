package io.wpack.encoders;

import io.wpack.formats.proto.KeyValue;
import io.wpack.formats.proto.Stage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.Deflater;

/**
 * huffman-model against huffman and the order-0 entropy, on the int8/uint8 tensors of a
 * safetensors file (e.g. {@code wpack unpack --keep-quantized} of a lossy package) and on small
 * synthetic Laplace-like tensors; run by hand for the figures in {@link ModelHuffmanCodec}'s docs.
 * The parameters' cost is given raw (protobuf) and as the growth of the deflated stages.
 */
public final class ModelHuffmanMeasure {
    private static final Pattern TENSOR = Pattern.compile(
            "\"([^\"]+)\":\\{\"dtype\":\"(I8|U8)\",\"shape\":\\[[^\\]]*\\],\"data_offsets\":\\[(\\d+),(\\d+)\\]\\}");

    private ModelHuffmanMeasure() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            synthetic();
            return;
        }
        byte[] file = Files.readAllBytes(Path.of(args[0]));
        long headerLength = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        String header = new String(file, 8, Math.toIntExact(headerLength), StandardCharsets.UTF_8);
        int dataStart = 8 + (int) headerLength;
        Matcher m = TENSOR.matcher(header);
        long huffman = 0, model = 0, modelStreams = 0, rawParams = 0, tensors = 0, elements = 0, best = 0;
        double entropy = 0;
        ByteArrayStages plainStages = new ByteArrayStages();
        ByteArrayStages modelStages = new ByteArrayStages();
        while (m.find()) {
            byte[] data = Arrays.copyOfRange(file, dataStart + Integer.parseInt(m.group(3)),
                    dataStart + Integer.parseInt(m.group(4)));
            long start = System.nanoTime();
            ModelHuffmanCodec chosen = ModelHuffmanCodec.choose(data, 0, data.length);
            long chooseMicros = (System.nanoTime() - start) / 1000;
            int h = Codecs.HUFFMAN.encode(data, 0, data.length).length;
            int s = chosen.encode(data, 0, data.length).length;
            int p = rawParameterBytes(chosen);
            double e = ModelHuffmanTestData.entropyBytes(data);
            System.out.printf(Locale.ROOT, "%-28s %6d  huffman %6d  model %6d + %2d  n·H0/8 %8.1f  %s  (%d µs)%n",
                    m.group(1), data.length, h, s, p, e, chosen.params(), chooseMicros);
            huffman += h;
            modelStreams += s;
            rawParams += p;
            model += s + p;
            best += Math.min(h, s + p);
            entropy += e;
            tensors++;
            elements += data.length;
            plainStages.add(Stage.newBuilder().setCodec(Codecs.HUFFMAN.name()).build());
            modelStages.add(stage(chosen));
        }
        long deflatedGrowth = deflated(modelStages.bytes()) - deflated(plainStages.bytes());
        System.out.printf(Locale.ROOT, "%d tensors, %d codes: huffman %d B, huffman-model %d B streams + %d B raw "
                + "params (%d B deflated-stage growth), Σ n·H0/8 %.0f B; min per tensor %d B%n", tensors, elements,
                huffman, modelStreams, rawParams, deflatedGrowth, entropy, best);
    }

    private static void synthetic() throws IOException {
        Random random = new Random(1);
        for (double zeros : new double[] {0.5, 0.8}) {
            for (int size : new int[] {256, 576, 1024, 2304, 4096}) {
                for (double scale : new double[] {3, 8, 20}) {
                    byte[] data = ModelHuffmanTestData.laplaceInt8(size, zeros, scale, random);
                    ModelHuffmanCodec chosen = ModelHuffmanCodec.choose(data, 0, data.length);
                    int h = Codecs.HUFFMAN.encode(data, 0, data.length).length;
                    long[] counts = new long[256];
                    for (byte b : data) {
                        counts[b & 0xFF]++;
                    }
                    int[] best = io.wpack.encoders.huffman.CanonicalHuffmanEncoder.fromCounts(counts, 12).codeLengths();
                    long optimalBits = 0;
                    for (int i = 0; i < 256; i++) {
                        optimalBits += counts[i] * best[i];
                    }
                    System.out.printf(Locale.ROOT, "%4d %.1f %4.0f: huffman %5d  model stream %5d + %2d  "
                            + "optimal-code payload %5d  n·H0/8 %7.1f  %s%n", size, zeros, scale, h,
                            chosen.encode(data, 0, data.length).length, rawParameterBytes(chosen), (optimalBits + 7) / 8,
                            ModelHuffmanTestData.entropyBytes(data), chosen.params());
                }
            }
        }
    }

    /** The stage's params as protobuf KeyValue messages: the bytes they add to an undeflated manifest. */
    static int rawParameterBytes(ModelHuffmanCodec c) {
        return stage(c).getSerializedSize() - Stage.newBuilder().setCodec(c.name()).build().getSerializedSize();
    }

    private static Stage stage(ByteCodec c) {
        Stage.Builder b = Stage.newBuilder().setCodec(c.name());
        for (Map.Entry<String, String> e : c.params().entrySet()) {
            b.addParams(KeyValue.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
        }
        return b.build();
    }

    private static int deflated(byte[] bytes) {
        Deflater d = new Deflater(9, true);
        d.setInput(bytes);
        d.finish();
        byte[] out = new byte[bytes.length + 1024];
        int n = 0;
        while (!d.finished()) {
            n += d.deflate(out, n, out.length - n);
        }
        d.end();
        return n;
    }

    /** Stages serialized one after the other, as they sit among a manifest's tensors. */
    private static final class ByteArrayStages {
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

        void add(Stage s) throws IOException {
            s.writeDelimitedTo(out);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
