package io.wpack.encoders;

import io.wpack.encoders.pattern.BlockDictCodec;
import io.wpack.encoders.pattern.MaskValuesCodec;
import io.wpack.encoders.sparse.BcrCodec;
import io.wpack.encoders.sparse.BsrCodec;
import io.wpack.encoders.sparse.CsrCodec;
import io.wpack.encoders.sparse.KernelPatternCodec;
import io.wpack.encoders.sparse.NmCodec;

import io.wpack.formats.WpkFormatException;
import io.wpack.formats.proto.DType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** The codecs by manifest name, and which of them the packer tries for each element type. */
public final class Codecs {
    public static final ByteCodec RAW = new RawCodec();
    public static final ByteCodec LZ4 = new Lz4BlockCodec();
    public static final ByteCodec DEFLATE = new DeflateCodec();
    public static final ByteCodec XZ = new XzCodec();
    /** Pattern codecs in a default configuration; the packer's pattern miner configures them per tensor. */
    public static final MaskValuesCodec MASKVALUES = new MaskValuesCodec(8);
    public static final BlockDictCodec BLOCKDICT = new BlockDictCodec(4, 4096);
    public static final ByteCodec HUFFMAN = new HuffmanCodec();
    public static final ByteCodec HUFFMAN_NZ = new HuffmanNonZeroCodec();
    public static final ByteCodec ZERORUNS = new ZeroRunsCodec();
    /** floatplanes for 4-byte elements (fp32). */
    public static final FloatPlanesCodec FLOATPLANES_32 = new FloatPlanesCodec(4);
    /** floatplanes for 2-byte elements (fp16, bf16). */
    public static final FloatPlanesCodec FLOATPLANES_16 = new FloatPlanesCodec(2);

    // In decodeSpeedRank order. Not List.of: the loader also runs on Android versions without it.
    private static final List<ByteCodec> GENERAL_PURPOSE =
            Collections.unmodifiableList(Arrays.asList(RAW, LZ4, DEFLATE, XZ));
    /** Codecs without parameters, by name. */
    private static final List<ByteCodec> PLAIN =
            Collections.unmodifiableList(Arrays.asList(RAW, LZ4, DEFLATE, XZ, HUFFMAN, HUFFMAN_NZ, ZERORUNS));

    private static final List<ByteCodec> FOR_FLOAT32 = withGeneralPurpose(HUFFMAN, FLOATPLANES_32);
    private static final List<ByteCodec> FOR_FLOAT16 = withGeneralPurpose(HUFFMAN, FLOATPLANES_16);
    private static final List<ByteCodec> FOR_BYTES = withGeneralPurpose(HUFFMAN, HUFFMAN_NZ, ZERORUNS, MASKVALUES);
    private static final List<ByteCodec> FOR_OTHERS = withGeneralPurpose(HUFFMAN);

    private Codecs() {
    }

    /**
     * The codec a manifest names; for a codec with parameters, its default configuration
     * (floatplanes: width 4). Decoding goes through {@link #create}, which needs the parameters.
     *
     * @throws WpkFormatException if no codec has that name, typically because a newer wpack wrote
     *     the package
     */
    public static ByteCodec byName(String name) throws WpkFormatException {
        for (ByteCodec codec : PLAIN) {
            if (codec.name().equals(name)) {
                return codec;
            }
        }
        if (FloatPlanesCodec.NAME.equals(name)) {
            return FLOATPLANES_32;
        }
        if (MaskValuesCodec.NAME.equals(name)) {
            return MASKVALUES;
        }
        if (BlockDictCodec.NAME.equals(name)) {
            return BLOCKDICT;
        }
        throw new WpkFormatException("unknown codec '" + name + "': the package needs a newer wpack");
    }

