/**
 * General-purpose byte codecs, the last stage of a tensor's encoding chain: {@link
 * io.wpack.encoders.RawCodec raw}, {@link io.wpack.encoders.Lz4BlockCodec lz4}, {@link
 * io.wpack.encoders.DeflateCodec deflate} and {@link io.wpack.encoders.XzCodec xz}, looked up by
 * manifest name through {@link io.wpack.encoders.Codecs}.
 *
 * <p>Every decoder treats its input as untrusted: bad input of any kind surfaces as {@link
 * io.wpack.formats.WpkFormatException}, and no decoder sizes an allocation by a number read from
 * the stream. They allocate at most a heap copy of a direct source or destination, xz's window
 * (refused when larger than the destination, rounded up to a size the format can state), and
 * buffers of constant size. raw, lz4 and deflate need nothing beyond the JDK to decode; xz needs
 * commons-compress and org.tukaani:xz, which are optional dependencies of this module.
 */
package io.wpack.encoders;
