/**
 * A binary range coder with adaptive 16-bit probabilities, in the style of LZMA's: each bit is
 * coded with the probability of a context the caller picks, and the probability moves toward the
 * bit just seen, fast while the context is new and then at a steady rate ({@link
 * io.wpack.encoders.range.AdaptiveRate}). It spends a fraction of a bit on a near-certain bit,
 * which a Huffman code cannot, and learns as it goes, so no table is stored.
 *
 * <p>{@link io.wpack.encoders.range.RangeDecoder} reads untrusted bytes: a stream that ends
 * early, has bytes after its end, or does not end as the writer ends one is a
 * {@link io.wpack.formats.WpkFormatException}. Any bytes decode to some bits, so what they
 * decode to is for the caller to check.
 */
package io.wpack.encoders.range;