    /** Every codec name this wpack reads and writes, parameterised ones included, in a fixed order. */
    public static List<String> names() {
        List<String> out = new ArrayList<>();
        for (ByteCodec c : PLAIN) {
            out.add(c.name());
        }
        out.addAll(Arrays.asList(FloatPlanesCodec.NAME, MaskValuesCodec.NAME, BlockDictCodec.NAME, BitPackCodec.NAME,
                RowHuffmanCodec.NAME, CsrCodec.NAME, BsrCodec.NAME, BcrCodec.NAME, NmCodec.NAME,
                KernelPatternCodec.NAME, ModelHuffmanCodec.NAME, ChannelContextCodec.NAME));
        return Collections.unmodifiableList(out);
    }

    /**
     * The codec a manifest stage names, configured by its parameters. Parameterless codecs
     * reject any parameter and parameterised ones any they do not know, so a stage written by a
     * newer wpack is not silently misread.
     */
    public static ByteCodec create(String name, Map<String, String> params) throws WpkFormatException {
        if (FloatPlanesCodec.NAME.equals(name)) {
            return FloatPlanesCodec.fromParams(params);
        }
        if (BlockDictCodec.NAME.equals(name)) {
            return BlockDictCodec.fromParams(params);
        }
        if (MaskValuesCodec.NAME.equals(name)) {
            return MaskValuesCodec.fromParams(params);
        }
        // Sparse storage: the shape is a parameter, so they have no default for byName.
        if (CsrCodec.NAME.equals(name)) {
            return CsrCodec.fromParams(params);
        }
        if (BsrCodec.NAME.equals(name)) {
            return BsrCodec.fromParams(params);
        }
        if (BcrCodec.NAME.equals(name)) {
            return BcrCodec.fromParams(params);
        }
        if (NmCodec.NAME.equals(name)) {
            return NmCodec.fromParams(params);
        }
        if (KernelPatternCodec.NAME.equals(name)) {
            return KernelPatternCodec.fromParams(params);
        }
        if (RowHuffmanCodec.NAME.equals(name)) {
            return RowHuffmanCodec.fromParams(params);
        }
        // Configured per tensor (BitPackCodec.choose), so no default for byName either.
        if (BitPackCodec.NAME.equals(name)) {
            return BitPackCodec.fromParams(params);
        }
        if (ChannelContextCodec.NAME.equals(name)) {
            return ChannelContextCodec.fromParams(params);
        }
        // Fitted per tensor (ModelHuffmanCodec.choose): no default either.
        if (ModelHuffmanCodec.NAME.equals(name)) {
            return ModelHuffmanCodec.fromParams(params);
        }
        ByteCodec codec = byName(name);
        if (!params.isEmpty()) {
            throw new WpkFormatException("codec '" + name + "' has unknown parameters " + params.keySet()
                    + ": the package needs a newer wpack");
        }
        return codec;
    }

    /**
     * Candidates the packer tries for a payload of the given element type: the general-purpose
     * codecs, plus those specialised for the type: huffman for every type (it is cheap to try and
     * wins on skewed bytes), huffman-nz and zeroruns for one-byte types (pruned int8), floatplanes
     * with the element width for fp32, fp16 and bf16.
     */
    public static List<ByteCodec> candidatesFor(DType storedDtype) {
        if (storedDtype == null) {
            return GENERAL_PURPOSE;
        }
        switch (storedDtype) {
            case F32:
                return FOR_FLOAT32;
            case F16:
            case BF16:
                return FOR_FLOAT16;
            case I8:
            case U8:
            case BOOL:
            case F8_E4M3:
            case F8_E5M2:
                return FOR_BYTES;
            default:
                return FOR_OTHERS;
        }
    }

    /** raw, lz4, deflate, xz: every general-purpose codec, fastest to decode first. */
    public static List<ByteCodec> generalPurpose() {
        return GENERAL_PURPOSE;
    }

    private static List<ByteCodec> withGeneralPurpose(ByteCodec... specialised) {
        List<ByteCodec> all = new ArrayList<>(GENERAL_PURPOSE);
        all.addAll(Arrays.asList(specialised));
        all.sort((a, b) -> Integer.compare(a.decodeSpeedRank(), b.decodeSpeedRank()));
        return Collections.unmodifiableList(all);
    }
}
