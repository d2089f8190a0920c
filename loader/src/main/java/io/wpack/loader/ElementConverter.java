package io.wpack.loader;

import io.wpack.formats.FloatBits;
import io.wpack.formats.ParameterIndex;
import io.wpack.formats.TensorEntry;
import io.wpack.formats.WpkFormatException;
import io.wpack.formats.proto.AffineDequantization;
import io.wpack.formats.proto.DType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Turns stored elements into logical ones, following the tensor's dequantization record. */
final class ElementConverter {
    private ElementConverter() {
    }

    /** Converts all remaining elements of {@code src} (stored dtype) into {@code dst} (logical dtype). */
    static void convert(TensorEntry t, ByteBuffer src, ByteBuffer dst, long firstElement) throws WpkFormatException {
        ByteBuffer in = src.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = dst.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        DType stored = t.storedDtype();
        DType logical = t.dtype();
        var dq = t.proto().getDequantization();
        switch (dq.getKindCase()) {
            case AFFINE: {
                AffineDequantization a = dq.getAffine();
                double scale = a.getScale();
                double min = a.getMin();
                while (in.hasRemaining()) {
                    putFloat(out, logical, readInteger(in, stored) * scale + min);
                }
                break;
            }
            case WIDENING:
                while (in.hasRemaining()) {
                    putFloat(out, logical, readFloat(in, stored));
                }
                break;
            case INTEGER:
                integer(t, dq.getInteger(), in, out, firstElement);
                break;
            case CODEBOOK:
                codebook(t, dq.getCodebook(), in, out, firstElement);
                break;
            default:
                throw new WpkFormatException("tensor '" + t.name() + "': no conversion from "
                        + stored + " to " + logical);
        }
    }

    // value = (float) (code - zp) * scale in binary32; Java float arithmetic never fuses, so this is exact to the spec.
    private static void integer(TensorEntry t, io.wpack.formats.proto.IntegerDequantization q, ByteBuffer in,
                                ByteBuffer out, long first) throws WpkFormatException {
        ParameterIndex index = ParameterIndex.forInteger(q, t.shape());
        boolean signed = t.storedDtype() == DType.I8;
        boolean hasZero = q.getZeroPointsCount() > 0;
        long e = first;
        // Runs of elements share a scale (a channel's inner block, a group): look it up once per run.
        while (in.hasRemaining()) {
            int p = (int) index.of(e);
            int run = (int) Math.min(in.remaining(), index.runFrom(e));
            int zp = hasZero ? q.getZeroPoints(p) : 0;
            // One lookup per run, not a conversion of every scale per chunk: a tensor may have millions of groups.
            float scale = io.wpack.formats.IntegerScales.at(q, p);
            for (int i = 0; i < run; i++) {
                int code = signed ? in.get() : in.get() & 0xFF;
                out.putFloat((float) (code - zp) * scale);
            }
            e += run;
        }
    }

    private static void codebook(TensorEntry t, io.wpack.formats.proto.CodebookDequantization q, ByteBuffer in,
                                 ByteBuffer out, long first) throws WpkFormatException {
        ParameterIndex index = ParameterIndex.forCodebook(q, t.shape());
        int k = q.getEntries();
        long e = first;
        while (in.hasRemaining()) {
            int base = (int) index.of(e) * k;
            int run = (int) Math.min(in.remaining(), index.runFrom(e));
            for (int i = 0; i < run; i++) {
                int code = in.get() & 0xFF;
                if (code >= k) {
                    throw new WpkFormatException("tensor '" + t.name() + "': codebook index " + code
                            + " is not below the codebook size " + k);
                }
                out.putFloat(q.getCodebooks(base + code));
            }
            e += run;
        }
    }

    private static double readInteger(ByteBuffer in, DType d) throws WpkFormatException {
        switch (d) {
            case U8:
                return in.get() & 0xFF;
            case I8:
                return in.get();
            case U16:
                return in.getShort() & 0xFFFF;
            case I16:
                return in.getShort();
            case U32:
                return in.getInt() & 0xFFFFFFFFL;
            case I32:
                return in.getInt();
            default:
                throw new WpkFormatException("affine dequantization from " + d + " is not supported");
        }
    }

    private static double readFloat(ByteBuffer in, DType d) throws WpkFormatException {
        switch (d) {
            case F16:
                return FloatBits.halfToFloat(in.getShort());
            case BF16:
                return FloatBits.bf16ToFloat(in.getShort());
            case F8_E4M3:
                return FloatBits.e4m3ToFloat(in.get());
            case F8_E5M2:
                return FloatBits.e5m2ToFloat(in.get());
            case F32:
                return in.getFloat();
            default:
                throw new WpkFormatException("widening from " + d + " is not supported");
        }
    }

    private static void putFloat(ByteBuffer out, DType d, double v) throws WpkFormatException {
        switch (d) {
            case F32:
                out.putFloat((float) v);
                break;
            case F64:
                out.putDouble(v);
                break;
            case F16:
                out.putShort(FloatBits.floatToHalf((float) v));
                break;
            case BF16:
                out.putShort(FloatBits.floatToBf16((float) v));
                break;
            default:
                throw new WpkFormatException("conversion to " + d + " is not supported");
        }
    }
}
