package io.wpack.encoders;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Where and how the codec suites damage encoded streams, and small byte helpers they share. */
public final class CorruptionSampling {
    private CorruptionSampling() {
    }

    /** Every index below {@code length} when there are at most {@code max}, else both ends and an even spread. */
    public static int[] positions(int length, int max) {
        if (length <= max) {
            int[] all = new int[length];
            Arrays.setAll(all, i -> i);
            return all;
        }
        int ends = max / 4;
        int[] sample = new int[max];
        for (int i = 0; i < ends; i++) {
            sample[i] = i;
            sample[ends + i] = length - 1 - i;
        }
        int middle = max - 2 * ends;
        for (int i = 0; i < middle; i++) {
            sample[2 * ends + i] = ends + (int) ((long) i * (length - 2 * ends) / middle);
        }
        return sample;
    }

    /** Every other value for streams up to {@code exhaustiveUpTo} bytes, a few telling ones for longer streams. */
    public static int[] replacements(byte original, int streamLength, int exhaustiveUpTo, Random random) {
        int old = original & 0xFF;
        if (streamLength <= exhaustiveUpTo) {
            int[] all = new int[255];
            for (int v = 0, i = 0; v < 256; v++) {
                if (v != old) {
                    all[i++] = v;
                }
            }
            return all;
        }
        int other = random.nextInt(255);
        return new int[] {old ^ 0x01, old ^ 0x80, old ^ 0xFF, other >= old ? other + 1 : other};
    }

    public static byte[] repeat(byte[] chunk, int times) {
        byte[] out = new byte[chunk.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(chunk, 0, out, i * chunk.length, chunk.length);
        }
        return out;
    }

    public static byte[] concat(List<byte[]> parts) {
        int total = 0;
        for (byte[] part : parts) {
            total += part.length;
        }
        byte[] out = new byte[total];
        int pos = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, pos, part.length);
            pos += part.length;
        }
        return out;
    }
}
