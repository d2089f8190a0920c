package io.wpack.encoders;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Measures floatplanes on the float models of the corpus against ZipNN's baseline, byte-plane
 * grouped {@code zstd -19} (each tensor's bytes split into planes, byte 0 of every element, then
 * byte 1, ..., concatenated and compressed by the zstd CLI), tensor by tensor as the packer codes
 * them. Prints per model: raw bytes, the baseline, floatplanes alone, the packer's choice among
 * all candidates, and floatplanes' decode speed. Run by hand:
 * <pre>
 * mvn -o -q -B -pl encoders test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.wpack.encoders.FloatCorpusMeasure
 * </pre>
 * or with {@code java -cp target/classes:target/test-classes:...}. Arguments: the corpus folder
 * (default: found beside the project root), then {@code --no-zstd} to skip the baseline.
 */
public final class FloatCorpusMeasure {
    private FloatCorpusMeasure() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Path corpus = args.length > 0 && !args[0].startsWith("--") ? Path.of(args[0]) : CorpusTensors.find();
        boolean zstd = !List.of(args).contains("--no-zstd");
        if (corpus == null) {
            System.out.println("corpus not found");
            return;
        }
        System.out.printf("%-34s %9s %9s %7s %9s %7s %9s %7s %8s %s%n", "model", "raw", "zstd-pl", "ratio", "floatpl",
                "ratio", "packed", "ratio", "MB/s", "vs zstd");
        for (Map.Entry<String, List<CorpusTensors.Tensor>> model : CorpusTensors.floatModels(corpus).entrySet()) {
            long raw = 0;
            long baseline = 0;
            long ours = 0;
            long packed = 0;
            for (CorpusTensors.Tensor t : model.getValue()) {
                raw += t.bytes.length;
                if (zstd) {
                    baseline += zstd19(planes(t.bytes, t.width));
                }
                ByteCodec codec = t.width == 4 ? Codecs.FLOATPLANES_32 : Codecs.FLOATPLANES_16;
                int size = codec.encode(t.bytes, 0, t.bytes.length).length;
                ours += size;
                long best = size;
                for (ByteCodec candidate : Codecs.candidatesFor(t.width == 4
                        ? io.wpack.formats.proto.DType.F32 : io.wpack.formats.proto.DType.F16)) {
                    if (candidate != codec) {
                        best = Math.min(best, candidate.encode(t.bytes, 0, t.bytes.length).length);
                    }
                }
                packed += best;
            }
            double speed = decodeSpeed(model.getValue());
            System.out.printf("%-34s %9d %9d %7.4f %9d %7.4f %9d %7.4f %8.0f %s%n", model.getKey(), raw, baseline,
                    (double) baseline / raw, ours, (double) ours / raw, packed, (double) packed / raw, speed,
                    zstd ? String.format("%+.2f%% / %+.2f%%", 100.0 * (ours - baseline) / baseline,
                            100.0 * (packed - baseline) / baseline) : "");
        }
        uint8(corpus, zstd);
    }

    /** huffman on the uint8-quantized handtrack model against plain zstd -19, tensor by tensor. */
    static void uint8(Path corpus, boolean zstd) throws IOException, InterruptedException {
        long raw = 0;
        long baseline = 0;
        long huffman = 0;
        long packed = 0;
        for (CorpusTensors.Tensor t : CorpusTensors.tfjsUint8(corpus.resolve("tfjs/handtrack.json"))) {
            raw += t.bytes.length;
            if (zstd) {
                baseline += zstd19(t.bytes);
            }
            int size = Codecs.HUFFMAN.encode(t.bytes, 0, t.bytes.length).length;
            huffman += size;
            long best = size;
            for (ByteCodec candidate : Codecs.candidatesFor(io.wpack.formats.proto.DType.U8)) {
                best = Math.min(best, candidate.encode(t.bytes, 0, t.bytes.length).length);
            }
            packed += best;
        }
        System.out.printf("%-34s %9d %9d %7.4f %9d %7.4f %9d %7.4f   (huffman; baseline plain zstd -19)%n",
                "tfjs/handtrack uint8", raw, baseline, (double) baseline / raw, huffman, (double) huffman / raw, packed,
                (double) packed / raw);
    }

    /**
     * Decoded MB/s of floatplanes over all the model's tensors, best of several passes, heap to
     * heap, by the thread's CPU time (the build machine is shared, so wall time overstates).
     */
    static double decodeSpeed(List<CorpusTensors.Tensor> tensors) throws IOException {
        byte[][] encoded = new byte[tensors.size()][];
        ByteBuffer[] outs = new ByteBuffer[tensors.size()];
        long total = 0;
        for (int i = 0; i < tensors.size(); i++) {
            CorpusTensors.Tensor t = tensors.get(i);
            encoded[i] = codecFor(t).encode(t.bytes, 0, t.bytes.length);
            outs[i] = ByteBuffer.allocate(t.bytes.length);
            total += t.bytes.length;
        }
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long best = Long.MAX_VALUE;
        for (int rep = 0; rep < 30; rep++) {
            long t0 = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < tensors.size(); i++) {
                outs[i].clear();
                codecFor(tensors.get(i)).decode(ByteBuffer.wrap(encoded[i]), outs[i]);
            }
            best = Math.min(best, threads.getCurrentThreadCpuTime() - t0);
        }
        for (int i = 0; i < tensors.size(); i++) {
            if (!java.util.Arrays.equals(outs[i].array(), tensors.get(i).bytes)) {
                throw new AssertionError("round trip failed for " + tensors.get(i).name);
            }
        }
        return total * 1e3 / best;
    }

    private static ByteCodec codecFor(CorpusTensors.Tensor t) {
        return t.width == 4 ? Codecs.FLOATPLANES_32 : Codecs.FLOATPLANES_16;
    }

    /** ZipNN's byte grouping: byte 0 of every element, then byte 1, ... */
    static byte[] planes(byte[] bytes, int width) {
        int n = bytes.length / width;
        byte[] out = new byte[bytes.length];
        for (int plane = 0; plane < width; plane++) {
            for (int i = 0; i < n; i++) {
                out[plane * n + i] = bytes[i * width + plane];
            }
        }
        System.arraycopy(bytes, n * width, out, n * width, bytes.length - n * width);
        return out;
    }

    /** Size of {@code zstd -19} of the bytes, by the zstd CLI. */
    static long zstd19(byte[] bytes) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("zstd", "-19", "-q", "-c").start();
        Thread writer = new Thread(() -> {
            try (OutputStream out = p.getOutputStream()) {
                out.write(bytes);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        writer.start();
        long size;
        try (InputStream in = p.getInputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            size = out.size();
        }
        writer.join();
        if (p.waitFor() != 0) {
            throw new IOException("zstd failed");
        }
        return size;
    }
}
