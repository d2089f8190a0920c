package io.wpack.loader.layout;

import io.wpack.encoders.ByteCodec;
import io.wpack.encoders.Codecs;
import io.wpack.encoders.sparse.BcrCodec;
import io.wpack.encoders.sparse.BsrCodec;
import io.wpack.encoders.sparse.CsrCodec;
import io.wpack.encoders.sparse.KernelPatternCodec;
import io.wpack.encoders.sparse.NmCodec;
import io.wpack.formats.TensorEntry;
import io.wpack.formats.WpkFormatException;
import io.wpack.formats.proto.KeyValue;
import io.wpack.formats.proto.Stage;
import io.wpack.loader.StoredCodes;
import io.wpack.loader.WpkPackage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Loads a sparse layout straight from a tensor stored with the matching sparse codec, through
 * the codec's structural decode: only the stored elements are dequantized and converted, and no
 * dense copy of the tensor is made. The pairs are csr/{@code csr}, bsr:RxC/{@code bsr} with the
 * same block, nm:N:M/{@code nm} with the same N and M, kpattern/{@code kpattern} with the same
 * k, and bcr:RxC/{@code bcr} with the same block, each only when the codec's 2-D view is the
 * layout's (the packer may have stored the rest×last view instead).
 *
 * <p>The result is byte for byte what the dense path gives, because the same writers (or, for
 * BSR, the same rule) consume the same converted values. That needs the elements the codec does
 * not store to be plain zero bytes after dequantization, which {@link
 * StoredCodes#zeroCodeIsZero()} checks (a non-zero zero point, say, fails it); otherwise, and for
 * anything unusual (several chunks, a chain, another codec), {@link #tryLoad} returns null and the
 * caller decodes densely, which also reports a corrupt stream in the usual way.
 */
final class StoredSparseDecoder {
    private StoredSparseDecoder() {
    }

    /** Carries a format error out of a visitor, whose methods cannot throw it. */
    private static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failure(WpkFormatException cause) {
            super(cause);
        }
    }

    /** The layout straight from the stored codec, or null when this tensor and layout do not pair up. */
    static LayoutResult tryLoad(WpkPackage pkg, TensorEntry t, LayoutPlan plan, LayoutOptions options,
                                PartSinks sinks) throws IOException {
        Layout l = plan.layout();
        if (options.biasTensor() != null) {
            return null; // the dense path refuses a bias for these layouts
        }
        if (!(l instanceof Layout.Csr || l instanceof Layout.Bsr || l instanceof Layout.NM
                || l instanceof Layout.KernelPattern || l instanceof Layout.Bcr)) {
            return null;
        }
        ByteCodec codec = storedCodec(t);
        if (codec == null) {
            return null;
        }
        StoredCodes codes = StoredCodes.of(t, options.representation());
        if (codes == null || codes.dtype() != plan.sourceDtype() || !codes.zeroCodeIsZero()) {
            return null;
        }
        PartSinks s = sinks == null ? PartSinks.ALLOCATE : sinks;
        try {
            if (l instanceof Layout.Csr && codec instanceof CsrCodec) {
                CsrCodec c = (CsrCodec) codec;
                if (c.rows() == plan.rows() && c.cols() == plan.cols()) {
                    return csr(pkg, t, plan, s, codes, c);
                }
            } else if (l instanceof Layout.Bsr && codec instanceof BsrCodec) {
                BsrCodec c = (BsrCodec) codec;
                Layout.Bsr b = (Layout.Bsr) l;
                if (c.rows() == plan.rows() && c.cols() == plan.cols() && c.blockRows() == b.blockRows()
                        && c.blockCols() == b.blockCols()) {
                    return bsr(pkg, t, plan, s, codes, c);
                }
            } else if (l instanceof Layout.NM && codec instanceof NmCodec) {
                NmCodec c = (NmCodec) codec;
                Layout.NM nm = (Layout.NM) l;
                if (c.rows() == plan.rows() && c.cols() == plan.cols() && c.n() == nm.n() && c.m() == nm.m()) {
                    return nm(pkg, t, plan, s, codes, c);
                }
            } else if (l instanceof Layout.KernelPattern && codec instanceof KernelPatternCodec) {
                KernelPatternCodec c = (KernelPatternCodec) codec;
                if (c.kernels() == plan.rows() && (long) c.k() * c.k() == plan.cols()) {
                    return kernelPattern(pkg, t, plan, s, codes, c);
                }
            } else if (l instanceof Layout.Bcr && codec instanceof BcrCodec) {
                BcrCodec c = (BcrCodec) codec;
                Layout.Bcr b = (Layout.Bcr) l;
                if (c.rows() == plan.rows() && c.cols() == plan.cols() && c.blockRows() == b.blockRows()
                        && c.blockCols() == b.blockCols()) {
                    return bcr(pkg, t, plan, s, codes, c);
                }
            }
        } catch (Failure f) {
            throw (WpkFormatException) f.getCause();
        }
        return null;
    }

    /** The tensor's one sparse codec when it is stored in one chunk of exactly the codec's size, else null. */
    private static ByteCodec storedCodec(TensorEntry t) {
        if (t.chunkCount() != 1 || t.encoding().size() != 1 || t.chunk(0).getDecodedLength() != t.storedBytes()) {
            return null;
        }
        Stage stage = t.encoding().get(0);
        String name = stage.getCodec();
        if (!name.equals(CsrCodec.NAME) && !name.equals(BsrCodec.NAME) && !name.equals(NmCodec.NAME)
                && !name.equals(KernelPatternCodec.NAME) && !name.equals(BcrCodec.NAME)) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (KeyValue kv : stage.getParamsList()) {
            params.put(kv.getKey(), kv.getValue());
        }
        try {
            return Codecs.create(name, params);
        } catch (WpkFormatException e) {
            return null; // the dense path reports it
        }
    }

    private static ByteBuffer chunk(WpkPackage pkg, TensorEntry t) throws IOException {
        return pkg.file().readChunk(t, 0);
    }

    /** Converts stored codes to the plan's source dtype, one element at a time, into a scratch slot. */
    private static final class Converter {
        final StoredCodes codes;
        final ByteBuffer scratch;

        Converter(StoredCodes codes, int slots) {
            this.codes = codes;
            this.scratch = ByteBuffer.allocate(Math.max(1, slots) * codes.size()).order(ByteOrder.LITTLE_ENDIAN);
        }

        void convert(long element, byte code, int slot) {
            try {
                codes.convert(element, code, scratch, slot * codes.size());
            } catch (WpkFormatException e) {
                throw new Failure(e);
            }
        }
    }

    // CSR: each stored non-zero goes through the CSR writer; the gaps are zero runs, which cost it
    // only the row ends they cross.
    private static LayoutResult csr(WpkPackage pkg, TensorEntry t, LayoutPlan plan, PartSinks sinks,
                                    StoredCodes codes, CsrCodec codec) throws IOException {
        CsrWriter w = new CsrWriter(plan, sinks);
        Converter cv = new Converter(codes, 1);
        long cols = plan.cols();
        long[] next = {0};
        codec.decodeTo(chunk(pkg, t), (row, columns, values, offset, count) -> {
            long base = row * cols;
            for (int i = 0; i < count; i++) {
                long e = base + columns[i];
                w.consumeZeros(e - next[0]);
                cv.convert(e, values[offset + i], 0);
                w.consume(cv.scratch, 0, 1);
                next[0] = e + 1;
            }
        });
        w.consumeZeros(plan.rows() * cols - next[0]);
        return w.complete();
    }

    // N:M: each group's elements (stored ones converted, the rest zero) go through the N:M writer,
    // so the kept positions, the fill and the too-dense check are the dense path's.
    private static LayoutResult nm(WpkPackage pkg, TensorEntry t, LayoutPlan plan, PartSinks sinks,
                                   StoredCodes codes, NmCodec codec) throws IOException {
        NMWriter w = new NMWriter(plan, sinks);
        int m = codec.m();
        Converter cv = new Converter(codes, m);
        long cols = plan.cols();
        byte[] zeros = new byte[cv.scratch.capacity()];
        codec.decodeTo(chunk(pkg, t), (row, masks, groups, values, offset) -> {
            int k = offset;
            for (int g = 0; g < groups; g++) {
                long start = (long) g * m;
                int length = (int) Math.min(m, cols - start);
                cv.scratch.clear();
                cv.scratch.put(zeros).clear();
                long base = row * cols + start;
                for (int mask = masks[g]; mask != 0; mask &= mask - 1) {
                    int j = Integer.numberOfTrailingZeros(mask);
                    cv.convert(base + j, values[k++], j);
                }
                w.consume(cv.scratch, 0, length);
            }
        });
        return w.complete();
    }

    // BSR: per stored block, its elements converted; kept when one is non-zero, as BsrWriter does.
    // Blocks the codec does not store are zero and never kept.
    private static LayoutResult bsr(WpkPackage pkg, TensorEntry t, LayoutPlan plan, PartSinks sinks,
                                    StoredCodes codes, BsrCodec codec) throws IOException {
        ValueConverter conv = plan.converter();
        int r = codec.blockRows();
        int c = codec.blockCols();
        int area = r * c;
        int ts = conv.toSize;
        long rows = plan.rows();
        long cols = plan.cols();
        long gridRows = PositionMap.ceilDiv(rows, r);
        PartOutput data = PartOutput.growable(plan.part("data"));
        PartOutput indices = PartOutput.growable(plan.part("indices"));
        PartOutput indptr = PartOutput.fixed(plan.part("indptr"), sinks);
        Converter cv = new Converter(codes, 1);
        ByteBuffer block = ByteBuffer.allocate(area * ts).order(ByteOrder.LITTLE_ENDIAN);
        long[] nnzb = {0};
        indptr.putInt(0);
        codec.decodeTo(chunk(pkg, t), (blockRow, blockCols, count, blocks) -> {
            for (int j = 0; j < count; j++) {
                boolean any = false;
                for (int i = 0; i < area; i++) {
                    long row = (long) blockRow * r + i / c;
                    long col = (long) blockCols[j] * c + i % c;
                    int at = i * ts;
                    if (row < rows && col < cols) {
                        cv.convert(row * cols + col, blocks[j * area + i], 0);
                        conv.copy(cv.scratch, 0, block, at);
                        any |= !conv.isZero(block, at);
                    } else {
                        for (int b = 0; b < ts; b++) {
                            block.put(at + b, (byte) 0);
                        }
                    }
                }
                if (!any) {
                    continue;
                }
                data.put(block, 0, area * ts);
                if (nnzb[0] == Integer.MAX_VALUE) {
                    throw new LayoutException("bsr: more than " + Integer.MAX_VALUE + " blocks for i32 indptr");
                }
                indices.putInt(blockCols[j]);
                nnzb[0]++;
            }
            indptr.putInt((int) nnzb[0]);
        });
        return new LayoutResult(plan.layout(), plan.shape(), Arrays.asList(
                data.finish(new long[] {nnzb[0], r, c}),
                indices.finish(new long[] {nnzb[0]}),
                indptr.finish(new long[] {gridRows + 1})));
    }

    private static LayoutResult kernelPattern(WpkPackage pkg, TensorEntry t, LayoutPlan plan, PartSinks sinks,
                                              StoredCodes codes, KernelPatternCodec codec) throws IOException {
        KernelPatternWriter w = new KernelPatternWriter(plan, sinks);
        ValueConverter conv = plan.converter();
        int area = (int) plan.cols();
        int ts = conv.toSize;
        ByteBuffer kernel = w.kernelBuffer();
        byte[] zeros = new byte[area * ts];
        Converter cv = new Converter(codes, 1);
        long[][] library = {null};
        codec.decodeTo(chunk(pkg, t), new io.wpack.encoders.sparse.KernelPatternVisitor() {
            @Override
            public void library(long[] masks, int count) {
                library[0] = masks;
            }

            @Override
            public void kernel(int index, int pattern, byte[] values, int offset) {
                kernel.clear();
                kernel.put(zeros).clear();
                long base = (long) index * area;
                int k = offset;
                for (long m = library[0][pattern]; m != 0; m &= m - 1) {
                    int j = Long.numberOfTrailingZeros(m);
                    cv.convert(base + j, values[k++], 0);
                    conv.copy(cv.scratch, 0, kernel, j * ts);
                }
                w.emit();
            }
        });
        return w.complete();
    }

    private static LayoutResult bcr(WpkPackage pkg, TensorEntry t, LayoutPlan plan, PartSinks sinks,
                                    StoredCodes codes, BcrCodec codec) throws IOException {
        BcrWriter w = new BcrWriter(plan, sinks);
        ValueConverter conv = plan.converter();
        int r = codec.blockRows();
        int c = codec.blockCols();
        int ts = conv.toSize;
        long rows = plan.rows();
        long cols = plan.cols();
        long gridCols = PositionMap.ceilDiv(cols, c);
        ByteBuffer block = ByteBuffer.allocate(r * c * ts).order(ByteOrder.LITTLE_ENDIAN);
        byte[] zeros = new byte[block.capacity()];
        Converter cv = new Converter(codes, 1);
        codec.decodeTo(chunk(pkg, t), (blockRow, blockCol, rowMask, colMask, values, offset) -> {
            w.emptyBlocks(blockRow * gridCols + blockCol - w.blocksDone());
            block.clear();
            block.put(zeros).clear();
            int k = offset;
            for (int rm = rowMask; rm != 0; rm &= rm - 1) {
                int i = Integer.numberOfTrailingZeros(rm);
                long rowStart = ((long) blockRow * r + i) * cols + (long) blockCol * c;
                for (int cm = colMask; cm != 0; cm &= cm - 1) {
                    int j = Integer.numberOfTrailingZeros(cm);
                    cv.convert(rowStart + j, values[k++], 0);
                    conv.copy(cv.scratch, 0, block, (i * c + j) * ts);
                }
            }
            int h = (int) Math.min(r, rows - (long) blockRow * r);
            int wd = (int) Math.min(c, cols - (long) blockCol * c);
            w.block(block, 0, c * ts, h, wd);
        });
        w.emptyBlocks(PositionMap.ceilDiv(rows, r) * gridCols - w.blocksDone());
        return w.complete();
    }
}
