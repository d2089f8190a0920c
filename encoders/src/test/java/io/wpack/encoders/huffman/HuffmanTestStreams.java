package io.wpack.encoders.huffman;

/** Hand-built sections for tests: codes the encoder would not choose. */
public final class HuffmanTestStreams {
    private HuffmanTestStreams() {
    }

    /** A one-stream section with exactly these code lengths, coding {@code symbols}. */
    public static byte[] sectionWithLengths(int[] lengths, byte[] symbols) {
        BitWriter out = new BitWriter();
        CanonicalHuffmanEncoder.fromLengths(lengths).writeSection(symbols, 0, symbols.length, out);
        return out.toByteArray();
    }

    /** Just the code-length table for these lengths, valid or not. */
    public static byte[] table(int[] lengths) {
        BitWriter out = new BitWriter();
        CodeLengthTable.write(lengths, out);
        return out.toByteArray();
    }
}
