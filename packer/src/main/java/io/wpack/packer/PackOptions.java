package io.wpack.packer;

import io.wpack.formats.FormatVersion;

import io.wpack.packer.policy.TensorPolicy;

import java.util.List;

/**
 * Options for one pack run.
 *
 * @param alignment  chunk alignment in bytes: a power of two from 64 to 4096; 4096 lets raw chunks be mapped page-aligned
 * @param chunkBytes decoded bytes per chunk; tensors larger than this are split so chunks decode in parallel and
 *                   streaming memory stays bounded
 * @param policy     which tensors to prune and quantize, and how; lossless unless asked
 * @param codecs     codec names the packer may use; empty means every candidate suited to each tensor's element type.
 *                   The smallest output wins; ties go to the faster decoder
 * @param removePrunedFilters remove filter-pruned channels physically where the graph allows it, changing
 *                   shapes (see {@link io.wpack.packer.policy.FilterRemoval}); otherwise they are zeroed
 */
public record PackOptions(int alignment, int chunkBytes, List<String> codecs, TensorPolicy policy,
                          boolean removePrunedFilters) {
    public static final int DEFAULT_CHUNK_BYTES = 16 << 20;
    public static final List<String> DEFAULT_CODECS = List.of();

    public PackOptions {
        if (alignment < FormatVersion.MIN_ALIGNMENT || alignment > FormatVersion.MAX_ALIGNMENT
                || Integer.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two from " + FormatVersion.MIN_ALIGNMENT
                    + " to " + FormatVersion.MAX_ALIGNMENT + ", got " + alignment);
        }
        if (chunkBytes < 4096 || chunkBytes > (1 << 30)) {
            throw new IllegalArgumentException("chunk size must be from 4 KiB to 1 GiB, got " + chunkBytes);
        }
        codecs = List.copyOf(codecs);
        if (policy == null) {
            policy = TensorPolicy.lossless();
        }
    }

    public PackOptions(int alignment, int chunkBytes, List<String> codecs, TensorPolicy policy) {
        this(alignment, chunkBytes, codecs, policy, false);
    }

    public PackOptions(int alignment, int chunkBytes, List<String> codecs) {
        this(alignment, chunkBytes, codecs, TensorPolicy.lossless());
    }

    public static PackOptions defaults() {
        return new PackOptions(FormatVersion.DEFAULT_ALIGNMENT, DEFAULT_CHUNK_BYTES, DEFAULT_CODECS, TensorPolicy.lossless());
    }

    public PackOptions withAlignment(int a) {
        return new PackOptions(a, chunkBytes, codecs, policy, removePrunedFilters);
    }

    public PackOptions withChunkBytes(int c) {
        return new PackOptions(alignment, c, codecs, policy, removePrunedFilters);
    }

    public PackOptions withCodecs(List<String> c) {
        return new PackOptions(alignment, chunkBytes, c, policy, removePrunedFilters);
    }

    public PackOptions withPolicy(TensorPolicy p) {
        return new PackOptions(alignment, chunkBytes, codecs, p, removePrunedFilters);
    }

    public PackOptions withRemovePrunedFilters(boolean remove) {
        return new PackOptions(alignment, chunkBytes, codecs, policy, remove);
    }
}
