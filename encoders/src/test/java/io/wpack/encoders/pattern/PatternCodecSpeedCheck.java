package io.wpack.encoders.pattern;

import io.wpack.encoders.Codecs;

import java.nio.ByteBuffer;

/**
 * Encode and decode throughput of the pattern codecs on synthetic pruned int8 weights, with
 * huffman and huffman-nz measured in the same run. A main, not a test: run it from the IDE or
 * with {@code java -cp ...}; the JMH benchmark in the benchmarks module is the reference.
 */
public final class PatternCodecSpeedCheck {
    public static void main(String[] args) throws Exception {
        int rows = 2048;
        int channels = 512;
        byte[] data = PatternTestData.channelStructured(rows, channels, 1);
        MaskValuesCodec flat = new MaskValuesCodec(8);
        MaskValuesCodec byChannel = flat.withLayout(channels, rows, 16);
        BlockDictCodec dict = new BlockDictCodec(4, 4096).withColumns(channels);
        for (int rep = 0; rep < 5; rep++) {
            long t0 = System.nanoTime();
            MaskValuesEncoder.Analysis a = MaskValuesEncoder.analyse(data, 0, data.length, 8, channels, rows, 16, false);
            long t1 = System.nanoTime();
            byte[] encoded = MaskValuesEncoder.write(a);
            long t2 = System.nanoTime();
            System.out.printf("maskvalues by channel: analyse %.1f MB/s, write %.1f MB/s (%d bytes, %d classes, mode %d)%n",
                    data.length / ((t1 - t0) / 1e3), data.length / ((t2 - t1) / 1e3), encoded.length, a.classes, a.mode);
            time("maskvalues flat", data, () -> flat.encode(data, 0, data.length));
            time("blockdict 1x4", data, () -> dict.encode(data, 0, data.length));
            time("huffman", data, () -> Codecs.HUFFMAN.encode(data, 0, data.length));
            time("huffman-nz", data, () -> Codecs.HUFFMAN_NZ.encode(data, 0, data.length));
            byte[] stream = byChannel.encode(data, 0, data.length);
            ByteBuffer dst = ByteBuffer.allocate(data.length);
            long t3 = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                dst.clear();
                byChannel.decode(ByteBuffer.wrap(stream), dst);
            }
            System.out.printf("maskvalues decode %.1f MB/s%n", 20 * data.length / ((System.nanoTime() - t3) / 1e3));
            byte[] flatStream = flat.encode(data, 0, data.length);
            long t4 = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                dst.clear();
                flat.decode(ByteBuffer.wrap(flatStream), dst);
            }
            System.out.printf("maskvalues flat decode %.1f MB/s%n", 20 * data.length / ((System.nanoTime() - t4) / 1e3));
            byte[] nzStream = Codecs.HUFFMAN_NZ.encode(data, 0, data.length);
            long t5 = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                dst.clear();
                Codecs.HUFFMAN_NZ.decode(ByteBuffer.wrap(nzStream), dst);
            }
            System.out.printf("huffman-nz decode %.1f MB/s%n", 20 * data.length / ((System.nanoTime() - t5) / 1e3));
        }
    }

    interface Encode {
        byte[] run() throws Exception;
    }

    static void time(String what, byte[] data, Encode e) throws Exception {
        long t0 = System.nanoTime();
        byte[] out = e.run();
        System.out.printf("%-22s %.1f MB/s (%d bytes)%n", what, data.length / ((System.nanoTime() - t0) / 1e3), out.length);
    }
}
