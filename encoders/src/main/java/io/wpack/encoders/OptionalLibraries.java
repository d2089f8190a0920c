package io.wpack.encoders;

/**
 * Whether the optional compression libraries are on the classpath. The packer always has them;
 * the loader, which must stay small, only needs them for packages that use the xz codec.
 *
 * <p>Classes that name library types are only loaded after these checks pass, so that a missing
 * library surfaces as a clear error here rather than as a {@link NoClassDefFoundError}.
 */
final class OptionalLibraries {
    private OptionalLibraries() {
    }

    private static final class CommonsCompress {
        static final boolean PRESENT = present("org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorOutputStream");
    }

    private static final class Xz {
        static final boolean PRESENT = present(
                "org.apache.commons.compress.compressors.xz.XZCompressorInputStream",
                "org.tukaani.xz.XZOutputStream");
    }

    static boolean commonsCompressPresent() {
        return CommonsCompress.PRESENT;
    }

    static boolean xzPresent() {
        return Xz.PRESENT;
    }

    private static boolean present(String... classNames) {
        ClassLoader loader = OptionalLibraries.class.getClassLoader();
        for (String className : classNames) {
            try {
                Class.forName(className, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                return false;
            }
        }
        return true;
    }
}
