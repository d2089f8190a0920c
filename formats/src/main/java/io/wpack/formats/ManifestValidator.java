package io.wpack.formats;

import io.wpack.formats.proto.Chunk;
import io.wpack.formats.proto.DType;
import io.wpack.formats.proto.Dequantization;
import io.wpack.formats.proto.Manifest;
import io.wpack.formats.proto.Stage;
import io.wpack.formats.proto.Tensor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a parsed manifest against the header before any chunk is read: unique names, known
 * dtypes, shape × dtype equal to the chunks' decoded sizes (overflow-checked), raw chunks aligned,
 * all in file order, inside the data section and not overlapping.
 */
public final class ManifestValidator {
    /** Largest decoded or stored chunk, so decoders always work on int-indexed buffers. */
    public static final long MAX_CHUNK_BYTES = 1L << 30;

    private ManifestValidator() {
    }

    public static List<TensorEntry> validate(Manifest manifest, PackageHeader header) throws WpkFormatException {
        Verify.verify(manifest.getAlignment() == header.alignment(),
                "manifest alignment %d disagrees with header alignment %d", manifest.getAlignment(), header.alignment());
        List<TensorEntry> out = new ArrayList<>(manifest.getTensorsCount());
        java.util.Map<String, TensorEntry> byName = new java.util.HashMap<>();
        Set<String> names = new HashSet<>();
        long nextFree = 0;
        for (int t = 0; t < manifest.getTensorsCount(); t++) {
            Tensor tensor = manifest.getTensors(t);
            String name = tensor.getName();
            String where = "tensor '" + name + "'";
            Verify.verify(!name.isEmpty(), "tensor #%d has an empty name", t);
            Verify.verify(names.add(name), "tensor name '%s' appears more than once", name);
            DType dtype = tensor.getDtype();
            Verify.verify(dtype != DType.DTYPE_UNSPECIFIED && dtype != DType.UNRECOGNIZED,
                    "%s: unknown dtype number %d", where, tensor.getDtypeValue());
            DType stored = tensor.getStoredDtype() == DType.DTYPE_UNSPECIFIED ? dtype : tensor.getStoredDtype();
            Verify.verify(stored != DType.UNRECOGNIZED, "%s: unknown stored dtype number %d", where,
                    tensor.getStoredDtypeValue());
            long[] shape = new long[tensor.getShapeCount()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = tensor.getShape(i);
                Verify.verify(shape[i] >= 0, "%s: dimension %d is out of range", where, i);
            }
            checkDequantization(tensor, dtype, stored, where, shape);
            long count = DTypes.elementCount(shape);
            long storedBytes = Verify.multiplySize(count, DTypes.byteSize(stored), where + " byte size");
            long logicalBytes = Verify.multiplySize(count, DTypes.byteSize(dtype), where + " byte size");

            for (Stage s : tensor.getEncodingList()) {
                Verify.verify(!s.getCodec().isEmpty(), "%s: encoding stage without a codec name", where);
            }
            // Only chunks stored as is, and not smaller than the alignment, are aligned: those are the ones a
            // reader may map and hand to a kernel in place.
            boolean raw = tensor.getEncodingCount() == 0;
            long decodedSum = 0;
            long maxDecoded = 0;
            long maxStored = 0;
            for (int c = 0; c < tensor.getChunksCount(); c++) {
                Chunk chunk = tensor.getChunks(c);
                long off = chunk.getOffset();
                long len = chunk.getStoredLength();
                long dec = chunk.getDecodedLength();
                String cw = where + " chunk " + c;
                Verify.verify(off >= 0 && len >= 0 && dec > 0, "%s: offset, length or decoded length out of range", cw);
                Verify.verify(len <= MAX_CHUNK_BYTES && dec <= MAX_CHUNK_BYTES, "%s: larger than %d bytes", cw,
                        MAX_CHUNK_BYTES);
                Verify.verify(!raw || len < header.alignment() || off % header.alignment() == 0,
                        "%s: offset %d is not aligned to %d", cw, off, header.alignment());
                Verify.verify(off >= nextFree, "%s: offset %d overlaps or precedes the previous chunk (ends at %d)",
                        cw, off, nextFree);
                Verify.verify(len <= header.dataLength() - off, "%s: [%d, +%d) lies outside the data section (%d bytes)",
                        cw, off, len, header.dataLength());
                Verify.verify(dec % DTypes.byteSize(stored) == 0, "%s: decoded length %d is not a whole number of %s elements",
                        cw, dec, DTypes.displayName(stored));
                nextFree = off + len;
                decodedSum = Verify.addSize(decodedSum, dec, cw + " decoded size");
                maxDecoded = Math.max(maxDecoded, dec);
                maxStored = Math.max(maxStored, len);
            }
            TensorEntry sameAs = null;
            if (!tensor.getSameAs().isEmpty()) {
                sameAs = byName.get(tensor.getSameAs());
                Verify.verify(sameAs != null, "%s: same_as names '%s', which is not an earlier tensor", where,
                        tensor.getSameAs());
                Verify.verify(sameAs.sameAs() == null && sameAs.chunkCount() > 0,
                        "%s: same_as names '%s', which has no chunks of its own", where, tensor.getSameAs());
                Verify.verify(tensor.getChunksCount() == 0 && tensor.getEncodingCount() == 0,
                        "%s: has same_as and chunks or an encoding of its own", where);
                Verify.verify(sameAs.storedDtype() == stored && sameAs.storedBytes() == storedBytes,
                        "%s: same_as '%s' holds %d bytes of %s, not %d bytes of %s", where, tensor.getSameAs(),
                        sameAs.storedBytes(), DTypes.displayName(sameAs.storedDtype()), storedBytes,
                        DTypes.displayName(stored));
                decodedSum = storedBytes;
                maxDecoded = sameAs.maxChunkDecodedLength();
                maxStored = sameAs.maxChunkStoredLength();
            }
            Verify.verify(decodedSum == storedBytes, "%s: shape %s of %s needs %d bytes but its chunks decode to %d",
                    where, java.util.Arrays.toString(shape), DTypes.displayName(stored), storedBytes, decodedSum);
            TensorEntry entry = new TensorEntry(t, tensor, shape, count, stored, storedBytes, logicalBytes, maxDecoded,
                    maxStored, sameAs);
            out.add(entry);
            byName.put(name, entry);
        }
        Verify.verify(nextFree == header.dataLength(), "data section is %d bytes but its chunks end at %d",
                header.dataLength(), nextFree);
        return out;
    }

