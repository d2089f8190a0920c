package io.wpack.loader.layout;

import io.wpack.formats.DTypes;
import io.wpack.formats.FloatBits;
import io.wpack.formats.WpkFormatException;
import io.wpack.formats.proto.DType;

import java.nio.ByteBuffer;

/**
 * Copies one element from the source dtype to the target dtype, both little-endian buffers,
 * with absolute indexing. The same dtype is a bit copy (NaN payloads and integers intact);
 * otherwise a float source is read as float32 and rounded to nearest even into f32, f16 or
 * bf16 ({@link FloatBits}), or widened to f64 (a panel bias for an f64 weight). An f64 source goes through float32 first, so f64 to f16 may round
 * twice.
 */
final class ValueConverter {
    private static final int COPY1 = 1;
    private static final int COPY2 = 2;
    private static final int COPY4 = 4;
    private static final int COPY8 = 8;
    private static final int CONVERT = 0;

    final DType from;
    final DType to;
    final int fromSize;
    final int toSize;
    private final int mode;

    private ValueConverter(DType from, DType to, int fromSize, int toSize, int mode) {
        this.from = from;
        this.to = to;
        this.fromSize = fromSize;
        this.toSize = toSize;
        this.mode = mode;
    }

    /** A converter from {@code from} to {@code to} (null: keep {@code from}). */
    static ValueConverter of(DType from, DType to) {
        int fromSize = sizeOf(from);
        if (to == null || to == from) {
            return new ValueConverter(from, from, fromSize, fromSize, fromSize);
        }
        if (!DTypes.isFloat(from)) {
            throw new LayoutException("cannot convert a " + Layout.dtypeName(from) + " tensor to "
                    + Layout.dtypeName(to) + ": only float tensors convert");
        }
        if (to != DType.F32 && to != DType.F16 && to != DType.BF16 && to != DType.F64) {
            throw new LayoutException("float values convert to f32, f16, bf16 or f64 only, not " + Layout.dtypeName(to));
        }
        return new ValueConverter(from, to, fromSize, sizeOf(to), CONVERT);
    }

    static int sizeOf(DType d) {
        try {
            return DTypes.byteSize(d);
        } catch (WpkFormatException e) {
            throw new LayoutException("no layout for element type " + d);
        }
    }

    /** Converts the element at {@code in[ip]} into {@code out[op]}. */
    void copy(ByteBuffer in, int ip, ByteBuffer out, int op) {
        switch (mode) {
            case COPY4:
                out.putInt(op, in.getInt(ip));
                return;
            case COPY2:
                out.putShort(op, in.getShort(ip));
                return;
            case COPY1:
                out.put(op, in.get(ip));
                return;
            case COPY8:
                out.putLong(op, in.getLong(ip));
                return;
            default:
                writeFloat(out, op, to, readFloat(in, ip, from));
        }
    }

    /** Whether elements are bit copies (same dtype), so runs can move as bytes. */
    boolean isCopy() {
        return mode != CONVERT;
    }

    /**
     * Converts {@code count} consecutive elements from {@code in[ip]} into consecutive places
     * from {@code out[op]}, both absolute; neither buffer moves. Exactly what {@link #copy} does
     * element by element, but with the dtype dispatch outside the loops: floats pass through a
     * small float32 array, one loop to read them and one to write them.
     */
    void convertRun(ByteBuffer in, int ip, ByteBuffer out, int op, int count) {
        if (mode != CONVERT) {
            copyBytes(in, ip, out, op, count * fromSize);
            return;
        }
        float[] f = new float[Math.min(count, 2048)];
        int done = 0;
        while (done < count) {
            int n = Math.min(f.length, count - done);
            readFloats(in, ip + done * fromSize, f, n);
            writeFloats(f, n, out, op + done * toSize);
            done += n;
        }
    }

    /** Copies {@code len} bytes between absolute positions; neither buffer moves. */
    static void copyBytes(ByteBuffer in, int ip, ByteBuffer out, int op, int len) {
        if (in.hasArray() && out.hasArray()) {
            System.arraycopy(in.array(), in.arrayOffset() + ip, out.array(), out.arrayOffset() + op, len);
            return;
        }
        ByteBuffer src = in.duplicate();
        src.limit(ip + len).position(ip);
        ByteBuffer dst = out.duplicate();
        dst.position(op);
        dst.put(src);
    }

