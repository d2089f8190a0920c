package io.wpack.cli.export;

import io.wpack.formats.DTypes;
import io.wpack.formats.ParameterIndex;
import io.wpack.formats.TensorEntry;
import io.wpack.formats.WpkFormatException;
import io.wpack.formats.proto.DType;
import io.wpack.formats.proto.Dequantization;
import io.wpack.loader.Representation;
import io.wpack.loader.StreamSink;
import io.wpack.loader.WpkPackage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One array an exporter writes: a tensor decoded from the package, or a side array of a
 * quantized tensor (its scales, zero points or codebook) when exporting the stored codes.
 *
 * <p>Side arrays of tensor {@code W} with {@code --keep-quantized}:
 * <ul>
 *   <li>{@code W} — the codes as stored: i8/u8 integer codes, u8 codebook indices, or the
 *       f16/bf16/f8 bit patterns;</li>
 *   <li>{@code W.scales} (f32) and {@code W.zero_points} (i32) — per tensor {@code [1]}, per channel
 *       {@code [C]}, per group the tensor's shape with the reduction axis cut to ceil(R/G);
 *       value = (code - zero_point) * scale in float32;</li>
 *   <li>{@code W.codebook} (f32) — {@code [books, K]}; value = codebook[book, code];</li>
 *   <li>{@code W.nonzero} (bool) — 1 where the reconstruction is not zero: the pruning mask, plus any kept
 *       weight that quantized to exactly zero.</li>
 * </ul>
 */
record ExportItem(String name, DType dtype, long[] shape, long bytes, Writer writer) {

    /** Which tensors {@code unpack --layout} converts, and to what. */
    record LayoutRequest(io.wpack.loader.layout.Layout layout, io.wpack.loader.layout.LayoutOptions options,
                         java.util.regex.Pattern match) {
        boolean selects(TensorEntry t) {
            if (match != null) {
                return match.matcher(t.name()).matches();
            }
            // By default, weights: float tensors of rank 2 or more; for kpattern, those with k×k kernels.
            boolean weight = t.rank() >= 2 && io.wpack.formats.DTypes.isFloat(t.dtype());
            if (layout instanceof io.wpack.loader.layout.Layout.KernelPattern) {
                int r = t.rank();
                return weight && r >= 3 && t.dim(r - 1) == t.dim(r - 2)
                        && t.dim(r - 1) <= io.wpack.loader.layout.Layout.KernelPattern.MAX_K;
            }
            return weight;
        }
    }

    interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    static List<ExportItem> plan(WpkPackage pkg, Representation rep, boolean keepQuantized) throws IOException {
        return plan(pkg, rep, keepQuantized, null);
    }

    /**
     * With a layout request, the tensors it selects are converted to the kernel layout; a
     * single-part result keeps the tensor's name, a multi-part one (CSR, BSR, N:M) writes
     * {@code NAME.data}, {@code NAME.indices}, ... Other tensors are written as usual.
     */
    static List<ExportItem> plan(WpkPackage pkg, Representation rep, boolean keepQuantized, LayoutRequest layout)
            throws IOException {
        List<ExportItem> items = new ArrayList<>();
        Representation tensorRep = keepQuantized ? Representation.STORED : rep;
        for (TensorEntry t : pkg.tensors()) {
            if (layout != null && layout.selects(t)) {
                var result = io.wpack.loader.layout.LayoutLoader.load(pkg, t.name(), layout.layout(), layout.options());
                for (var part : result.parts()) {
                    String name = result.parts().size() == 1 ? t.name() : t.name() + "." + part.name();
                    byte[] bytes = part.bytes();
                    items.add(new ExportItem(name, part.dtype(), part.shape(), bytes.length, out -> out.write(bytes)));
                }
                continue;
            }
            DType d = tensorRep == Representation.STORED ? t.storedDtype() : t.dtype();
            long bytes = WpkPackage.outputBytes(t, tensorRep);
            items.add(new ExportItem(t.name(), d, t.shape(), bytes, out -> {
                StreamSink sink = new StreamSink(out, bytes);
                pkg.read(t, sink, tensorRep);
                if (!sink.complete()) {
                    throw new IOException("tensor '" + t.name() + "' decoded short");
                }
            }));
            if (keepQuantized && t.proto().hasDequantization()) {
                sideArrays(pkg, t, items);
            }
        }
        return items;
    }

    private static void sideArrays(WpkPackage pkg, TensorEntry t, List<ExportItem> items) throws IOException {
        Dequantization dq = t.proto().getDequantization();
        long[] shape = t.shape();
        if (dq.hasInteger()) {
            var q = dq.getInteger();
            long[] pshape = switch (q.getGranularity()) {
                case PER_CHANNEL -> new long[] {shape[q.getChannelAxis()]};
                case PER_GROUP -> {
                    long[] s = shape.clone();
                    s[q.getReductionAxis()] = (s[q.getReductionAxis()] + q.getGroupSize() - 1) / q.getGroupSize();
                    yield s;
                }
                default -> new long[] {1};
            };
            float[] sc = io.wpack.formats.IntegerScales.of(q);
            ByteBuffer scales = le(sc.length * 4);
            for (float f : sc) {
                scales.putFloat(f);
            }
            items.add(array(t.name() + ".scales", DType.F32, pshape, scales.array()));
            ByteBuffer zeros = le(sc.length * 4);
            for (int i = 0; i < sc.length; i++) {
                zeros.putInt(q.getZeroPointsCount() == 0 ? 0 : q.getZeroPoints(i));
            }
            items.add(array(t.name() + ".zero_points", DType.I32, pshape, zeros.array()));
        } else if (dq.hasCodebook()) {
            var q = dq.getCodebook();
            long books = ParameterIndex.forCodebook(q, shape).count();
            ByteBuffer cb = le(q.getCodebooksCount() * 4);
            q.getCodebooksList().forEach(cb::putFloat);
            items.add(array(t.name() + ".codebook", DType.F32, new long[] {books, q.getEntries()}, cb.array()));
        } else {
            return;
        }
        int n = Math.toIntExact(t.elementCount());
        byte[] logical = pkg.readBytes(t.name(), Representation.LOGICAL);
        ByteBuffer f = ByteBuffer.wrap(logical).order(ByteOrder.LITTLE_ENDIAN);
        byte[] mask = new byte[n];
        for (int i = 0; i < n; i++) {
            mask[i] = f.getFloat() != 0f ? (byte) 1 : 0;
        }
        items.add(array(t.name() + ".nonzero", DType.BOOL, shape, mask));
    }

    private static ExportItem array(String name, DType d, long[] shape, byte[] bytes) throws WpkFormatException {
        if (DTypes.byteCount(shape, d) != bytes.length) {
            throw new IllegalStateException("side array " + name + " has the wrong size");
        }
        return new ExportItem(name, d, shape, bytes.length, out -> out.write(bytes));
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
