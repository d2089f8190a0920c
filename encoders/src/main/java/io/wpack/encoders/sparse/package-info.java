/**
 * Sparse storage codecs for int8/uint8 code tensors (issue 4), each over a 2-D view of the chunk
 * given by its parameters: {@link io.wpack.encoders.sparse.CsrCodec} ({@code csr}, compressed
 * sparse rows), {@link io.wpack.encoders.sparse.BsrCodec} ({@code bsr}, block sparse rows),
 * {@link io.wpack.encoders.sparse.BcrCodec} ({@code bcr}, GRIM's block column-row storage),
 * {@link io.wpack.encoders.sparse.NmCodec} ({@code nm}, N:M structured sparsity) and {@link
 * io.wpack.encoders.sparse.KernelPatternCodec} ({@code kpattern}, PatDNN's kernel patterns). All
 * are lossless for any bytes; they are small where the data has their structure. Their byte
 * grammars are in their class Javadoc and in {@code formats/FORMAT.md}.
 *
 * <p>Each is a {@link io.wpack.encoders.ByteCodec} (dense decode, for today's loader) and has a
 * structural decode, {@code decodeTo(ByteBuffer, visitor)}, that hands a runtime the sparse
 * layout itself (rows with column indices, block rows with block columns, groups with position
 * masks, blocks with kept rows and columns, kernels with pattern ids) without a dense copy. The
 * visitor is called only once the whole stream has been checked, and its arrays are reused
 * between calls. Shapes are parameters, so a chunk must be exactly the codec's shape; every
 * problem with a stream is a {@link io.wpack.formats.WpkFormatException}, and work and memory are
 * bounded by the shape. Sections are the Huffman sections of {@link io.wpack.encoders.huffman}.
 */
package io.wpack.encoders.sparse;
