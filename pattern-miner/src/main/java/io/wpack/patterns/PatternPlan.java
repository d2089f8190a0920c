package io.wpack.patterns;

import io.wpack.encoders.pattern.BlockDictCodec;

/**
 * A block dictionary chosen for one tensor: the block shape, the K most frequent blocks kept as
 * entries, and the estimated coded size including the dictionary. {@code columns} is the
 * layout that makes the blocks contiguous for the {@code blockdict} codec, or -1 when the codecs
 * cannot code this shape (2×2 blocks, kernels over 16 elements).
 *
 * @param entries K blocks of {@code shape.elements()} bytes each, most frequent first
 */
public record PatternPlan(BlockShape shape, int columns, int k, byte[] entries, double estimatedBits) {

    public PatternPlan {
        if (entries.length != k * shape.elements()) {
            throw new IllegalArgumentException(k + " entries of " + shape.elements() + " bytes, " + entries.length
                    + " bytes given");
        }
        entries = entries.clone();
    }

    @Override
    public byte[] entries() {
        return entries.clone();
    }

    public boolean codable() {
        return columns > 0 && shape.elements() <= BlockDictCodec.MAX_BLOCK && k <= BlockDictCodec.MAX_ENTRIES;
    }

    /**
     * The {@code blockdict} codec that codes the tensor with this dictionary; its manifest
     * parameters are {@code block} and {@code entries = max(1, K)}.
     *
     * @throws IllegalStateException if the shape is not {@link #codable()}
     */
    public BlockDictCodec codec() {
        if (!codable()) {
            throw new IllegalStateException("blocks " + shape.label() + " cannot be coded by blockdict");
        }
        return new BlockDictCodec(shape.elements(), Math.max(1, k)).withColumns(columns).withDictionary(entries);
    }
}