    private void readFloats(ByteBuffer in, int ip, float[] f, int n) {
        switch (from) {
            case F32:
                for (int i = 0; i < n; i++) {
                    f[i] = in.getFloat(ip + 4 * i);
                }
                return;
            case F16:
                for (int i = 0; i < n; i++) {
                    f[i] = FloatBits.halfToFloat(in.getShort(ip + 2 * i));
                }
                return;
            case BF16:
                for (int i = 0; i < n; i++) {
                    f[i] = FloatBits.bf16ToFloat(in.getShort(ip + 2 * i));
                }
                return;
            default:
                for (int i = 0; i < n; i++) {
                    f[i] = readFloat(in, ip + fromSize * i, from);
                }
        }
    }

    private void writeFloats(float[] f, int n, ByteBuffer out, int op) {
        switch (to) {
            case F32:
                for (int i = 0; i < n; i++) {
                    out.putFloat(op + 4 * i, f[i]);
                }
                return;
            case F16:
                for (int i = 0; i < n; i++) {
                    out.putShort(op + 2 * i, toHalf(f[i]));
                }
                return;
            case BF16:
                for (int i = 0; i < n; i++) {
                    out.putShort(op + 2 * i, FloatBits.floatToBf16(f[i]));
                }
                return;
            default:
                for (int i = 0; i < n; i++) {
                    writeFloat(out, op + toSize * i, to, f[i]);
                }
        }
    }

    /**
     * {@link FloatBits#floatToHalf}, bit for bit, without its data-dependent rounding branch
     * where the result is a normal half (float exponents 113..142, most weights): adding
     * {@code 0xFFF} plus the kept mantissa's last bit rounds to nearest even at bit 13, and a
     * carry out of the mantissa correctly moves to the next binade or to infinity. Everything
     * else (zeros, subnormals, overflow, NaN) goes through FloatBits.
     */
    static short toHalf(float v) {
        int bits = Float.floatToRawIntBits(v);
        int abs = bits & 0x7FFFFFFF;
        if (abs >= 0x38800000 && abs < 0x47800000) {
            int rounded = abs + 0xFFF + ((abs >>> 13) & 1);
            return (short) (((bits >>> 16) & 0x8000) | ((rounded - 0x38000000) >>> 13));
        }
        return FloatBits.floatToHalf(v);
    }

    /** The source element as float32; the source must be a float dtype. */
    float readFloat(ByteBuffer in, int ip) {
        return readFloat(in, ip, from);
    }

    static float readFloat(ByteBuffer in, int ip, DType d) {
        switch (d) {
            case F32:
                return in.getFloat(ip);
            case F16:
                return FloatBits.halfToFloat(in.getShort(ip));
            case BF16:
                return FloatBits.bf16ToFloat(in.getShort(ip));
            case F64:
                return (float) in.getDouble(ip);
            case F8_E4M3:
                return FloatBits.e4m3ToFloat(in.get(ip));
            case F8_E5M2:
                return FloatBits.e5m2ToFloat(in.get(ip));
            default:
                throw new LayoutException("a " + Layout.dtypeName(d) + " tensor has no float values");
        }
    }

    static void writeFloat(ByteBuffer out, int op, DType d, float v) {
        switch (d) {
            case F32:
                out.putFloat(op, v);
                return;
            case F16:
                out.putShort(op, FloatBits.floatToHalf(v));
                return;
            case BF16:
                out.putShort(op, FloatBits.floatToBf16(v));
                return;
            case F64:
                out.putDouble(op, v);
                return;
            default:
                throw new LayoutException("float values convert to f32, f16, bf16 or f64 only, not "
                        + Layout.dtypeName(d));
        }
    }

    /** Whether the target element at {@code out[op]} is zero; a float's sign does not count. */
    boolean isZero(ByteBuffer out, int op) {
        return isZero(out, op, to, toSize);
    }

    static boolean isZero(ByteBuffer out, int op, DType d, int size) {
        boolean isFloat = DTypes.isFloat(d);
        switch (size) {
            case 4:
                return (out.getInt(op) & (isFloat ? 0x7FFFFFFF : -1)) == 0;
            case 2:
                return (out.getShort(op) & (isFloat ? 0x7FFF : 0xFFFF)) == 0;
            case 1:
                return (out.get(op) & (isFloat ? 0x7F : 0xFF)) == 0;
            default:
                return (out.getLong(op) & (isFloat ? Long.MAX_VALUE : -1L)) == 0;
        }
    }
}
