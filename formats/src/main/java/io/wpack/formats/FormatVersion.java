package io.wpack.formats;

/**
 * Format versions, named after the feature that introduced them (Lucene style). A reader
 * accepts {@link #OLDEST_READABLE} to {@link #CURRENT} and tells "too old" from "too new".
 */
public final class FormatVersion {
    /** Header, protobuf manifest, aligned chunks with CRC32C, footer. */
    public static final int INITIAL = 1;

    public static final int CURRENT = INITIAL;
    public static final int OLDEST_READABLE = INITIAL;

    public static final int MIN_ALIGNMENT = 64;
    public static final int MAX_ALIGNMENT = 4096;
    public static final int DEFAULT_ALIGNMENT = 64;

    /** Upper bound on the manifest so a hostile header cannot make a streaming reader allocate gigabytes. */
    public static final long MAX_MANIFEST_BYTES = 256L << 20;

    private FormatVersion() {
    }
}
