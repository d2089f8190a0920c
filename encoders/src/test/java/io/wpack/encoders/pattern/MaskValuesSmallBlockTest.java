package io.wpack.encoders.pattern;

import io.wpack.encoders.ByteCodec;

/** maskvalues with 3-element blocks, segments of 100 and up to 4 classes. */
class MaskValuesSmallBlockTest extends AbstractPatternCodecTest {
    private final MaskValuesCodec codec = new MaskValuesCodec(3).withLayout(1, 100, 4);

    @Override
    protected ByteCodec codec() {
        return codec;
    }

    @Override
    protected int block() {
        return 3;
    }
}
