/**
 * Decoding tensors into the layouts inference kernels consume: {@code wpack unpack --layout SPEC}
 * and its library form.
 *
 * <h2>Using it</h2>
 * <pre>{@code
 * try (WpkPackage pkg = WpkPackage.open(path)) {
 *     LayoutResult conv = LayoutLoader.load(pkg, "conv1.weight", Layout.parse("blocked:OIhw16i16o"));
 *     LayoutResult fc = LayoutLoader.load(pkg, "fc.weight", Layout.parse("panels:nr8:kr1:bias"),
 *             LayoutOptions.DEFAULTS.withBiasTensor("fc.bias"));
 *     LayoutResult sparse = LayoutLoader.load(pkg, "fc2.weight", Layout.parse("csr"));
 *     int[] indptr = sparse.part("indptr").ints();
 *     LayoutResult conv2 = LayoutLoader.load(pkg, "conv2.weight", Layout.parse("kpattern"));
 *     int[] patternIds = conv2.part("pattern_ids").ints();   // -1: a removed kernel
 *     LayoutResult fc3 = LayoutLoader.load(pkg, "fc3.weight", Layout.parse("bcr:4x4"));
 * }
 * }</pre>
 * Parts of known size can go straight into the caller's buffers ({@link
 * io.wpack.loader.layout.PartSinks}, sized from {@link io.wpack.loader.layout.LayoutPlan#parts()});
 * in a one-pass stream, {@link io.wpack.loader.layout.LayoutStreamConsumer} plugs into
 * {@link io.wpack.loader.WpkStreamLoader}.
 *
 * <h2>Design</h2>
 * <ul>
 *   <li>{@link io.wpack.loader.layout.Layout} is a value; {@link io.wpack.loader.layout.LayoutSpec}
 *       holds the SPEC grammar. {@link io.wpack.loader.layout.LayoutPlan} resolves a layout
 *       against one tensor (axis names, dtypes, part sizes) before any data is read.</li>
 *   <li>{@link io.wpack.loader.layout.LayoutWriter} is a {@link io.wpack.loader.ByteSink} that
 *       converts each decoded chunk as it arrives, so no dense copy of the tensor is ever made.
 *       Layouts whose positions do not depend on values (dense, transposed, blocked, panels)
 *       scatter every element to its final place in one pass, in any chunk order; the sparse
 *       and quantized ones consume elements in source order with at most a block row of state.</li>
 *   <li>The sparse forms: {@code csr}, {@code bsr:RxC}, {@code nm:N:M}, PatDNN's kernel patterns
 *       {@code kpattern} (parts {@code library}, {@code pattern_ids}, {@code values}) and GRIM's
 *       block column-row {@code bcr:RxC} ({@code row_masks}, {@code col_masks}, {@code offsets},
 *       {@code values}); see {@link io.wpack.loader.layout.Layout}. Each is defined on the values
 *       (what is non-zero in the target dtype), so it does not depend on how the tensor is
 *       stored.</li>
 *   <li>A tensor stored with the matching sparse codec (same 2-D view, block, N:M or k) is read
 *       through the codec's structural decode by {@link io.wpack.loader.layout.LayoutLoader}
 *       ({@code StoredSparseDecoder}): only stored elements are dequantized and converted, into
 *       the same writers, so the bytes equal the dense path's. It applies when the codes the
 *       codec leaves out dequantize to plain zeros (no zero point) and the tensor is one chunk;
 *       anything else, and a one-pass stream, decodes densely.
 *       {@link io.wpack.loader.layout.LayoutWriter#writeZeros} lets other sources announce runs
 *       of zeros without materializing them.</li>
 * </ul>
 *
 * <h2>Errors</h2>
 * A request that does not apply (bad SPEC, wrong rank, non-permutation axes, quantizing
 * integers, values that are not N:M sparse, kpattern on a tensor without k×k kernels) is a
 * {@link io.wpack.loader.layout.LayoutException};
 * a corrupt package stays a {@link io.wpack.formats.WpkFormatException}.
 */
package io.wpack.loader.layout;
