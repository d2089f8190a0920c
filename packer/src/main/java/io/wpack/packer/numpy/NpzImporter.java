package io.wpack.packer.numpy;

import io.wpack.formats.DTypes;
import io.wpack.formats.Verify;
import io.wpack.formats.WpkFormatException;
import io.wpack.packer.model.FileSliceTensorData;
import io.wpack.packer.model.ImportedModel;
import io.wpack.packer.model.ImportedTensor;
import io.wpack.packer.model.ModelImporter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * Imports a NumPy {@code .npz} archive ({@code np.savez} / {@code np.savez_compressed}):
 * a zip file with one {@code .npy} member per array, stored or deflated. Tensors are named
 * after their members without the {@code .npy} suffix, in the order of the zip directory.
 *
 * <p>Each member's npy header must account for exactly the member's size in the zip
 * directory. Member data is read from the archive on demand (see
 * {@link ZipMemberTensorData}); nothing is inflated at import beyond the headers.
 */
public final class NpzImporter implements ModelImporter {
    /**
     * Deflate's best case is 258-byte matches coded in 1 bit each, about 1032:1. A member
     * claiming more than this from its compressed size is lying, and we refuse it before
     * anything sized from that claim is allocated.
     */
    static final long MAX_DEFLATE_RATIO = 1032;

    @Override
    public String formatName() {
        return "npz";
    }

    @Override
    public boolean accepts(Path path) {
        return Files.isRegularFile(path) && path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npz");
    }

    @Override
    public ImportedModel importModel(Path path) throws IOException {
        String file = path.getFileName().toString();
        List<ImportedTensor> tensors = new ArrayList<>();
        try (ZipFile zip = openZip(path, file)) {
            Set<String> seen = new HashSet<>();
            Enumeration<ZipArchiveEntry> entries = zip.getEntries();
            while (entries.hasMoreElements()) {
                ZipArchiveEntry entry = entries.nextElement();
                String member = entry.getName();
                String what = file + ": member \"" + member + "\"";
                Verify.verify(seen.add(member), "%s appears twice in the archive", what);
                Verify.verify(!entry.isDirectory() && member.endsWith(".npy"),
                        "%s is not a .npy array; an .npz archive holds only .npy members", what);
                tensors.add(member(zip, path, entry, what));
            }
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("source_format", "npz");
        meta.put("producer", "");
        return new ImportedModel(Collections.unmodifiableMap(meta), List.copyOf(tensors));
    }

    private static ZipFile openZip(Path path, String file) throws IOException {
        try {
            return ZipFile.builder().setPath(path).get();
        } catch (FileSystemException e) {
            throw e; // missing or unreadable: not a format problem
        } catch (IOException e) {
            throw new WpkFormatException(file + ": not a readable zip archive: " + e.getMessage(), e);
        }
    }

    private static ImportedTensor member(ZipFile zip, Path path, ZipArchiveEntry entry, String what)
            throws IOException {
        String member = entry.getName();
        int method = entry.getMethod();
        Verify.verify(method == ZipArchiveEntry.STORED || method == ZipArchiveEntry.DEFLATED,
                "%s uses zip compression method %d; only stored (0) and deflated (8) are supported", what, method);
        Verify.verify(zip.canReadEntryData(entry), "%s cannot be read (encrypted or an unsupported zip feature)", what);
        long size = entry.getSize();
        long compressedSize = entry.getCompressedSize();
        Verify.verify(size >= 0 && compressedSize >= 0, "%s has no size in the zip directory", what);
        if (method == ZipArchiveEntry.STORED) {
            Verify.verify(size == compressedSize, "%s is stored but its sizes differ (%d and %d)", what, size,
                    compressedSize);
        } else {
            Verify.verify(size / MAX_DEFLATE_RATIO <= compressedSize, "%s claims to inflate %d bytes to %d, "
                    + "beyond what deflate can do", what, compressedSize, size);
        }

        NpyHeader header;
        try (InputStream in = zip.getInputStream(entry)) {
            header = NpyHeader.read(in, what);
        } catch (WpkFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new WpkFormatException(what + ": cannot read the npy header: " + e.getMessage(), e);
        }
        long dataLength = header.dataLength();
        Verify.verify(header.dataOffset() <= size && size - header.dataOffset() == dataLength,
                "%s: its npy header (shape %s, %s) needs %d bytes of data, but the member holds %d", what,
                Arrays.toString(header.shape()), DTypes.displayName(header.dtype()), dataLength, size - header.dataOffset());

        // The local header's length is only known once commons-compress has read it.
        zip.getRawInputStream(entry).close();
        long dataStart = entry.getDataOffset();
        Verify.verify(dataStart >= 0, "%s: cannot locate the member's data in the archive", what);
        FileSliceTensorData stored;
        try {
            stored = new FileSliceTensorData(path, dataStart, compressedSize);
        } catch (WpkFormatException e) {
            throw new WpkFormatException(what + ": " + e.getMessage(), e);
        }
        String name = member.substring(0, member.length() - ".npy".length());
        ZipMemberTensorData data = new ZipMemberTensorData(stored, method == ZipArchiveEntry.DEFLATED,
                header.dataOffset(), dataLength, entry.getCrc(), what);
        return NpyImporter.tensor(name, header, data, what);
    }
}
