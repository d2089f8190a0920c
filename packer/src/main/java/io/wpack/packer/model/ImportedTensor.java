package io.wpack.packer.model;

import io.wpack.formats.proto.DType;
import io.wpack.formats.proto.Dequantization;

import java.util.Map;

/**
 * One tensor as an importer found it, before any lossy stage.
 *
 * @param name           the tensor's name in the source model, kept exactly
 * @param dtype          logical element type
 * @param shape          row-major dimensions; empty for a scalar
 * @param storedDtype    element type of {@code data}; equals {@code dtype} unless the source
 *                       stores the tensor quantized or narrowed (TF.js uint8 or float16)
 * @param dequantization how stored elements map to logical ones; null when the dtypes match
 * @param metadata       per-tensor facts (origin in the model, doc strings), in a fixed order
 * @param data           the stored elements, little-endian, row-major
 */
public record ImportedTensor(String name, DType dtype, long[] shape, DType storedDtype,
                             Dequantization dequantization, Map<String, String> metadata, TensorData data) {

    /** A tensor stored exactly as its logical dtype. */
    public static ImportedTensor plain(String name, DType dtype, long[] shape, Map<String, String> metadata,
                                       TensorData data) {
        return new ImportedTensor(name, dtype, shape, dtype, null, metadata, data);
    }
}
