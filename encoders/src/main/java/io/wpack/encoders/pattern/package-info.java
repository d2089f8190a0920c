/**
 * Pattern codecs for int8/uint8 code tensors (issue 5): {@link
 * io.wpack.encoders.pattern.BlockDictCodec} ({@code blockdict}, a dictionary of repeated blocks)
 * and {@link io.wpack.encoders.pattern.MaskValuesCodec} ({@code maskvalues}, block masks plus the
 * non-zero values, per segment class). Both code one-dimensional blocks in a column-major
 * logical order of the chunk, so that blocks can follow any tensor axis; their byte grammars are
 * in their class Javadoc and in {@code formats/FORMAT.md}.
 *
 * <p>Each codec's encoder works standalone (it mines its own dictionary, picks its own value mode
 * and classes); the pattern miner ({@code io.wpack.patterns}) configures the layout and the
 * dictionary from the tensor's shape. The decoders depend only on the stream, the codec's
 * parameters and the destination size, use plain Java (no collections library), and report
 * every problem as {@link io.wpack.formats.WpkFormatException}. Sections are the Huffman
 * sections of {@link io.wpack.encoders.huffman}.
 */
package io.wpack.encoders.pattern;