    private static void checkDequantization(Tensor tensor, DType dtype, DType stored, String where, long[] shape)
            throws WpkFormatException {
        boolean has = tensor.hasDequantization();
        if (stored == dtype) {
            Verify.verify(!has, "%s: dequantization given but stored and logical dtypes are both %s", where,
                    DTypes.displayName(dtype));
            return;
        }
        Verify.verify(has, "%s: stored as %s but logically %s, with no dequantization", where,
                DTypes.displayName(stored), DTypes.displayName(dtype));
        Dequantization dq = tensor.getDequantization();
        switch (dq.getKindCase()) {
            case AFFINE:
                Verify.verify(DTypes.isFloat(dtype) && !DTypes.isFloat(stored) && stored != DType.BOOL,
                        "%s: affine dequantization needs integer stored and float logical dtypes", where);
                Verify.verify(Double.isFinite(dq.getAffine().getScale()) && Double.isFinite(dq.getAffine().getMin()),
                        "%s: dequantization scale or min is not finite", where);
                break;
            case WIDENING:
                Verify.verify(DTypes.isFloat(dtype) && DTypes.isFloat(stored)
                                && DTypes.byteSize(stored) < DTypes.byteSize(dtype),
                        "%s: widening needs a narrower stored float dtype", where);
                break;
            case INTEGER: {
                var q = dq.getInteger();
                Verify.verify(dtype == DType.F32 && (stored == DType.I8 || stored == DType.U8),
                        "%s: integer codes must be stored as i8 or u8 for an f32 tensor", where);
                Verify.verify(q.getBits() >= 2 && q.getBits() <= 8, "%s: %d-bit codes are out of range", where,
                        q.getBits());
                long n = ParameterIndex.forInteger(q, shape).count();
                boolean half = !q.getHalfScales().isEmpty();
                Verify.verify(!half || (q.getScalesCount() == 0 && q.getHalfScales().size() % 2 == 0),
                        "%s: half_scales must be whole binary16 values and comes instead of scales", where);
                Verify.verify(IntegerScales.count(q) == n, "%s: %d scales given, %d needed", where,
                        IntegerScales.count(q), n);
                Verify.verify(q.getZeroPointsCount() == 0 || q.getZeroPointsCount() == n,
                        "%s: %d zero points given, %d needed", where, q.getZeroPointsCount(), n);
                for (float f : IntegerScales.of(q)) {
                    Verify.verify(Float.isFinite(f), "%s: a scale is not finite", where);
                }
                break;
            }
            case CODEBOOK: {
                var q = dq.getCodebook();
                Verify.verify(dtype == DType.F32 && stored == DType.U8,
                        "%s: codebook indices must be stored as u8 for an f32 tensor", where);
                Verify.verify(q.getEntries() >= 1 && q.getEntries() <= 256, "%s: codebook size %d is out of range",
                        where, q.getEntries());
                long books = ParameterIndex.forCodebook(q, shape).count();
                Verify.verify(q.getCodebooksCount() == Verify.multiplySize(books, q.getEntries(), where),
                        "%s: %d codebook entries given, %d needed", where, q.getCodebooksCount(), books * q.getEntries());
                break;
            }
            default:
                throw new WpkFormatException(where + ": unknown dequantization kind (the package needs a newer wpack)");
        }
    }
}
