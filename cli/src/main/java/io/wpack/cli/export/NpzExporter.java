package io.wpack.cli.export;

import io.wpack.formats.proto.DType;
import org.apache.commons.compress.archivers.zip.Zip64Mode;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

/**
 * Writes an npz archive like {@code numpy.savez}: one stored {@code NAME.npy} member per
 * tensor. NumPy has no bfloat16 or float8, so those tensors are written as their uint16 or
 * uint8 bit patterns, which keeps them bit-exact.
 */
public final class NpzExporter implements Exporter {
    // Fixed entry time so that the same package always gives the same bytes.
    private static final FileTime ENTRY_TIME = FileTime.fromMillis(315532800000L + 86400000L);

    static String npyDescr(DType d) {
        switch (d) {
            case F64:
                return "<f8";
            case F32:
                return "<f4";
            case F16:
                return "<f2";
            case BF16:
            case U16:
                return "<u2";
            case I8:
                return "|i1";
            case U8:
            case F8_E4M3:
            case F8_E5M2:
                return "|u1";
            case BOOL:
                return "|b1";
            case I16:
                return "<i2";
            case I32:
                return "<i4";
            case I64:
                return "<i8";
            case U32:
                return "<u4";
            case U64:
                return "<u8";
            default:
                throw new IllegalArgumentException("no npy dtype for " + d);
        }
    }

    /** An npy header (format 1.0, or 2.0 when it would not fit) padded to a multiple of 64 bytes. */
    static byte[] npyHeader(DType d, long[] shape) {
        StringBuilder dict = new StringBuilder("{'descr': '").append(npyDescr(d)).append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            dict.append(shape[i]).append(shape.length == 1 ? "," : (i + 1 < shape.length ? ", " : ""));
        }
        dict.append("), }");
        byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
        int prefix = 10;
        int major = 1;
        if (text.length + 1 + prefix > 65535) {
            prefix = 12;
            major = 2;
        }
        int total = (prefix + text.length + 1 + 63) / 64 * 64;
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.ISO_8859_1)).put((byte) major).put((byte) 0);
        if (major == 1) {
            b.putShort((short) (total - prefix));
        } else {
            b.putInt(total - prefix);
        }
        b.put(text);
        while (b.position() < total - 1) {
            b.put((byte) ' ');
        }
        b.put((byte) '\n');
        return b.array();
    }

    @Override
    public void write(java.util.Map<String, String> meta, java.util.List<ExportItem> items, Path out) throws IOException {
        try (AtomicOutput atomic = new AtomicOutput(out)) {
            try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(atomic.tmp())) {
                zip.setUseZip64(Zip64Mode.AsNeeded);
                zip.setMethod(ZipArchiveEntry.STORED);
                for (ExportItem t : items) {
                    byte[] header = npyHeader(t.dtype(), t.shape());
                    ZipArchiveEntry entry = new ZipArchiveEntry(t.name() + ".npy");
                    entry.setMethod(ZipArchiveEntry.STORED);
                    entry.setLastModifiedTime(ENTRY_TIME);
                    entry.setSize(header.length + t.bytes());
                    zip.putArchiveEntry(entry);
                    zip.write(header);
                    t.writer().writeTo(zip);
                    zip.closeArchiveEntry();
                }
            }
            atomic.commit();
        }
    }
}
