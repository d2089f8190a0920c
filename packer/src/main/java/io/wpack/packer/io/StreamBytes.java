package io.wpack.packer.io;

import io.wpack.formats.WpkFormatException;

import java.io.IOException;
import java.io.InputStream;

/** Exact reads from streams whose length the caller already checked. */
public final class StreamBytes {
    private StreamBytes() {
    }

    /** Fills {@code b[off, off + len)} or fails with a format error naming {@code what}. */
    public static void readFully(InputStream in, byte[] b, int off, int len, String what) throws IOException {
        int done = 0;
        while (done < len) {
            int n = in.read(b, off + done, len - done);
            if (n < 0) {
                throw new WpkFormatException(what + " ended after " + done + " of " + len + " bytes");
            }
            done += n;
        }
    }

    public static byte[] readExactly(InputStream in, int len, String what) throws IOException {
        byte[] b = new byte[len];
        readFully(in, b, 0, len, what);
        return b;
    }
}
