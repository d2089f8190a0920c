package io.wpack.packer.model;

import java.util.List;
import java.util.Map;

/**
 * What an importer read from a model: its tensors in a stable order and its model-level
 * metadata (the keys {@code source_format} and {@code producer}, then the model's own).
 */
public record ImportedModel(Map<String, String> metadata, List<ImportedTensor> tensors) {
}
