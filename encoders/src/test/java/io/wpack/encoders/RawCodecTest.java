package io.wpack.encoders;

class RawCodecTest extends AbstractByteCodecTest {
    @Override
    protected ByteCodec codec() {
        return new RawCodec();
    }
}
