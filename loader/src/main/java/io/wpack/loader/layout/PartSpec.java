package io.wpack.loader.layout;

import io.wpack.formats.proto.DType;

/**
 * One array of a layout's result, as planned before any data is read: {@code data} for dense,
 * blocked and panel layouts; {@code data}, {@code indices}, {@code indptr} for CSR and BSR;
 * {@code values}, {@code metadata} for N:M; {@code blocks} for Q8_0 and Q4_0.
 *
 * @param name  the part's name
 * @param dtype its element type (u8 for raw bytes such as GGUF blocks or N:M metadata)
 * @param shape its shape, or null when it depends on the values (CSR/BSR {@code data} and
 *              {@code indices}: the number of non-zeros)
 * @param bytes its size in bytes, or -1 when it depends on the values; only parts of known
 *              size can go to a caller's sink, the others are collected in arrays
 */
public record PartSpec(String name, DType dtype, long[] shape, long bytes) {
    public PartSpec {
        shape = shape == null ? null : shape.clone();
    }

    @Override
    public long[] shape() {
        return shape == null ? null : shape.clone();
    }

    public boolean fixedSize() {
        return bytes >= 0;
    }
}
