package io.wpack.packer;

import io.wpack.encoders.BitPackCodec;
import io.wpack.encoders.ByteCodec;
import io.wpack.encoders.Codecs;
import io.wpack.encoders.ChannelContextCodec;
import io.wpack.encoders.ModelHuffmanCodec;
import io.wpack.formats.DTypes;
import io.wpack.formats.PackageWriter;
import io.wpack.formats.Verify;
import io.wpack.formats.WpkFormatException;
import io.wpack.formats.proto.Chunk;
import io.wpack.formats.proto.KeyValue;
import io.wpack.formats.proto.Manifest;
import io.wpack.formats.proto.Stage;
import io.wpack.formats.proto.Tensor;
import io.wpack.packer.model.ImportedModel;
import io.wpack.packer.model.ImportedTensor;
import io.wpack.packer.policy.FilterRemoval;
import io.wpack.packer.policy.LossyStage;
import io.wpack.packer.policy.PruneSpec;
import io.wpack.packer.policy.TensorPolicy;
import io.wpack.formats.proto.DType;
import io.wpack.patterns.CodeTensor;
import io.wpack.patterns.PatternAnalyzer;
import io.wpack.patterns.PatternChoice;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The packing pipeline: takes an imported model, encodes each tensor's chunks with the
 * best candidate codec, and writes one package atomically.
 */
public final class Packer {
    /** Hears about progress; called on the packing thread. */
    public interface Progress {
        void tensorDone(int index, int count, String name, long bytesDone, long bytesTotal);
    }

    /** Payloads smaller than this are stored again rather than shared: the name in same_as would cost as much. */
    static final long MIN_SHARED_BYTES = 256;

    private final PackOptions options;

    public Packer(PackOptions options) throws WpkFormatException {
        this.options = options;
        for (String name : options.codecs()) {
            Verify.verify(Codecs.names().contains(name), "unknown codec '%s': known codecs are %s", name,
                    String.join(", ", Codecs.names()));
        }
    }

    /** The codecs tried for a payload of this element type, fastest to decode first. */
    private List<ByteCodec> candidatesFor(io.wpack.formats.proto.DType storedDtype) {
        List<ByteCodec> out = new ArrayList<>();
        for (ByteCodec c : Codecs.candidatesFor(storedDtype)) {
            if (allows(c.name())) {
                out.add(c);
            }
        }
        if (out.isEmpty()) {
            out.add(Codecs.RAW);
        }
        out.sort((a, b) -> Integer.compare(a.decodeSpeedRank(), b.decodeSpeedRank()));
        return out;
    }

