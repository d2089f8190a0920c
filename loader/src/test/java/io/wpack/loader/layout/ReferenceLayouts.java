package io.wpack.loader.layout;

import io.wpack.formats.FloatBits;
import io.wpack.formats.proto.DType;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The slow, obviously correct oracle: every layout computed from the whole dense tensor by
 * walking the <em>target</em> positions in order (the loader walks the source), one element at
 * a time, straight from each format's definition. Shares nothing with the loader's code but
 * {@link FloatBits} for dtype rounding.
 */
final class ReferenceLayouts {
    private ReferenceLayouts() {
    }

    /** A dense row-major tensor: what {@code WpkPackage.readBytes} returns, with its dtype and shape. */
    record Dense(DType dtype, long[] shape, byte[] bytes) {
        int size() {
            return TestPackages.byteSize(dtype);
        }

        int count() {
            int n = 1;
            for (long d : shape) {
                n *= (int) d;
            }
            return n;
        }

        byte[] raw(int i) {
            byte[] b = new byte[size()];
            System.arraycopy(bytes, i * size(), b, 0, size());
            return b;
        }

        float value(int i) {
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            int at = i * size();
            switch (dtype) {
                case F32:
                    return b.getFloat(at);
                case F64:
                    return (float) b.getDouble(at);
                case F16:
                    return FloatBits.halfToFloat(b.getShort(at));
                case BF16:
                    return FloatBits.bf16ToFloat(b.getShort(at));
                default:
                    throw new IllegalStateException(dtype + " has no float value");
            }
        }
    }

    /** One expected part. */
    record Part(DType dtype, long[] shape, byte[] bytes) {
    }

