package io.wpack.encoders.pattern;

import io.wpack.encoders.ByteCodec;

/** maskvalues with 9-element blocks (3×3 kernels), a column-major layout and segment classes. */
class MaskValuesLayoutTest extends AbstractPatternCodecTest {
    private final MaskValuesCodec codec = new MaskValuesCodec(9).withLayout(7, 45, 16);

    @Override
    protected ByteCodec codec() {
        return codec;
    }

    @Override
    protected int block() {
        return 9;
    }
}
