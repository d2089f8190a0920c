package io.wpack.encoders.pattern;

import io.wpack.encoders.ByteCodec;

/** blockdict with pairs, up to 65535 entries (16-bit index sections) and a column-major layout. */
class BlockDictWideIndexTest extends AbstractPatternCodecTest {
    private final BlockDictCodec codec = new BlockDictCodec(2, 65535).withColumns(5);

    @Override
    protected ByteCodec codec() {
        return codec;
    }

    @Override
    protected int block() {
        return 2;
    }
}
