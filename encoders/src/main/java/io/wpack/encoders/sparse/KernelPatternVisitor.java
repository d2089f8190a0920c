package io.wpack.encoders.sparse;

/**
 * Receives a kernel-pattern-decoded tensor, from {@link KernelPatternCodec#decodeTo}: first the
 * pattern library, then every kernel in order with its pattern and stored values, as a PatDNN-
 * style runtime groups kernels by pattern.
 */
public interface KernelPatternVisitor {
    /**
     * The library, once, before any kernel: pattern p keeps the elements at the set bits of
     * {@code masks[p]} (bit j: element j of a k×k kernel, row-major), {@code p < count}. A 0
     * mask is a removed kernel. The array belongs to the decoder and stays valid until the
     * decode returns.
     */
    void library(long[] masks, int count);

    /**
     * Kernel {@code kernel} has pattern {@code pattern}; its stored values, one per set bit of the
     * pattern's mask in increasing position, are {@code values[valuesOffset, ...)}; they may be
     * zero. Elements outside the mask are zero.
     */
    void kernel(int kernel, int pattern, byte[] values, int valuesOffset);
}
