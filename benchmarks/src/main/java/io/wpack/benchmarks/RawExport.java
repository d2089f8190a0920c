package io.wpack.benchmarks;

import io.wpack.formats.DTypes;
import io.wpack.formats.TensorEntry;
import io.wpack.loader.Representation;
import io.wpack.loader.StreamSink;
import io.wpack.loader.WpkPackage;
import io.wpack.packer.model.ImportedModel;
import io.wpack.packer.model.ImportedTensor;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;

/**
 * Writes the bytes the competitors compress, read back out of a package through the loader:
 *
 * <ul>
 *   <li>{@code raw}: every tensor's elements in the requested representation, little-endian,
 *       row-major, back to back in package order, with nothing between them. For a lossless
 *       package in the stored representation these are exactly the bytes the source model
 *       holds (the driver checks that against the importer by SHA-256).</li>
 *   <li>{@code planes}: the same bytes regrouped into byte planes, ZipNN's method (Hershcovitch
 *       et al., "ZipNN: Lossless Compression for AI Models", 2024): for every element size
 *       {@code k} present, in ascending order, plane 0 (byte 0 of every element) of all tensors
 *       with that element size in package order, then plane 1, ... up to plane {@code k-1}.
 *       Planes are concatenated <em>across</em> tensors, so the float32 exponent bytes of the
 *       whole model form one run; one-byte tensors (int8, uint8, bool) are unchanged.</li>
 * </ul>
 *
 * <p>While writing, it also sums the order-0 entropy bounds: per tensor over its bytes, and per
 * tensor per byte plane.
 */
public final class RawExport {
    private static final int BLOCK = 1 << 20;

    private RawExport() {
    }

    /**
     * @param bytes         total bytes written to each file
     * @param params        total elements
     * @param tensors       tensor count
     * @param h0Bits        Σ over tensors of n·H0 of the tensor's bytes
     * @param h0PlaneBits   Σ over tensors and byte planes of n·H0 of the plane's bytes
     * @param sha256        of the raw file
     */
    public record Result(long bytes, long params, int tensors, double h0Bits, double h0PlaneBits, String sha256) {
    }

    public static Result write(WpkPackage pkg, Representation rep, Path raw, Path planes) throws IOException {
        List<TensorEntry> tensors = pkg.tensors();
        int n = tensors.size();
        long[] starts = new long[n];
        long[] lengths = new long[n];
        int[] elemSizes = new int[n];
        MessageDigest sha = sha256();
        double h0 = 0;
        double h0Planes = 0;
        long params = 0;
        long pos = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(raw), BLOCK)) {
            for (int i = 0; i < n; i++) {
                TensorEntry t = tensors.get(i);
                int k = DTypes.byteSize(rep == Representation.STORED ? t.storedDtype() : t.dtype());
                long len = WpkPackage.outputBytes(t, rep);
                long[] bytes = new long[256];
                long[][] planeHist = new long[k][256];
                long[] index = {0};
                OutputStream tap = new OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] b, int off, int l) throws IOException {
                        out.write(b, off, l);
                        sha.update(b, off, l);
                        long at = index[0];
                        for (int j = 0; j < l; j++) {
                            int v = b[off + j] & 0xFF;
                            bytes[v]++;
                            planeHist[(int) ((at + j) % k)][v]++;
                        }
                        index[0] = at + l;
                    }
                };
                StreamSink sink = new StreamSink(tap, len);
                try {
                    pkg.read(t, sink, rep);
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
                if (!sink.complete()) {
                    throw new IOException("tensor '" + t.name() + "' decoded short");
                }
                h0 += ByteEntropy.bits(bytes);
                for (long[] h : planeHist) {
                    h0Planes += ByteEntropy.bits(h);
                }
                starts[i] = pos;
                lengths[i] = len;
                elemSizes[i] = k;
                pos += len;
                params += t.elementCount();
            }
        }
        writePlanes(raw, planes, starts, lengths, elemSizes);
        return new Result(pos, params, n, h0, h0Planes, HexFormat.of().formatHex(sha.digest()));
    }

    private static void writePlanes(Path raw, Path planes, long[] starts, long[] lengths, int[] elemSizes)
            throws IOException {
        TreeSet<Integer> sizes = new TreeSet<>();
        for (int k : elemSizes) {
            sizes.add(k);
        }
        byte[] in = new byte[BLOCK];
        byte[] plane = new byte[BLOCK];
        try (FileChannel ch = FileChannel.open(raw, StandardOpenOption.READ);
             OutputStream out = new BufferedOutputStream(Files.newOutputStream(planes), BLOCK)) {
            for (int k : sizes) {
                for (int j = 0; j < k; j++) {
                    for (int i = 0; i < starts.length; i++) {
                        if (elemSizes[i] != k) {
                            continue;
                        }
                        // Blocks are a multiple of k, so element boundaries line up with block starts.
                        int block = BLOCK / k * k;
                        for (long off = 0; off < lengths[i]; off += block) {
                            int len = (int) Math.min(block, lengths[i] - off);
                            ByteBuffer bb = ByteBuffer.wrap(in, 0, len);
                            long at = starts[i] + off;
                            while (bb.hasRemaining()) {
                                if (ch.read(bb, at + bb.position()) < 0) {
                                    throw new IOException("raw file ended early");
                                }
                            }
                            int m = 0;
                            for (int p = j; p < len; p += k) {
                                plane[m++] = in[p];
                            }
                            out.write(plane, 0, m);
                        }
                    }
                }
            }
        }
    }

    /**
     * SHA-256 of the imported model's tensor bytes, back to back in import order: what the raw
     * file of a lossless package in the stored representation must hash to.
     */
    public static String sha256OfImport(ImportedModel model) throws IOException {
        MessageDigest sha = sha256();
        byte[] buf = new byte[BLOCK];
        for (ImportedTensor t : model.tensors()) {
            try (InputStream in = t.data().open()) {
                int r;
                while ((r = in.read(buf)) > 0) {
                    sha.update(buf, 0, r);
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
