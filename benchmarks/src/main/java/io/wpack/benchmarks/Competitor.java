package io.wpack.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What users would ship instead of a package: the same raw tensor bytes through a standard
 * compressor's command-line tool at its strongest common setting. Flags that change the output
 * with the machine (thread count) are pinned, and gzip leaves out the file name and time, so
 * the sizes are reproducible.
 */
public enum Competitor {
    GZIP("gzip", "gzip -9", "gz", false,
            List.of("gzip", "-9", "-n", "-c"), List.of("gzip", "-d", "-c")),
    ZSTD("zstd", "zstd -19 --long", "zst", false,
            List.of("zstd", "-19", "--long=27", "-T1", "-q", "-c"), List.of("zstd", "-d", "--long=27", "-q", "-c")),
    XZ("xz", "xz -9", "xz", false,
            List.of("xz", "-9", "-T1", "-c"), List.of("xz", "-d", "-T1", "-c")),
    /** ZipNN's grouping: the byte planes of {@link RawExport}, then the same zstd as {@link #ZSTD}. */
    ZSTD_PLANES("zstd-planes", "byte planes + zstd -19 --long", "zst", true,
            List.of("zstd", "-19", "--long=27", "-T1", "-q", "-c"), List.of("zstd", "-d", "--long=27", "-q", "-c"));

    private final String id;
    private final String label;
    private final String extension;
    private final boolean planes;
    private final List<String> compress;
    private final List<String> decompress;

    Competitor(String id, String label, String extension, boolean planes, List<String> compress,
               List<String> decompress) {
        this.id = id;
        this.label = label;
        this.extension = extension;
        this.planes = planes;
        this.compress = compress;
        this.decompress = decompress;
    }

    public String id() {
        return id;
    }

    public String label() {
        return label;
    }

    /** What the compressed file's name adds to the input's: {@code raw.bin.gz}, {@code planes.bin.zst}. */
    public String extension() {
        return extension;
    }

    /** Whether it compresses the byte-plane file rather than the raw one. */
    public boolean planes() {
        return planes;
    }

    /** The tool that runs it. */
    public String tool() {
        return compress.get(0);
    }

    /** Compresses {@code input} to standard output. */
    public List<String> compressCommand(Path input) {
        return with(compress, input);
    }

    /** Decompresses {@code compressed} to standard output. */
    public List<String> decompressCommand(Path compressed) {
        return with(decompress, compressed);
    }

    /** The command line as a reader would type it, for the report. */
    public String shellCompress(String input) {
        return String.join(" ", compress) + " " + input + " > " + input + "." + extension;
    }

    /** The decompression command line as a reader would type it. */
    public String shellDecompress(String input) {
        return String.join(" ", decompress) + " " + input + "." + extension + " > /dev/null";
    }

    private static List<String> with(List<String> base, Path file) {
        List<String> cmd = new ArrayList<>(base);
        cmd.add(file.toString());
        return cmd;
    }
}
