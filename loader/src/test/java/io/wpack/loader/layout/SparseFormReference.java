package io.wpack.loader.layout;

import io.wpack.formats.FloatBits;
import io.wpack.formats.proto.DType;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The slow oracle for the kernel-pattern and BCR forms, from the whole dense tensor and each
 * form's definition on {@link Layout.KernelPattern} and {@link Layout.Bcr}: patterns as lists of
 * positions searched linearly, blocks walked element by element. Shares no code with the loader.
 */
final class SparseFormReference {
    private SparseFormReference() {
    }

    /** The element at {@code i} in the target dtype (null: the source's), little-endian. */
    static byte[] at(ReferenceLayouts.Dense src, DType to, int i) {
        if (to == null || to == src.dtype()) {
            return src.raw(i);
        }
        float v = src.value(i);
        ByteBuffer b = ByteBuffer.allocate(TestPackages.byteSize(to)).order(ByteOrder.LITTLE_ENDIAN);
        switch (to) {
            case F32:
                b.putFloat(v);
                break;
            case F16:
                b.putShort(FloatBits.floatToHalf(v));
                break;
            default:
                b.putShort(FloatBits.floatToBf16(v));
        }
        return b.array();
    }

    static boolean isZero(byte[] v, DType d) {
        boolean isFloat = LayoutCases.isFloat(d);
        for (int k = 0; k < v.length; k++) {
            int mask = isFloat && k == v.length - 1 ? 0x7F : 0xFF;
            if ((v[k] & mask) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Null when the tensor has no k×k kernels (the loader must refuse it). */
    static Map<String, ReferenceLayouts.Part> kernelPattern(Layout.KernelPattern l, ReferenceLayouts.Dense src) {
        long[] s = src.shape();
        int rank = s.length;
        if (rank < 2 || s[rank - 1] != s[rank - 2] || s[rank - 1] < 1 || s[rank - 1] > 8) {
            return null;
        }
        int k = (int) s[rank - 1];
        int area = k * k;
        int kernels = 1;
        for (int a = 0; a < rank - 2; a++) {
            kernels *= (int) s[a];
        }
        DType to = l.dtype() == null ? src.dtype() : l.dtype();
        List<List<Integer>> library = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        ByteArrayOutputStream values = new ByteArrayOutputStream();
        int nnz = 0;
        for (int kernel = 0; kernel < kernels; kernel++) {
            List<Integer> pattern = new ArrayList<>();
            for (int j = 0; j < area; j++) {
                if (!isZero(at(src, l.dtype(), kernel * area + j), to)) {
                    pattern.add(j);
                }
            }
            if (pattern.isEmpty()) {
                ids.add(-1);
                continue;
            }
            int id = library.indexOf(pattern);
            if (id < 0) {
                id = library.size();
                library.add(pattern);
            }
            ids.add(id);
            for (int j : pattern) {
                values.writeBytes(at(src, l.dtype(), kernel * area + j));
                nnz++;
            }
        }
        byte[] lib = new byte[library.size() * area];
        for (int p = 0; p < library.size(); p++) {
            for (int j : library.get(p)) {
                lib[p * area + j] = 1;
            }
        }
        Map<String, ReferenceLayouts.Part> out = new LinkedHashMap<>();
        out.put("library", new ReferenceLayouts.Part(DType.U8, new long[] {library.size(), area}, lib));
        out.put("pattern_ids", new ReferenceLayouts.Part(DType.I32, new long[] {kernels}, ints(ids)));
        out.put("values", new ReferenceLayouts.Part(to, new long[] {nnz}, values.toByteArray()));
        return out;
    }

    static Map<String, ReferenceLayouts.Part> bcr(Layout.Bcr l, ReferenceLayouts.Dense src) {
        long[] m = ReferenceLayouts.matrix(src.shape());
        int rows = (int) m[0];
        int cols = (int) m[1];
        int r = l.blockRows();
        int c = l.blockCols();
        int gridRows = (rows + r - 1) / r;
        int gridCols = (cols + c - 1) / c;
        DType to = l.dtype() == null ? src.dtype() : l.dtype();
        ByteBuffer rowMasks = ByteBuffer.allocate(gridRows * gridCols * 2).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer colMasks = ByteBuffer.allocate(gridRows * gridCols * 2).order(ByteOrder.LITTLE_ENDIAN);
        List<Integer> offsets = new ArrayList<>();
        offsets.add(0);
        ByteArrayOutputStream values = new ByteArrayOutputStream();
        int nnz = 0;
        for (int br = 0; br < gridRows; br++) {
            for (int bc = 0; bc < gridCols; bc++) {
                int rowMask = 0;
                int colMask = 0;
                for (int i = 0; i < r; i++) {
                    for (int j = 0; j < c; j++) {
                        int row = br * r + i;
                        int col = bc * c + j;
                        if (row < rows && col < cols && !isZero(at(src, l.dtype(), row * cols + col), to)) {
                            rowMask |= 1 << i;
                            colMask |= 1 << j;
                        }
                    }
                }
                rowMasks.putShort((short) rowMask);
                colMasks.putShort((short) colMask);
                for (int i = 0; i < r; i++) {
                    for (int j = 0; j < c; j++) {
                        if ((rowMask >> i & 1) != 0 && (colMask >> j & 1) != 0) {
                            values.writeBytes(at(src, l.dtype(), (br * r + i) * cols + bc * c + j));
                            nnz++;
                        }
                    }
                }
                offsets.add(nnz);
            }
        }
        Map<String, ReferenceLayouts.Part> out = new LinkedHashMap<>();
        long[] grid = {gridRows, gridCols};
        out.put("row_masks", new ReferenceLayouts.Part(DType.U16, grid, rowMasks.array()));
        out.put("col_masks", new ReferenceLayouts.Part(DType.U16, grid, colMasks.array()));
        out.put("offsets", new ReferenceLayouts.Part(DType.I32, new long[] {gridRows * gridCols + 1L}, ints(offsets)));
        out.put("values", new ReferenceLayouts.Part(to, new long[] {nnz}, values.toByteArray()));
        return out;
    }

    private static byte[] ints(List<Integer> v) {
        ByteBuffer b = ByteBuffer.allocate(v.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) {
            b.putInt(x);
        }
        return b.array();
    }
}
