package io.wpack.formats;

import io.wpack.formats.proto.DType;

import java.util.Locale;

/** Facts about element types: sizes, names, float-ness. */
public final class DTypes {
    private DTypes() {
    }

    /** Bytes per element, or a format error for an unknown or unset dtype. */
    public static int byteSize(DType dtype) throws WpkFormatException {
        switch (dtype) {
            case F64:
            case I64:
            case U64:
                return 8;
            case F32:
            case I32:
            case U32:
                return 4;
            case F16:
            case BF16:
            case I16:
            case U16:
                return 2;
            case F8_E4M3:
            case F8_E5M2:
            case I8:
            case U8:
            case BOOL:
                return 1;
            default:
                throw new WpkFormatException("unknown element type " + describe(dtype));
        }
    }

    public static boolean isFloat(DType dtype) {
        switch (dtype) {
            case F64:
            case F32:
            case F16:
            case BF16:
            case F8_E4M3:
            case F8_E5M2:
                return true;
            default:
                return false;
        }
    }

    /** Lower-case name used in reports and JSON: f32, bf16, i64, bool, ... */
    public static String displayName(DType dtype) {
        return dtype.name().toLowerCase(Locale.ROOT);
    }

    /** Parses a display name or enum name; null when unknown. */
    public static DType fromName(String name) {
        for (DType d : DType.values()) {
            if (d != DType.UNRECOGNIZED && d != DType.DTYPE_UNSPECIFIED
                    && (d.name().equalsIgnoreCase(name))) {
                return d;
            }
        }
        return null;
    }

    private static String describe(DType dtype) {
        return dtype == DType.UNRECOGNIZED ? "(a dtype number this reader does not know)" : dtype.name();
    }

    /** Number of elements in a shape, overflow-checked. A scalar (empty shape) has one. */
    public static long elementCount(long[] shape) throws WpkFormatException {
        long n = 1;
        for (long d : shape) {
            Verify.verify(d >= 0, "negative dimension %d", d);
            n = Verify.multiplySize(n, d, "element count");
        }
        return n;
    }

    /** Payload bytes for a shape and dtype, overflow-checked. */
    public static long byteCount(long[] shape, DType dtype) throws WpkFormatException {
        return Verify.multiplySize(elementCount(shape), byteSize(dtype), "tensor byte size");
    }
}
