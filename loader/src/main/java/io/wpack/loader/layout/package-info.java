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
 *   <li>Every source is today a dense row-major payload. A future sparse or quantized storage
 *       feeds the same writers: {@link io.wpack.loader.layout.LayoutWriter#writeZeros} announces
 *       runs of zeros without materializing them, which CSR turns into row bookkeeping only.</li>
 * </ul>
 *
 * <h2>Errors</h2>
 * A request that does not apply (bad SPEC, wrong rank, non-permutation axes, quantizing
 * integers, values that are not N:M sparse) is a {@link io.wpack.loader.layout.LayoutException};
 * a corrupt package stays a {@link io.wpack.formats.WpkFormatException}.
 */
package io.wpack.loader.layout;
