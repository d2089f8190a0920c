package io.wpack.encoders.pattern;

import io.wpack.encoders.ByteCodec;

/** blockdict over 3×3 kernels (9 bytes, keys of two words) with at most 16 entries. */
class BlockDictKernelTest extends AbstractPatternCodecTest {
    private final BlockDictCodec codec = new BlockDictCodec(9, 16);

    @Override
    protected ByteCodec codec() {
        return codec;
    }

    @Override
    protected int block() {
        return 9;
    }
}
