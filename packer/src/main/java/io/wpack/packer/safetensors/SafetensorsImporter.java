package io.wpack.packer.safetensors;

import io.wpack.formats.DTypes;
import io.wpack.formats.Verify;
import io.wpack.formats.WpkFormatException;
import io.wpack.formats.proto.DType;
import io.wpack.packer.io.StreamBytes;
import io.wpack.packer.json.Json;
import io.wpack.packer.model.FileSliceTensorData;
import io.wpack.packer.model.ImportedModel;
import io.wpack.packer.model.ImportedTensor;
import io.wpack.packer.model.ModelImporter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Imports a {@code .safetensors} file. Layout:
 * <pre>
 *   u64 LE   N, the header length
 *   N bytes  JSON object: name → {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]},
 *            plus an optional "__metadata__": {string: string}; may be padded with spaces
 *   ...      the data; offsets are relative to its start (byte 8 + N)
 * </pre>
 * Each tensor's range must lie inside the file, hold exactly numel × dtype size bytes and
 * not overlap another tensor's. Gaps between ranges are allowed (the reference reader is
 * stricter and requires the ranges to tile the data exactly). Tensors come out ordered by
 * data offset, then name; {@code __metadata__} entries become model metadata
 * {@code meta.KEY}. Tensor data is read from the file on demand.
 */
public final class SafetensorsImporter implements ModelImporter {
    /** Same limit as the reference implementation; real headers are a few hundred KB. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    @Override
    public String formatName() {
        return "safetensors";
    }

    @Override
    public boolean accepts(Path path) {
        return Files.isRegularFile(path)
                && path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".safetensors");
    }

    private record Entry(String name, DType dtype, long[] shape, long begin, long end) {
    }

    @Override
    public ImportedModel importModel(Path path) throws IOException {
        String file = path.getFileName().toString();
        long fileSize = Files.size(path);
        Verify.verify(fileSize >= 8, "%s: %d bytes is too short for a safetensors file (the header length "
                + "alone takes 8)", file, fileSize);
        byte[] header;
        long headerLength;
        try (InputStream in = Files.newInputStream(path)) {
            byte[] lengthBytes = StreamBytes.readExactly(in, 8, file + ": header length");
            headerLength = 0;
            for (int i = 7; i >= 0; i--) {
                headerLength = (headerLength << 8) | (lengthBytes[i] & 0xFF);
            }
            // Compare as unsigned: a length with the top bit set is negative as a long.
            Verify.verify(headerLength >= 0 && headerLength <= MAX_HEADER_BYTES, 0,
                    "%s: header length %s exceeds the %d-byte limit", file, Long.toUnsignedString(headerLength),
                    MAX_HEADER_BYTES);
            Verify.verify(headerLength <= fileSize - 8, 0,
                    "%s: header length %d is larger than the rest of the file (%d bytes)", file, headerLength,
                    fileSize - 8);
            header = StreamBytes.readExactly(in, (int) headerLength, file + ": header");
        }
        Map<String, Object> root = Json.asObject(Json.parse(header, file + " header"), file + " header");
        long dataStart = 8 + headerLength;
        long dataSize = fileSize - dataStart;

        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("source_format", "safetensors");
        meta.put("producer", "");
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, Object> e : root.entrySet()) {
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                Map<String, Object> m = Json.asObject(e.getValue(), file + ": __metadata__");
                for (Map.Entry<String, Object> kv : m.entrySet()) {
                    meta.put("meta." + kv.getKey(), Json.asString(kv.getValue(),
                            file + ": __metadata__ value of \"" + kv.getKey() + "\""));
                }
                continue;
            }
            entries.add(entry(file, name, e.getValue(), dataSize));
        }

        entries.sort(Comparator.comparingLong(Entry::begin).thenComparing(Entry::name));
        Entry previous = null;
        for (Entry e : entries) {
            // Empty tensors take no bytes, so they cannot overlap anything.
            if (e.begin == e.end) {
                continue;
            }
            if (previous != null) {
                Verify.verify(previous.end <= e.begin, "%s: tensors \"%s\" [%d, %d) and \"%s\" [%d, %d) overlap",
                        file, previous.name, previous.begin, previous.end, e.name, e.begin, e.end);
            }
            previous = e;
        }

        List<ImportedTensor> tensors = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            tensors.add(ImportedTensor.plain(e.name, e.dtype, e.shape, Map.of(),
                    new FileSliceTensorData(path, dataStart + e.begin, e.end - e.begin)));
        }
        return new ImportedModel(Collections.unmodifiableMap(meta), List.copyOf(tensors));
    }

    private static Entry entry(String file, String name, Object value, long dataSize) throws WpkFormatException {
        String what = file + ": tensor \"" + name + "\"";
        Map<String, Object> info = Json.asObject(value, what);
        String dtypeName = Json.asString(Json.require(info, "dtype", what), what + " dtype");
        DType dtype = dtypeOf(dtypeName, what);
        long[] shape = Json.asDims(Json.require(info, "shape", what), what + " shape");
        List<Object> offsets = Json.asList(Json.require(info, "data_offsets", what), what + " data_offsets");
        Verify.verify(offsets.size() == 2, "%s: data_offsets must be [begin, end], has %d entries", what,
                offsets.size());
        long begin = Json.asLong(offsets.get(0), what + " data_offsets[0]");
        long end = Json.asLong(offsets.get(1), what + " data_offsets[1]");
        Verify.verify(begin >= 0 && begin <= end, "%s: data_offsets [%d, %d) are not an ordered pair of "
                + "non-negative offsets", what, begin, end);
        Verify.verify(end <= dataSize, "%s: data_offsets [%d, %d) run past the end of the data (%d bytes)",
                what, begin, end, dataSize);
        long expected = Verify.multiplySize(DTypes.elementCount(shape), DTypes.byteSize(dtype), what + " byte size");
        Verify.verify(end - begin == expected, "%s: data_offsets [%d, %d) hold %d bytes, but shape %s of %s needs %d",
                what, begin, end, end - begin, Arrays.toString(shape), dtypeName, expected);
        return new Entry(name, dtype, shape, begin, end);
    }

    /** safetensors dtype names (they happen to match wpack's enum names). */
    static DType dtypeOf(String name, String what) throws WpkFormatException {
        switch (name) {
            case "F64": return DType.F64;
            case "F32": return DType.F32;
            case "F16": return DType.F16;
            case "BF16": return DType.BF16;
            case "F8_E4M3": return DType.F8_E4M3;
            case "F8_E5M2": return DType.F8_E5M2;
            case "I8": return DType.I8;
            case "I16": return DType.I16;
            case "I32": return DType.I32;
            case "I64": return DType.I64;
            case "U8": return DType.U8;
            case "U16": return DType.U16;
            case "U32": return DType.U32;
            case "U64": return DType.U64;
            case "BOOL": return DType.BOOL;
            default:
                throw new WpkFormatException(what + " has the dtype \"" + name + "\", which is not supported");
        }
    }
}