    public PackReport pack(ImportedModel model, Path output, Progress progress) throws IOException {
        checkNames(model);
        // Stored dtype and SHA-256 of each payload packed so far, to the first tensor that had it.
        Map<String, String> payloads = new java.util.HashMap<>();
        long total = 0;
        for (ImportedTensor t : model.tensors()) {
            total = Verify.addSize(total, t.data().byteSize(), "model size");
        }
        Manifest.Builder manifest = Manifest.newBuilder().setAlignment(options.alignment());
        model.metadata().forEach((k, v) -> manifest.addMetadata(KeyValue.newBuilder().setKey(k).setValue(v)));
        List<PackReport.TensorReport> reports = new ArrayList<>();
        List<PackReport.DeadChannels> dead = new ArrayList<>();
        FilterRemoval removal;
        long done = 0;
        try (PackageWriter writer = new PackageWriter(output, options.alignment())) {
            int index = 0;
            String source = model.metadata().getOrDefault("source_format", "");
            List<TensorPolicy.Decision> decisions = new ArrayList<>();
            for (ImportedTensor t : model.tensors()) {
                decisions.add(options.policy().decide(t));
            }
            Map<String, Double> global = LossyStage.globalSparsities(model.tensors(), decisions);
            for (int i = 0; i < decisions.size(); i++) {
                String name = model.tensors().get(i).name();
                if (global.containsKey(name)) {
                    TensorPolicy.Decision d = decisions.get(i);
                    decisions.set(i, d.withPrune(d.prune().withTensorSparsity(global.get(name))));
                }
            }
            removal = options.removePrunedFilters()
                    ? FilterRemoval.plan(model.tensors(), decisions, source) : FilterRemoval.none();
            for (ImportedTensor original : model.tensors()) {
                long inputBytes = original.data().byteSize();
                ImportedTensor t = removal.apply(original);
                TensorPolicy.Decision decision = decisions.get(index);
                if (removal.removesFiltersOf(t.name())) {
                    decision = decision.withPrune(PruneSpec.NONE); // the pruned filters are gone already
                }
                LossyStage.Result lossy = decision.isLossless() ? null : LossyStage.apply(t, decision, source);
                PackReport.TensorReport report = packTensor(lossy == null ? t : lossy.tensor(), writer, manifest,
                        inputBytes, lossy, payloads);
                if (t != original) {
                    report = report.withScheme(FilterRemoval.describe(report.scheme(), t.metadata()));
                }
                reports.add(report);
                if (lossy != null && lossy.removedFilters() != null && lossy.removedFilters().length > 0) {
                    deadChannels(t, lossy.removedFilters(), dead);
                }
                done += inputBytes;
                if (progress != null) {
                    progress.tensorDone(index, model.tensors().size(), t.name(), done, total);
                }
                index++;
            }
            for (PackReport.DeadChannels d : dead) {
                manifest.addMetadata(KeyValue.newBuilder().setKey("prune.dead_input_channels." + d.consumer())
                        .setValue("from=" + d.pruned() + ";axis=" + d.axis() + ";channels=" + join(d.channels())));
            }
            writer.finish(manifest.build());
        }
        long outputBytes = java.nio.file.Files.size(output);
        return new PackReport(model.metadata(), reports, total, outputBytes, List.copyOf(dead), removal.removed(),
                removal.kept());
    }

    /** The consumers that the importer found for a filter-pruned weight: their matching input channels are dead. */
    private static void deadChannels(ImportedTensor t, int[] removed, List<PackReport.DeadChannels> out) {
        String next = t.metadata().get("layer.next_weights");
        String axes = t.metadata().get("layer.next_input_axis");
        if (next == null || axes == null) {
            return;
        }
        String[] names = next.split(",");
        String[] axis = axes.split(",");
        for (int i = 0; i < names.length && i < axis.length; i++) {
            try {
                out.add(new PackReport.DeadChannels(t.name(), names[i], Integer.parseInt(axis[i].trim()), removed));
            } catch (NumberFormatException e) {
                // A malformed hint from the importer is not worth failing the pack over.
            }
        }
    }

    private static String join(int[] v) {
        StringBuilder sb = new StringBuilder();
        for (int x : v) {
            sb.append(sb.length() == 0 ? "" : ",").append(x);
        }
        return sb.toString();
    }

    private static void checkNames(ImportedModel model) throws WpkFormatException {
        Set<String> seen = new HashSet<>();
        for (ImportedTensor t : model.tensors()) {
            Verify.verify(!t.name().isEmpty(), "a tensor has an empty name");
            Verify.verify(isWellFormedUtf16(t.name()), "tensor name '%s' is not valid Unicode (unpaired surrogate)",
                    t.name());
            Verify.verify(seen.add(t.name()), "tensor name '%s' appears more than once", t.name());
        }
    }

