package io.wpack.encoders;

import io.wpack.formats.WpkFormatException;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** The general-purpose codecs by manifest name. */
public final class Codecs {
    public static final ByteCodec RAW = new RawCodec();
    public static final ByteCodec LZ4 = new Lz4BlockCodec();
    public static final ByteCodec DEFLATE = new DeflateCodec();
    public static final ByteCodec XZ = new XzCodec();

    // In decodeSpeedRank order. Not List.of: the loader also runs on Android versions without it.
    private static final List<ByteCodec> GENERAL_PURPOSE =
            Collections.unmodifiableList(Arrays.asList(RAW, LZ4, DEFLATE, XZ));

    private Codecs() {
    }

    /**
     * The codec a manifest names.
     *
     * @throws WpkFormatException if no codec has that name, typically because a newer wpack wrote
     *     the package
     */
    public static ByteCodec byName(String name) throws WpkFormatException {
        for (ByteCodec codec : GENERAL_PURPOSE) {
            if (codec.name().equals(name)) {
                return codec;
            }
        }
        throw new WpkFormatException("unknown codec '" + name + "': the package needs a newer wpack");
    }

    /**
     * The codec a manifest stage names, configured by its parameters. Parameterless codecs
     * reject any parameter, so a stage written by a newer wpack is not silently misread.
     */
    public static ByteCodec create(String name, java.util.Map<String, String> params) throws WpkFormatException {
        ByteCodec codec = byName(name);
        if (!params.isEmpty()) {
            throw new WpkFormatException("codec '" + name + "' has unknown parameters " + params.keySet()
                    + ": the package needs a newer wpack");
        }
        return codec;
    }

    /**
     * Candidates the packer tries for a payload of the given element type: the general-purpose
     * codecs, plus those specialised for the type.
     */
    public static List<ByteCodec> candidatesFor(io.wpack.formats.proto.DType storedDtype) {
        return GENERAL_PURPOSE;
    }

    /** raw, lz4, deflate, xz: every general-purpose codec, fastest to decode first. */
    public static List<ByteCodec> generalPurpose() {
        return GENERAL_PURPOSE;
    }
}
