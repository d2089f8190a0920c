package io.wpack.loader;

import io.wpack.formats.FloatBits;
import io.wpack.formats.ParameterIndex;
import io.wpack.formats.TensorEntry;
import io.wpack.formats.WpkFormatException;
import io.wpack.formats.proto.DType;
import io.wpack.formats.proto.Dequantization;

import java.nio.ByteBuffer;

/**
 * A tensor's one-byte stored codes (int8/uint8) turned into elements one at a time, for readers
 * that get the codes out of order or sparsely (a sparse codec's structural decode) rather than
 * as whole chunks. Bit for bit what {@link ElementConverter} gives for the same element: same
 * formulas, same float/double steps, same rounding.
 */
public final class StoredCodes {
    private static final int COPY = 0;
    private static final int INTEGER = 1;
    private static final int AFFINE = 2;
    private static final int CODEBOOK = 3;

    private final String tensor;
    private final int kind;
    private final DType out;
    private final int outSize;
    private final boolean signed;
    private final ParameterIndex index;
    private final int[] zeroPoints;
    private final float[] scales;
    private final double affineScale;
    private final double affineMin;
    private final float[] codebooks;
    private final int entries;

    private StoredCodes(String tensor, int kind, DType out, boolean signed, ParameterIndex index, int[] zeroPoints,
                        float[] scales, double affineScale, double affineMin, float[] codebooks, int entries) {
        this.tensor = tensor;
        this.kind = kind;
        this.out = out;
        this.outSize = out == DType.F64 ? 8 : out == DType.F32 ? 4 : out == DType.F16 || out == DType.BF16 ? 2 : 1;
        this.signed = signed;
        this.index = index;
        this.zeroPoints = zeroPoints;
        this.scales = scales;
        this.affineScale = affineScale;
        this.affineMin = affineMin;
        this.codebooks = codebooks;
        this.entries = entries;
    }

    /**
     * The converter for {@code t} read in {@code rep}, or null when its stored elements are not
     * one-byte integer codes or its dequantization is not one this class mirrors (the caller
     * then decodes densely).
     */
    public static StoredCodes of(TensorEntry t, Representation rep) throws WpkFormatException {
        DType stored = t.storedDtype();
        if (stored != DType.I8 && stored != DType.U8) {
            return null;
        }
        boolean signed = stored == DType.I8;
        if (rep == Representation.STORED || t.isStoredAsLogical()) {
            return new StoredCodes(t.name(), COPY, stored, signed, null, null, null, 0, 0, null, 0);
        }
        Dequantization dq = t.proto().getDequantization();
        DType logical = t.dtype();
        switch (dq.getKindCase()) {
            case INTEGER: {
                var q = dq.getInteger();
                int[] zps = new int[q.getZeroPointsCount()];
                for (int i = 0; i < zps.length; i++) {
                    zps[i] = q.getZeroPoints(i);
                }
                float[] sc = io.wpack.formats.IntegerScales.of(q);
                ParameterIndex index = ParameterIndex.forInteger(q, t.shape());
                return new StoredCodes(t.name(), INTEGER, DType.F32, signed, index, zps, sc, 0, 0, null, 0);
            }
            case AFFINE:
                if (logical != DType.F32 && logical != DType.F64 && logical != DType.F16 && logical != DType.BF16) {
                    return null;
                }
                return new StoredCodes(t.name(), AFFINE, logical, signed, null, null, null,
                        dq.getAffine().getScale(), dq.getAffine().getMin(), null, 0);
            case CODEBOOK: {
                var q = dq.getCodebook();
                float[] cb = new float[q.getCodebooksCount()];
                for (int i = 0; i < cb.length; i++) {
                    cb[i] = q.getCodebooks(i);
                }
                ParameterIndex index = ParameterIndex.forCodebook(q, t.shape());
                return new StoredCodes(t.name(), CODEBOOK, DType.F32, signed, index, null, null, 0, 0, cb,
                        q.getEntries());
            }
            default:
                return null;
        }
    }

    /** The element type written: the stored code type when copying, else the logical dtype. */
    public DType dtype() {
        return out;
    }

    /** Bytes per element written. */
    public int size() {
        return outSize;
    }

    /**
     * Writes element {@code element} (row-major index into the tensor), whose stored byte is
     * {@code code}, at {@code dst[at]} (absolute, little-endian).
     *
     * @throws WpkFormatException for a codebook index past the codebook
     */
    public void convert(long element, byte code, ByteBuffer dst, int at) throws WpkFormatException {
        int c = signed ? code : code & 0xFF;
        switch (kind) {
            case COPY:
                dst.put(at, code);
                return;
            case INTEGER: {
                int p = (int) index.of(element);
                int zp = zeroPoints.length > 0 ? zeroPoints[p] : 0;
                dst.putFloat(at, (float) (c - zp) * scales[p]);
                return;
            }
            case AFFINE:
                putFloat(dst, at, c * affineScale + affineMin);
                return;
            default: {
                int u = code & 0xFF;
                if (u >= entries) {
                    throw new WpkFormatException("tensor '" + tensor + "': codebook index " + u
                            + " is not below the codebook size " + entries);
                }
                dst.putFloat(at, codebooks[(int) index.of(element) * entries + u]);
            }
        }
    }

    /**
     * Whether code 0 becomes all-zero bytes (+0.0 for floats) for every element, so that a
     * sparse codec's elements that are not stored need no conversion: they are plain zeros.
     */
    public boolean zeroCodeIsZero() {
        switch (kind) {
            case COPY:
                return true;
            case INTEGER:
                for (int p = 0; p < scales.length; p++) {
                    int zp = zeroPoints.length > 0 ? zeroPoints[p] : 0;
                    if (Float.floatToRawIntBits((float) (0 - zp) * scales[p]) != 0) {
                        return false;
                    }
                }
                return scales.length > 0;
            case AFFINE: {
                ByteBuffer b = ByteBuffer.allocate(8);
                putFloat(b, 0, 0 * affineScale + affineMin);
                return b.getLong(0) == 0;
            }
            default:
                if (entries < 1) {
                    return false;
                }
                for (int i = 0; i < codebooks.length; i += entries) {
                    if (Float.floatToRawIntBits(codebooks[i]) != 0) {
                        return false;
                    }
                }
                return true;
        }
    }

    private void putFloat(ByteBuffer dst, int at, double v) {
        switch (out) {
            case F64:
                dst.putDouble(at, v);
                return;
            case F16:
                dst.putShort(at, FloatBits.floatToHalf((float) v));
                return;
            case BF16:
                dst.putShort(at, FloatBits.floatToBf16((float) v));
                return;
            default:
                dst.putFloat(at, (float) v);
        }
    }
}
