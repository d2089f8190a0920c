package io.wpack.patterns;

import io.wpack.encoders.ByteCodec;

/**
 * The codec the miner picks for a tensor, configured (layout, dictionary), with its size. The
 * codec's {@link ByteCodec#name()} and {@link ByteCodec#params()} go into the manifest; any
 * instance {@code Codecs.create} rebuilds from them decodes its output.
 *
 * @param detail the layout or dictionary, for reports; empty for plain codecs
 * @param estimatedBytes the size: exact when {@code encoded} is present, else estimated from
 *     histograms (huffman, huffman-nz: to within a few bytes) or from the dictionary plan
 * @param encoded the tensor's stream when the choice already produced it (maskvalues and
 *     blockdict), so that a single-chunk tensor need not be encoded twice; null otherwise (huffman,
 *     huffman-nz). The array itself.
 */
public record PatternChoice(String scheme, String detail, ByteCodec codec, long estimatedBytes, byte[] encoded) {

    public PatternChoice(String scheme, String detail, ByteCodec codec, long estimatedBytes) {
        this(scheme, detail, codec, estimatedBytes, null);
    }

    /** The stream of all of {@code codes}: {@link #encoded} when present, else the codec's output. */
    public byte[] encode(byte[] codes) throws java.io.IOException {
        return encoded != null ? encoded : codec.encode(codes, 0, codes.length);
    }

    @Override
    public String toString() {
        return scheme + (detail.isEmpty() ? "" : " (" + detail + ")") + ": " + estimatedBytes + " bytes";
    }
}
