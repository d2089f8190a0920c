/**
 * A binary range coder with adaptive 12-bit probabilities, in the style of LZMA's: each bit is
 * coded with the probability of a context the caller picks, and the probability moves 1/16 of
 * the way toward the bit just seen. It spends a fraction of a bit on a near-certain bit, which a
 * Huffman code cannot, and learns as it goes, so no table is stored.
 *
 * <p>{@link io.wpack.encoders.range.RangeDecoder} reads untrusted bytes: a stream that ends
 * early or has bytes after its end is a {@link io.wpack.formats.WpkFormatException}. Any bytes
 * decode to some bits, so what they decode to is for the caller to check.
 */
package io.wpack.encoders.range;
