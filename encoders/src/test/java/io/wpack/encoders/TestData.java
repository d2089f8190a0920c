package io.wpack.encoders;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Deterministic inputs shaped like what the codecs see: weights, text, padding, noise. */
final class TestData {
    private TestData() {
    }

    static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** Words drawn from a small vocabulary, so matches of many lengths and offsets occur. */
    static byte[] textLike(int size, long seed) {
        String[] words = {"tensor", "weight", "the", "layer", "attention", "bias", "of", "norm",
                "embedding", "a", "quantized", "block", "0.125", "mlp", "\n", "{\"shape\": [4096, 11008]}"};
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder(size + 64);
        while (text.length() < size) {
            text.append(words[random.nextInt(words.length)]).append(random.nextInt(8) == 0 ? ", " : " ");
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] data = new byte[size];
        System.arraycopy(bytes, 0, data, 0, size);
        return data;
    }

    /** Little-endian float32 weights around zero, a quarter of them pruned to exactly 0. */
    static byte[] float32Like(int size, long seed) {
        Random random = new Random(seed);
        ByteBuffer buffer = ByteBuffer.allocate(size + 3).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.remaining() >= 4) {
            buffer.putFloat(random.nextInt(4) == 0 ? 0f : (float) (random.nextGaussian() * 0.02));
        }
        byte[] data = new byte[size];
        System.arraycopy(buffer.array(), 0, data, 0, size);
        return data;
    }

    /** Stretches of every other kind in turn, so one stream mixes long runs, matches and noise. */
    static byte[] mixed(int size, long seed) {
        Random random = new Random(seed);
        byte[] data = new byte[size];
        int pos = 0;
        while (pos < size) {
            int len = Math.min(size - pos, 1 + random.nextInt(70_000));
            byte[] part;
            switch (random.nextInt(5)) {
                case 0:
                    part = new byte[len];
                    break;
                case 1:
                    part = random(len, random.nextLong());
                    break;
                case 2:
                    part = textLike(len, random.nextLong());
                    break;
                case 3:
                    part = float32Like(len, random.nextLong());
                    break;
                default:
                    part = new byte[len];
                    for (int i = 0; i < len; i++) {
                        part[i] = (byte) (i % (1 + (seed & 7)));
                    }
            }
            System.arraycopy(part, 0, data, pos, len);
            pos += len;
        }
        return data;
    }
}