    /** The values do not have the structure the layout needs (N:M with too many non-zeros). */
    static final class NotApplicable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotApplicable(String m) {
            super(m);
        }
    }

    /** Element conversion as the layouts define it. */
    private static final class Values {
        final Dense src;
        final DType to;
        final int ts;

        Values(Dense src, DType to) {
            this.src = src;
            this.to = to == null ? src.dtype() : to;
            this.ts = TestPackages.byteSize(this.to);
        }

        byte[] at(int i) {
            if (to == src.dtype()) {
                return src.raw(i);
            }
            return encode(src.value(i));
        }

        byte[] encode(float v) {
            ByteBuffer b = ByteBuffer.allocate(ts).order(ByteOrder.LITTLE_ENDIAN);
            switch (to) {
                case F32:
                    b.putFloat(v);
                    break;
                case F16:
                    b.putShort(FloatBits.floatToHalf(v));
                    break;
                case BF16:
                    b.putShort(FloatBits.floatToBf16(v));
                    break;
                case F64:
                    b.putDouble(v);
                    break;
                default:
                    throw new IllegalStateException();
            }
            return b.array();
        }

        byte[] zero() {
            return new byte[ts];
        }

        boolean isZero(byte[] v) {
            boolean isFloat = to == DType.F32 || to == DType.F16 || to == DType.BF16 || to == DType.F64;
            for (int k = 0; k < v.length; k++) {
                int mask = isFloat && k == v.length - 1 ? 0x7F : 0xFF; // little-endian: sign bit in the last byte
                if ((v[k] & mask) != 0) {
                    return false;
                }
            }
            return true;
        }
    }

    static Map<String, Part> of(Layout layout, Dense src, String sourceLayout, Dense bias) {
        Map<String, Part> out = new LinkedHashMap<>();
        if (layout instanceof Layout.Q8_0 || layout instanceof Layout.Q4_0) {
            ggml(layout instanceof Layout.Q8_0, src, out);
            return out;
        }
        Values v = new Values(src, layout.valueDtype());
        if (layout instanceof Layout.Dense) {
            dense((Layout.Dense) layout, src, sourceLayout, v, out);
        } else if (layout instanceof Layout.Transposed) {
            long[] m = matrix(src.shape());
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (long c = 0; c < m[1]; c++) {
                for (long r = 0; r < m[0]; r++) {
                    b.writeBytes(v.at((int) (r * m[1] + c)));
                }
            }
            out.put("data", new Part(v.to, new long[] {m[1], m[0]}, b.toByteArray()));
        } else if (layout instanceof Layout.Blocked) {
            blocked((Layout.Blocked) layout, src, sourceLayout, v, out);
        } else if (layout instanceof Layout.Panels) {
            panels((Layout.Panels) layout, src, sourceLayout, v, bias, out);
        } else if (layout instanceof Layout.Csr) {
            csr(src, v, out);
        } else if (layout instanceof Layout.Bsr) {
            bsr((Layout.Bsr) layout, src, v, out);
        } else if (layout instanceof Layout.NM) {
            nm((Layout.NM) layout, src, v, out);
        } else {
            throw new IllegalStateException("no reference for " + layout);
        }
        return out;
    }

    /** [rows, cols]: rank >= 2 splits after the first axis; a vector is one row, a scalar [1, 1]. */
    static long[] matrix(long[] shape) {
        long rows = shape.length >= 2 ? shape[0] : 1;
        long cols = 1;
        for (int a = shape.length >= 2 ? 1 : 0; a < shape.length; a++) {
            cols *= shape[a];
        }
        return new long[] {rows, cols};
    }

    static String sourceNames(int rank, String declared) {
        if (declared != null) {
            return declared.toUpperCase();
        }
        return new String[] {"", "O", "OI", "OIW", "OIHW", "OIDHW"}[rank];
    }

    /** For each target letter, the source axis; N and C stand for O and I when no direct match. */
    static int[] axisOf(String source, String target) {
        int[] p = new int[target.length()];
        boolean direct = true;
        for (int i = 0; i < target.length(); i++) {
            if (source.indexOf(target.charAt(i)) < 0) {
                direct = false;
            }
        }
        String s = direct ? source : source.replace('N', 'O').replace('C', 'I');
        String t = direct ? target : target.replace('N', 'O').replace('C', 'I');
        for (int i = 0; i < t.length(); i++) {
            p[i] = s.indexOf(t.charAt(i));
        }
        return p;
    }

    private static int flat(long[] shape, long[] coord) {
        long idx = 0;
        for (int a = 0; a < shape.length; a++) {
            idx = idx * shape[a] + coord[a];
        }
        return (int) idx;
    }

    private static long[] unflat(long[] shape, long index) {
        long[] c = new long[shape.length];
        long rest = index;
        for (int a = shape.length - 1; a >= 0; a--) {
            c[a] = rest % shape[a];
            rest /= shape[a];
        }
        return c;
    }

    private static long product(long[] s) {
        long n = 1;
        for (long d : s) {
            n *= d;
        }
        return n;
    }

    private static void dense(Layout.Dense l, Dense src, String sourceLayout, Values v, Map<String, Part> out) {
        long[] shape = src.shape();
        int r = shape.length;
        int[] perm = new int[r];
        for (int i = 0; i < r; i++) {
            perm[i] = i;
        }
        if (!l.axes().isEmpty()) {
            perm = axisOf(sourceNames(r, sourceLayout), l.axes());
        }
        long[] tshape = new long[r];
        for (int i = 0; i < r; i++) {
            tshape[i] = shape[perm[i]];
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (long t = 0; t < product(tshape); t++) {
            long[] tc = unflat(tshape, t);
            long[] sc = new long[r];
            for (int i = 0; i < r; i++) {
                sc[perm[i]] = tc[i];
            }
            b.writeBytes(v.at(flat(shape, sc)));
        }
        out.put("data", new Part(v.to, tshape, b.toByteArray()));
    }

    private static void blocked(Layout.Blocked l, Dense src, String sourceLayout, Values v, Map<String, Part> out) {
        long[] shape = src.shape();
        String names = sourceNames(shape.length, sourceLayout);
        String outer = l.outerAxes();
        int[] srcAxisOfOuter = axisOf(names, outer);
        List<Layout.BlockedDim> dims = l.dims();
        int nt = dims.size();
        long[] tshape = new long[nt];
        int[] tokenAxis = new int[nt]; // source axis of each target dimension
        for (int i = 0; i < nt; i++) {
            Layout.BlockedDim d = dims.get(i);
            int a = srcAxisOfOuter[outer.indexOf(d.axis())];
            tokenAxis[i] = a;
            if (d.block() == 0) {
                long blk = l.blockOf(d.axis());
                tshape[i] = (shape[a] + blk - 1) / blk;
            } else {
                tshape[i] = d.block();
            }
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (long t = 0; t < product(tshape); t++) {
            long[] tc = unflat(tshape, t);
            long[] sc = new long[shape.length];
            // coordinate = outer * B + sum over inner blocks of (index * product of the later inner blocks)
            for (int i = 0; i < nt; i++) {
                Layout.BlockedDim d = dims.get(i);
                long weight;
                if (d.block() == 0) {
                    weight = l.blockOf(d.axis());
                } else {
                    weight = 1;
                    for (int j = i + 1; j < nt; j++) {
                        if (dims.get(j).block() > 0 && dims.get(j).axis() == d.axis()) {
                            weight *= dims.get(j).block();
                        }
                    }
                }
                sc[tokenAxis[i]] += tc[i] * weight;
            }
            boolean inside = true;
            for (int a = 0; a < shape.length; a++) {
                inside &= sc[a] < shape[a];
            }
            b.writeBytes(inside ? v.at(flat(shape, sc)) : v.zero());
        }
        out.put("data", new Part(v.to, tshape, b.toByteArray()));
    }

    private static void panels(Layout.Panels l, Dense src, String sourceLayout, Values v, Dense bias,
                               Map<String, Part> out) {
        long[] shape = src.shape();
        int rowAxis;
        int[] kAxes;
        long n;
        long k;
        if (l.axes().isEmpty()) {
            long[] m = matrix(shape);
            n = m[0];
            k = m[1];
            rowAxis = -1;
            kAxes = null;
        } else {
            int[] p = axisOf(sourceNames(shape.length, sourceLayout), l.axes());
            rowAxis = p[0];
            kAxes = new int[p.length - 1];
            System.arraycopy(p, 1, kAxes, 0, kAxes.length);
            n = shape[rowAxis];
            k = 1;
            for (int a : kAxes) {
                k *= shape[a];
            }
        }
        int nr = l.nr();
        int kr = l.kr();
        long kp = (k + kr - 1) / kr * kr;
        long np = (n + nr - 1) / nr * nr;
        Values bv = bias == null ? null : new Values(bias, v.to);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        // xnn_pack_f32_gemm_goi_w with sr = 1, as a literal loop nest.
        for (long nb = 0; nb < n; nb += nr) {
            if (l.bias()) {
                for (int i = 0; i < nr; i++) {
                    b.writeBytes(bv != null && nb + i < n ? bv.at((int) (nb + i)) : v.zero());
                }
            }
            for (long kb = 0; kb < kp; kb += kr) {
                for (int i = 0; i < nr; i++) {
                    for (int j = 0; j < kr; j++) {
                        long row = nb + i;
                        long col = kb + j;
                        if (row >= n || col >= k) {
                            b.writeBytes(v.zero());
                        } else if (kAxes == null) {
                            b.writeBytes(v.at((int) (row * k + col)));
                        } else {
                            long[] sc = new long[shape.length];
                            sc[rowAxis] = row;
                            long rest = col;
                            for (int a = kAxes.length - 1; a >= 0; a--) {
                                sc[kAxes[a]] = rest % shape[kAxes[a]];
                                rest /= shape[kAxes[a]];
                            }
                            b.writeBytes(v.at(flat(shape, sc)));
                        }
                    }
                }
            }
        }
        long panel = (l.bias() ? nr : 0) + kp * nr;
        out.put("data", new Part(v.to, new long[] {np / nr, panel}, b.toByteArray()));
    }

    private static void csr(Dense src, Values v, Map<String, Part> out) {
        long[] m = matrix(src.shape());
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        List<Integer> indices = new ArrayList<>();
        List<Integer> indptr = new ArrayList<>();
        indptr.add(0);
        for (long r = 0; r < m[0]; r++) {
            for (long c = 0; c < m[1]; c++) {
                byte[] x = v.at((int) (r * m[1] + c));
                if (!v.isZero(x)) {
                    data.writeBytes(x);
                    indices.add((int) c);
                }
            }
            indptr.add(indices.size());
        }
        out.put("data", new Part(v.to, new long[] {indices.size()}, data.toByteArray()));
        out.put("indices", new Part(DType.I32, new long[] {indices.size()}, ints(indices)));
        out.put("indptr", new Part(DType.I32, new long[] {m[0] + 1}, ints(indptr)));
    }

    private static void bsr(Layout.Bsr l, Dense src, Values v, Map<String, Part> out) {
        long[] m = matrix(src.shape());
        int br = l.blockRows();
        int bc = l.blockCols();
        long nbr = (m[0] + br - 1) / br;
        long nbc = (m[1] + bc - 1) / bc;
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        List<Integer> indices = new ArrayList<>();
        List<Integer> indptr = new ArrayList<>();
        indptr.add(0);
        for (long i = 0; i < nbr; i++) {
            for (long j = 0; j < nbc; j++) {
                ByteArrayOutputStream block = new ByteArrayOutputStream();
                boolean any = false;
                for (int rr = 0; rr < br; rr++) {
                    for (int cc = 0; cc < bc; cc++) {
                        long r = i * br + rr;
                        long c = j * bc + cc;
                        byte[] x = r < m[0] && c < m[1] ? v.at((int) (r * m[1] + c)) : v.zero();
                        any |= !v.isZero(x);
                        block.writeBytes(x);
                    }
                }
                if (any) {
                    data.writeBytes(block.toByteArray());
                    indices.add((int) j);
                }
            }
            indptr.add(indices.size());
        }
        out.put("data", new Part(v.to, new long[] {indices.size(), br, bc}, data.toByteArray()));
        out.put("indices", new Part(DType.I32, new long[] {indices.size()}, ints(indices)));
        out.put("indptr", new Part(DType.I32, new long[] {nbr + 1}, ints(indptr)));
    }

    private static void nm(Layout.NM l, Dense src, Values v, Map<String, Part> out) {
        long[] m = matrix(src.shape());
        int n = l.n();
        int mm = l.m();
        int bits = 1;
        while ((1 << bits) < mm) {
            bits++;
        }
        long groups = (m[1] + mm - 1) / mm;
        long metaRow = (groups * n * bits + 7) / 8;
        ByteArrayOutputStream values = new ByteArrayOutputStream();
        ByteArrayOutputStream meta = new ByteArrayOutputStream();
        for (long r = 0; r < m[0]; r++) {
            boolean[] rowBits = new boolean[(int) (metaRow * 8)];
            int bit = 0;
            for (long g = 0; g < groups; g++) {
                byte[][] x = new byte[mm][];
                List<Integer> nonZero = new ArrayList<>();
                for (int j = 0; j < mm; j++) {
                    long c = g * mm + j;
                    x[j] = c < m[1] ? v.at((int) (r * m[1] + c)) : v.zero();
                    if (!v.isZero(x[j])) {
                        nonZero.add(j);
                    }
                }
                if (nonZero.size() > n) {
                    throw new NotApplicable("row " + r + " group " + g + " has " + nonZero.size() + " non-zeros");
                }
                List<Integer> kept = new ArrayList<>(nonZero);
                for (int j = 0; j < mm && kept.size() < n; j++) {
                    if (!kept.contains(j)) {
                        kept.add(j);
                    }
                }
                kept.sort(null);
                for (int j : kept) {
                    values.writeBytes(x[j]);
                    for (int t = 0; t < bits; t++) {
                        rowBits[bit++] = ((j >> t) & 1) != 0;
                    }
                }
            }
            for (int by = 0; by < metaRow; by++) {
                int val = 0;
                for (int t = 0; t < 8; t++) {
                    if (rowBits[by * 8 + t]) {
                        val |= 1 << t;
                    }
                }
                meta.write(val);
            }
        }
        out.put("values", new Part(v.to, new long[] {m[0], groups * n}, values.toByteArray()));
        out.put("metadata", new Part(DType.U8, new long[] {m[0], metaRow}, meta.toByteArray()));
    }

    /** ggml's reference quantizers transcribed from C, float32 arithmetic; BigDecimal HALF_UP is C's roundf. */
    private static void ggml(boolean q8, Dense src, Map<String, Part> out) {
        long[] m = matrix(src.shape());
        int blocksPerRow = (int) ((m[1] + 31) / 32);
        int blockBytes = q8 ? 34 : 18;
        ByteBuffer b = ByteBuffer.allocate((int) (m[0] * blocksPerRow * blockBytes)).order(ByteOrder.LITTLE_ENDIAN);
        for (long r = 0; r < m[0]; r++) {
            for (int blk = 0; blk < blocksPerRow; blk++) {
                float[] x = new float[32];
                for (int j = 0; j < 32; j++) {
                    long c = blk * 32L + j;
                    x[j] = c < m[1] ? src.value((int) (r * m[1] + c)) : 0.0f;
                }
                if (q8) {
                    q8Block(x, b);
                } else {
                    q4Block(x, b);
                }
            }
        }
        out.put("blocks", new Part(DType.U8, new long[] {m[0], (long) blocksPerRow * blockBytes}, b.array()));
    }

    static void q8Block(float[] x, ByteBuffer out) {
        float amax = 0.0f;
        for (float v : x) {
            if (!(amax > Math.abs(v))) {
                amax = Math.abs(v);
            }
        }
        final float d = amax / 127.0f;
        final float id = d == 0.0f ? 0.0f : 1.0f / d;
        out.putShort(FloatBits.floatToHalf(d));
        for (float v : x) {
            float x0 = v * id;
            out.put((byte) new BigDecimal(x0).setScale(0, RoundingMode.HALF_UP).intValue());
        }
    }

    static void q4Block(float[] x, ByteBuffer out) {
        float amax = 0.0f;
        float max = 0.0f;
        for (float v : x) {
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        final float d = max / -8.0f;
        final float id = d == 0.0f ? 0.0f : 1.0f / d;
        out.putShort(FloatBits.floatToHalf(d));
        for (int j = 0; j < 16; j++) {
            int lo = Math.min(15, (int) (x[j] * id + 8.5f));
            int hi = Math.min(15, (int) (x[j + 16] * id + 8.5f));
            out.put((byte) (lo | (hi << 4)));
        }
    }

    private static byte[] ints(List<Integer> v) {
        ByteBuffer b = ByteBuffer.allocate(v.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) {
            b.putInt(x);
        }
        return b.array();
    }
}
