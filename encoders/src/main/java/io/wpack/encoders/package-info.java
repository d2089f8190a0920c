/**
 * Byte codecs, the last stage of a tensor's encoding chain, looked up by manifest name through
 * {@link io.wpack.encoders.Codecs}:
 * <ul>
 * <li>general purpose: {@link io.wpack.encoders.RawCodec raw}, {@link io.wpack.encoders.Lz4BlockCodec
 *     lz4}, {@link io.wpack.encoders.DeflateCodec deflate} and {@link io.wpack.encoders.XzCodec xz};
 * <li>entropy coders built on {@link io.wpack.encoders.huffman}: {@link io.wpack.encoders.HuffmanCodec
 *     huffman} (order-0 over bytes), {@link io.wpack.encoders.HuffmanNonZeroCodec huffman-nz}
 *     (pruned int8: zero mask plus non-zero values) and {@link io.wpack.encoders.FloatPlanesCodec
 *     floatplanes} (lossless fp32/fp16/bf16: Huffman-coded sign, exponent and top mantissa bits,
 *     raw low bits).
 * </ul>
 *
 * <p>Every decoder treats its input as untrusted: bad input of any kind surfaces as {@link
 * io.wpack.formats.WpkFormatException}, and no decoder sizes an allocation by a number read from
 * the stream. They allocate at most a heap copy of a direct source or destination, xz's window
 * (refused when larger than the destination, rounded up to a size the format can state),
 * huffman-nz's mask (an eighth of the destination), Huffman lookup tables of at most 2^12
 * entries per section, and buffers of constant size. Only xz needs a library to decode
 * (commons-compress and org.tukaani:xz, optional dependencies of this module); the others are
 * plain Java that Android runs too.
 */
package io.wpack.encoders;