    private static boolean isWellFormedUtf16(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private PackReport.TensorReport packTensor(ImportedTensor t, PackageWriter writer, Manifest.Builder manifest,
                                               long inputBytes, LossyStage.Result lossy,
                                               Map<String, String> payloads) throws IOException {
        int elemSize = DTypes.byteSize(t.storedDtype());
        long expected = DTypes.byteCount(t.shape(), t.storedDtype());
        long size = t.data().byteSize();
        Verify.verify(size == expected, "tensor '%s': shape %s of %s needs %d bytes but the source has %d",
                t.name(), java.util.Arrays.toString(t.shape()), DTypes.displayName(t.storedDtype()), expected, size);

        Tensor.Builder tb = Tensor.newBuilder().setName(t.name()).setDtype(t.dtype());
        for (long d : t.shape()) {
            tb.addShape(d);
        }
        if (t.storedDtype() != t.dtype()) {
            tb.setStoredDtype(t.storedDtype());
            tb.setDequantization(t.dequantization());
        }
        t.metadata().forEach((k, v) -> tb.addMetadata(KeyValue.newBuilder().setKey(k).setValue(v)));

        // Chunks hold whole elements so that each converts on its own.
        int chunkBytes = options.chunkBytes() / elemSize * elemSize;
        byte[] buf = new byte[(int) Math.min(chunkBytes, size)];
        ByteCodec chosen = null;
        Map<String, Long> candidateSizes = new LinkedHashMap<>();
        long stored = 0;
        try (InputStream in = t.data().open()) {
            long left = size;
            boolean buffered = false;
            if (size >= MIN_SHARED_BYTES) {
                String digest;
                if (size <= buf.length) {
                    // One chunk: hash the bytes the encoder reads next rather than reading the source twice.
                    readFully(in, buf, (int) size, t.name());
                    buffered = true;
                    digest = digest(buf, (int) size);
                } else {
                    digest = digest(t); // the whole payload is known before its first chunk is written
                }
                String first = payloads.putIfAbsent(DTypes.displayName(t.storedDtype()) + ":" + digest, t.name());
                if (first != null) {
                    // Models repeat weights (a subgraph per sample rate, tied embeddings): store them once.
                    tb.setSameAs(first);
                    manifest.addTensors(tb);
                    return report(t, inputBytes, 0, "same as " + first, Map.of(), lossy);
                }
            }
            while (left > 0) {
                int n = (int) Math.min(buf.length, left);
                if (!buffered) {
                    readFully(in, buf, n, t.name());
                }
                buffered = false;
                byte[] encoded;
                byte[] ready = null;
                if (chosen == null) {
                    // The first chunk picks the tensor's codec; most tensors are a single chunk.
                    List<ByteCodec> candidates = new ArrayList<>(candidatesFor(t.storedDtype()));
                    candidates.addAll(dataConfigured(t, buf, n));
                    PatternChoice pattern = n == size ? patternChoice(t, buf, n, candidates) : null;
                    chosen = choose(candidates, buf, n, elemSize, candidateSizes);
                    long chosenSize = candidateSizes.get(chosen.name());
                    if (pattern != null && pattern.encoded() != null) {
                        long patternSize = pattern.encoded().length;
                        candidateSizes.put(pattern.codec().name() + "(mined)", patternSize);
                        if (patternSize < chosenSize) {
                            chosen = pattern.codec();
                            ready = pattern.encoded();
                            chosenSize = patternSize;
                        }
                    }
                    if (n == size) {
                        // Sparse storage formats are configured by the shape, so they encode the whole tensor.
                        for (ByteCodec shaped : SparseCandidates.forTensor(t, buf, n, options.codecs())) {
                            byte[] e = shaped.encode(buf, 0, n);
                            candidateSizes.put(shaped.name() + shaped.params().values(), (long) e.length);
                            // Pattern-pruned kernels are stored as patterns, the form PatDNN kernels consume,
                            // unless that costs noticeably more.
                            boolean preferred = SparseCandidates.isNativeForm(t, shaped);
                            // channel-ac is slow to decode: a small saving counts as a tie.
                            boolean smaller = shaped instanceof ChannelContextCodec
                                    ? e.length <= chosenSize * ChannelContextCodec.MAX_SHARE_OF_BEST
                                    : e.length < chosenSize;
                            if (smaller || preferred && e.length <= chosenSize * PREFERRED_SLACK
                                    || (e.length == chosenSize && shaped.decodeSpeedRank() < chosen.decodeSpeedRank())) {
                                chosen = shaped;
                                ready = e;
                                chosenSize = e.length;
                            }
                        }
                    }
                }
                encoded = ready != null ? ready : chosen.encode(buf, 0, n);
                if (encoded.length > n && chosen != Codecs.RAW && tb.getChunksCount() == 0) {
                    // The estimate misled us on this data: raw is never worse.
                    chosen = Codecs.RAW;
                    encoded = chosen.encode(buf, 0, n);
                }
                // Raw chunks are mapped in place by readers, so they are aligned, unless smaller than the alignment.
                Chunk chunk = writer.appendChunk(ByteBuffer.wrap(encoded), n,
                        chosen == Codecs.RAW && encoded.length >= options.alignment());
                tb.addChunks(chunk);
                stored += encoded.length;
                left -= n;
            }
            Verify.verify(in.read() < 0, "tensor '%s': the source has more bytes than its shape needs", t.name());
        }
        String encoding = chosen == null ? "raw" : chosen.name();
        if (chosen != null && !"raw".equals(chosen.name())) {
            Stage.Builder stage = Stage.newBuilder().setCodec(chosen.name());
            chosen.params().forEach((k, v) -> stage.addParams(KeyValue.newBuilder().setKey(k).setValue(v)));
            tb.addEncoding(stage);
        }
        manifest.addTensors(tb);
        return report(t, inputBytes, stored, encoding, candidateSizes, lossy);
    }

    private static PackReport.TensorReport report(ImportedTensor t, long inputBytes, long stored, String encoding,
                                                  Map<String, Long> candidateSizes, LossyStage.Result lossy)
            throws WpkFormatException {
        long params = DTypes.elementCount(t.shape());
        String scheme = lossy == null ? "lossless" : lossy.scheme();
        double sqnr = lossy == null ? Double.POSITIVE_INFINITY : lossy.error().sqnrDb();
        double maxAbs = lossy == null ? 0 : lossy.error().maxAbsError();
        double sparsity = lossy == null ? Double.NaN : lossy.error().sparsity();
        return new PackReport.TensorReport(t.name(), t.dtype(), t.storedDtype(), t.shape(), params, inputBytes, stored,
                encoding, candidateSizes, scheme, sqnr, maxAbs, sparsity);
    }

    /**
     * For int8/uint8 codes of a weight tensor, the pattern miner's pick (mask patterns and
     * values per channel class, or a block dictionary), encoded; null when it does not apply
     * or the caller did not allow the pattern codecs.
     */
    private PatternChoice patternChoice(ImportedTensor t, byte[] buf, int n, List<ByteCodec> candidates) {
        boolean allowed = allows(Codecs.MASKVALUES.name()) || allows(Codecs.BLOCKDICT.name());
        long[] shape = t.shape();
        if (!allowed || (t.storedDtype() != DType.I8 && t.storedDtype() != DType.U8) || shape.length < 2 || n < 256) {
            return null;
        }
        int axis = axisFrom(t.metadata().getOrDefault("lossy.reduction_axis", t.metadata().get("layer.reduction_axis")),
                shape.length, shape.length - 1);
        try {
            PatternChoice choice = PatternAnalyzer.choose(new CodeTensor(t.name(), java.util.Arrays.copyOf(buf, n),
                    shape, axis));
            return choice.encoded() != null ? choice : null;
        } catch (RuntimeException e) {
            return null; // the miner declines shapes it cannot lay out; the plain candidates still apply
        }
    }

    /**
     * The one-byte codecs configured from the data itself, when the caller allows them:
     * bit-packing at the narrowest width that holds every code (int4 codes in 4 bits) when that
     * is under 8 bits, and Huffman with a code rebuilt from a few fitted model parameters, for
     * small tensors that pay as much for a stored table as for their codes.
     */
    private List<ByteCodec> dataConfigured(ImportedTensor t, byte[] buf, int n) {
        List<ByteCodec> out = new ArrayList<>();
        if (t.storedDtype() != DType.I8 && t.storedDtype() != DType.U8 || n == 0) {
            return out;
        }
        if (allows(BitPackCodec.NAME)) {
            BitPackCodec c = BitPackCodec.choose(buf, 0, n, 1);
            if (c != null && c.width() < 8) {
                out.add(c);
            }
        }
        if (allows(ModelHuffmanCodec.NAME)) {
            out.add(ModelHuffmanCodec.choose(buf, 0, n));
        }
        return out;
    }

    /** An axis recorded in tensor metadata, or {@code fallback} when absent, not a number or not below {@code rank}. */
    public static int axisFrom(String text, int rank, int fallback) {
        if (text != null) {
            try {
                int a = Integer.parseInt(text);
                if (a >= 0 && a < rank) {
                    return a;
                }
            } catch (NumberFormatException e) {
                // the fallback
            }
        }
        return fallback;
    }

    /** Whether the caller's codec list (empty: every codec) lets the packer use {@code codec}. */
    private boolean allows(String codec) {
        return options.codecs().isEmpty() || options.codecs().contains(codec);
    }

    /** How much larger than the smallest candidate a tensor's native sparse form may be and still be chosen. */
    static final double PREFERRED_SLACK = 1.03;

    /** Chunks up to this size are encoded with every candidate; larger ones are judged on samples. */
    static final int EXHAUSTIVE_LIMIT = 256 << 10;
    private static final int SAMPLE_SLICE = 32 << 10;

    /**
     * Picks the codec with the smallest output, fastest decoder first on a tie. Small chunks
     * are encoded in full by every candidate; for larger ones (over 256 KiB) each candidate encodes three
     * slices (start, middle, end) and the sizes are scaled up, so that choosing costs a fixed
     * amount of work per chunk rather than a full encode per candidate (xz alone runs at a few
     * MB/s).
     */
    private static ByteCodec choose(List<ByteCodec> candidates, byte[] buf, int n, int elemSize,
                                    Map<String, Long> sizes) throws IOException {
        byte[] sample = buf;
        int sampleLen = n;
        if (n > EXHAUSTIVE_LIMIT) {
            int slice = SAMPLE_SLICE / elemSize * elemSize;
            sample = new byte[3 * slice];
            int mid = (n / 2) / elemSize * elemSize;
            int end = (n - slice) / elemSize * elemSize;
            System.arraycopy(buf, 0, sample, 0, slice);
            System.arraycopy(buf, mid, sample, slice, slice);
            System.arraycopy(buf, end, sample, 2 * slice, slice);
            sampleLen = sample.length;
        }
        ByteCodec best = null;
        long bestSize = Long.MAX_VALUE;
        long specialisedBest = Long.MAX_VALUE;
        long lzBest = Long.MAX_VALUE;
        List<ByteCodec> order = new ArrayList<>(candidates);
        if (order.remove(Codecs.XZ)) {
            order.add(Codecs.XZ); // judged last, against what the others achieved
        }
        for (ByteCodec codec : order) {
            boolean general = Codecs.generalPurpose().contains(codec);
            if (codec == Codecs.XZ && specialisedBest != Long.MAX_VALUE && lzBest >= specialisedBest) {
                // xz encodes at a few MB/s. It only wins where LZ matching finds structure, which deflate and lz4
                // (tried first) reveal; where they lose to a specialised coder, so does xz, and it is skipped.
                continue;
            }
            long size = codec.encode(sample, 0, sampleLen).length;
            if (sampleLen != n) {
                size = Math.round(size * ((double) n / sampleLen));
            }
            sizes.put(codec.name(), size);
            if (!general) {
                specialisedBest = Math.min(specialisedBest, size);
            } else if (codec == Codecs.DEFLATE || codec == Codecs.LZ4) {
                lzBest = Math.min(lzBest, size);
            }
            if (size < bestSize) {
                best = codec;
                bestSize = size;
            }
        }
        return best;
    }

    private static String digest(byte[] buf, int n) {
        java.security.MessageDigest sha = sha256();
        sha.update(buf, 0, n);
        return java.util.HexFormat.of().formatHex(sha.digest());
    }

    private static java.security.MessageDigest sha256() {
        try {
            return java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static String digest(ImportedTensor t) throws IOException {
        java.security.MessageDigest sha = sha256();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = t.data().open()) {
            int k;
            while ((k = in.read(buf)) > 0) {
                sha.update(buf, 0, k);
            }
        }
        return java.util.HexFormat.of().formatHex(sha.digest());
    }

    private static void readFully(InputStream in, byte[] buf, int n, String name) throws IOException {
        int got = 0;
        while (got < n) {
            int k = in.read(buf, got, n - got);
            if (k < 0) {
                throw new WpkFormatException("tensor '" + name + "': the source ended after " + got
                        + " bytes of a chunk (truncated file?)");
            }
            got += k;
        }
    }
}
