package io.wpack.benchmarks;

import io.wpack.encoders.ChannelContextCodec;
import io.wpack.encoders.Codecs;
import io.wpack.formats.DTypes;
import io.wpack.formats.TensorEntry;
import io.wpack.loader.ByteSinks;
import io.wpack.loader.Representation;
import io.wpack.loader.WpkPackage;
import io.wpack.packer.PackOptions;
import io.wpack.packer.PackReport;
import io.wpack.packer.Packer;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 5's comparison for the pruned int8 presets: the lossy tensors' int8 codes against their
 * order-0 entropy bound, coded four ways. Every column covers the same bytes, the codes of the
 * tensors the preset made lossy and nothing else: the tensors that stay lossless (biases, small
 * and integer tensors) and the manifest (scales, names, shapes) are left out of all of them, so
 * that the columns compare coders, not what they are given. A tensor the packer stores as a
 * reference to an identical earlier one ({@code same as}) is left out as well: its bytes are
 * counted once, with the first.
 * <ul>
 * <li>H0 bound: Σ over the lossy tensors of n·H0 of the tensor's codes;
 * <li>huffman only: the lossy tensors' chunk bytes in a package packed with the codecs limited
 *     to {@link #HUFFMAN_ONLY};
 * <li>no channel-ac: the same in a package packed with every codec but {@code channel-ac}, the
 *     adaptive range coder, so what the pattern codecs and the Huffman variants reach on their own;
 * <li>wpack: the same in the preset's own package (every codec);
 * <li>xz and zstd: the codes back to back ({@code codes.bin}) through the same command lines as
 *     the size tables.
 * </ul>
 */
final class CodeBounds {
    /** The codecs of the Huffman-only package. */
    static final List<String> HUFFMAN_ONLY = List.of("huffman", "huffman-nz", "raw");
    static final List<Competitor> TOOLS = List.of(Competitor.XZ, Competitor.ZSTD);
    /** The packer's encoding of a tensor stored as a reference to an identical one. */
    static final String SAME_AS = "same as ";

    /** Bytes of each coding of the lossy tensors' codes, and their H0 bound in bits. */
    record Result(int tensors, long weights, double h0Bits, long huffmanBytes, long noContextBytes, long patternBytes,
            Map<Competitor, Long> toolBytes) {
        double bitsPerWeight(double bytes) {
            return weights == 0 ? 0 : 8 * bytes / weights;
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("lossy_tensors", tensors);
            m.put("lossy_weights", weights);
            m.put("h0_bound_bits_per_weight", h0Bits / Math.max(1, weights));
            m.put("huffman_only_bytes", huffmanBytes);
            m.put("no_channel_ac_bytes", noContextBytes);
            m.put("patterns_bytes", patternBytes);
            for (Competitor c : TOOLS) {
                m.put(c.id() + "_bytes", toolBytes.get(c));
            }
            return m;
        }
    }

    private CodeBounds() {
    }

    /** Whether the table covers this preset: the pruned int8 ones, where patterns occur. */
    static boolean applies(Preset p) {
        return p == Preset.MAGNITUDE50_INT8 || p == Preset.MAGNITUDE80_INT8;
    }

    /**
     * @param report the preset's pack of {@code model} into {@code pkg}
     * @param dir    scratch folder for the Huffman-only package and {@code codes.bin}
     */
    static Result measure(ModelSource model, Preset preset, PackReport report, Path pkg, Path dir,
            ProcessTimer processes) throws IOException {
        Map<String, Long> patternBytes = new LinkedHashMap<>();
        for (PackReport.TensorReport t : report.tensors()) {
            // A tensor identical to an earlier one is stored once ("same as"): counted once here too.
            if (!"lossless".equals(t.scheme()) && DTypes.byteSize(t.storedDtype()) == 1
                    && !t.encoding().startsWith(SAME_AS)) {
                patternBytes.put(t.name(), t.storedBytes());
            }
        }
        PackOptions huffmanOnly = preset.packOptions().withCodecs(HUFFMAN_ONLY);
        PackReport huffman = new Packer(huffmanOnly).pack(model.importModel(), dir.resolve(preset.id()
                + "-huffman.wpk"), null);
        Map<String, Long> huffmanBytes = storedBytes(huffman);
        List<String> noContext = new ArrayList<>(Codecs.names());
        noContext.remove(ChannelContextCodec.NAME);
        Map<String, Long> noContextBytes = storedBytes(new Packer(preset.packOptions().withCodecs(noContext))
                .pack(model.importModel(), dir.resolve(preset.id() + "-no-channel-ac.wpk"), null));
        long weights = 0;
        double h0 = 0;
        long huffmanTotal = 0;
        long noContextTotal = 0;
        long patternTotal = 0;
        Path codes = dir.resolve("codes.bin");
        try (WpkPackage p = WpkPackage.open(pkg);
                OutputStream out = new BufferedOutputStream(Files.newOutputStream(codes), 1 << 20)) {
            for (Map.Entry<String, Long> e : patternBytes.entrySet()) {
                TensorEntry t = p.tensor(e.getKey());
                Long h = huffmanBytes.get(e.getKey());
                Long nc = noContextBytes.get(e.getKey());
                if (h == null || nc == null) {
                    throw new IOException(model.id() + ": tensor '" + e.getKey() + "' is missing from the"
                            + " Huffman-only or the no-channel-ac package");
                }
                byte[] b = new byte[Math.toIntExact(WpkPackage.outputBytes(t, Representation.STORED))];
                p.read(t, ByteSinks.of(b), Representation.STORED);
                long[] hist = new long[256];
                for (byte x : b) {
                    hist[x & 0xFF]++;
                }
                h0 += ByteEntropy.bits(hist);
                out.write(b);
                weights += b.length;
                huffmanTotal += h;
                noContextTotal += nc;
                patternTotal += e.getValue();
            }
        }
        Map<Competitor, Long> tools = new LinkedHashMap<>();
        for (Competitor c : TOOLS) {
            Path compressed = dir.resolve("codes.bin." + c.extension());
            processes.run(c.compressCommand(codes), compressed);
            tools.put(c, Files.size(compressed));
        }
        return new Result(patternBytes.size(), weights, h0, huffmanTotal, noContextTotal, patternTotal, tools);
    }

    private static Map<String, Long> storedBytes(PackReport report) {
        Map<String, Long> out = new HashMap<>();
        for (PackReport.TensorReport t : report.tensors()) {
            out.put(t.name(), t.storedBytes());
        }
        return out;
    }
}
