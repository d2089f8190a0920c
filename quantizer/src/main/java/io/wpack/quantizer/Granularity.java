package io.wpack.quantizer;

/** How many elements share one set of quantization parameters. */
public enum Granularity {
    /** One set for the whole tensor. */
    PER_TENSOR,
    /** One set per output channel ({@link WeightView#channelOf}). */
    PER_CHANNEL,
    /** One set per group of G along the reduction axis ({@link WeightView#groupOf}), as GGUF and AWQ do. */
    PER_GROUP
}
