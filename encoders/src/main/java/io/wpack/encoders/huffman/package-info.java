/**
 * Canonical Huffman coding for alphabets of up to 2^16 symbols: optimal length-limited codes
 * (package-merge), a compact DEFLATE-style
 * code-length table, and sections of one or
 * four interleaved streams ({@link io.wpack.encoders.huffman.CanonicalHuffmanEncoder} holds the
 * grammar) with a table-driven decoder that resolves up to two symbols per lookup ({@link
 * io.wpack.encoders.huffman.CanonicalHuffmanDecoder}).
 *
 * <p>The codecs in {@link io.wpack.encoders} embed sections; this package knows nothing of
 * tensors. Readers take an {@link io.wpack.encoders.huffman.InputCursor} over untrusted bytes and
 * report every problem as {@link io.wpack.formats.WpkFormatException}.
 */
package io.wpack.encoders.huffman;
