package io.wpack.loader;

/** Which form of a tensor to load when the package stores it differently from its logical dtype. */
public enum Representation {
    /** The logical dtype (e.g. float32 for a TF.js uint8-quantized weight), dequantized exactly as the source runtime would. */
    LOGICAL,
    /** The decoded payload as stored (e.g. the uint8 codes), with no conversion. */
    STORED
}
