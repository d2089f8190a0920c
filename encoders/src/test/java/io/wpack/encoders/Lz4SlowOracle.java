package io.wpack.encoders;

import java.util.Arrays;

/**
 * The LZ4 block grammar of {@link Lz4BlockDecoder}, decoded one byte at a time with no regard
 * for speed, to check the real decoder against. Decodes to whatever length the stream holds.
 */
final class Lz4SlowOracle {
    /** Where the last match started and ended in the output, or -1 when the block has none. */
    int lastMatchStart = -1;
    int lastMatchEnd = -1;

    /** The decoded bytes, or null when the stream breaks the grammar. */
    byte[] decode(byte[] in) {
        byte[] window = new byte[0];
        int produced = 0;
        int ip = 0;
        if (in.length == 0) {
            return null;
        }
        while (true) {
            if (ip >= in.length) {
                return null; // ends after a match
            }
            int token = in[ip++] & 0xFF;
            long literals = token >>> 4;
            if (literals == 15) {
                int b;
                do {
                    if (ip >= in.length) {
                        return null;
                    }
                    b = in[ip++] & 0xFF;
                    literals += b;
                } while (b == 255);
            }
            if (literals > in.length - ip) {
                return null;
            }
            for (int i = 0; i < literals; i++) {
                window = append(window, produced++, in[ip++]);
            }
            if (ip == in.length) {
                if ((token & 15) != 0) {
                    return null;
                }
                return Arrays.copyOf(window, produced);
            }
            if (in.length - ip < 2) {
                return null;
            }
            int offset = (in[ip] & 0xFF) + 256 * (in[ip + 1] & 0xFF);
            ip += 2;
            if (offset == 0 || offset > produced) {
                return null;
            }
            long length = (token & 15) + 4;
            if ((token & 15) == 15) {
                int b;
                do {
                    if (ip >= in.length) {
                        return null;
                    }
                    b = in[ip++] & 0xFF;
                    length += b;
                } while (b == 255);
            }
            lastMatchStart = produced;
            for (long i = 0; i < length; i++) {
                window = append(window, produced, window[produced - offset]);
                produced++;
            }
            lastMatchEnd = produced;
        }
    }

    private static byte[] append(byte[] window, int at, byte b) {
        if (at == window.length) {
            window = Arrays.copyOf(window, Math.max(16, 2 * window.length));
        }
        window[at] = b;
        return window;
    }
}
