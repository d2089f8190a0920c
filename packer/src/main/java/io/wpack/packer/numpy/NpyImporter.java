package io.wpack.packer.numpy;

import io.wpack.formats.DTypes;
import io.wpack.formats.Verify;
import io.wpack.formats.WpkFormatException;
import io.wpack.packer.model.FileSliceTensorData;
import io.wpack.packer.model.ImportedModel;
import io.wpack.packer.model.ImportedTensor;
import io.wpack.packer.model.ModelImporter;
import io.wpack.packer.model.TensorData;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Imports one NumPy {@code .npy} array as a one-tensor model named after the file. The
 * file must hold exactly the bytes its header describes. Big-endian arrays are swapped to
 * little-endian and Fortran-order arrays reordered to C order as they are read; the tensor
 * metadata records both ({@code numpy.byteorder=big}, {@code numpy.fortran_order=true}).
 */
public final class NpyImporter implements ModelImporter {
    @Override
    public String formatName() {
        return "npy";
    }

    @Override
    public boolean accepts(Path path) {
        return Files.isRegularFile(path) && path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy");
    }

    @Override
    public ImportedModel importModel(Path path) throws IOException {
        String file = path.getFileName().toString();
        NpyHeader header;
        try (InputStream in = Files.newInputStream(path)) {
            header = NpyHeader.read(in, file);
        }
        long fileSize = Files.size(path);
        long dataLength = header.dataLength();
        long actual = fileSize - header.dataOffset();
        Verify.verify(actual == dataLength, "%s: shape and dtype need %d bytes of data but the file has %d",
                file, dataLength, actual);
        String name = file.toLowerCase(Locale.ROOT).endsWith(".npy") ? file.substring(0, file.length() - 4) : file;
        TensorData raw = new FileSliceTensorData(path, header.dataOffset(), dataLength);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("source_format", "npy");
        meta.put("producer", "");
        meta.put("numpy.format_version", header.version());
        return new ImportedModel(Collections.unmodifiableMap(meta), List.of(tensor(name, header, raw, file)));
    }

    /** The tensor for an array whose stored element bytes are {@code raw}; shared with the npz importer. */
    static ImportedTensor tensor(String name, NpyHeader header, TensorData raw, String what)
            throws WpkFormatException {
        int width = DTypes.byteSize(header.dtype());
        Map<String, String> meta = new LinkedHashMap<>();
        TensorData data = raw;
        if (header.bigEndian()) {
            data = new ByteSwappedTensorData(data, width, what);
            meta.put("numpy.byteorder", "big");
        }
        if (header.fortranOrder()) {
            if (header.shape().length > 1) {
                data = new FortranOrderTensorData(data, header.shape(), width, what);
            }
            meta.put("numpy.fortran_order", "true");
        }
        return ImportedTensor.plain(name, header.dtype(), header.shape().clone(), Collections.unmodifiableMap(meta),
                data);
    }
}
