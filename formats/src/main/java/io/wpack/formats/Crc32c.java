package io.wpack.formats;

import java.nio.ByteBuffer;
import java.util.zip.Checksum;

/**
 * CRC32C (Castagnoli). Uses the JDK's intrinsic {@code java.util.zip.CRC32C} when the
 * runtime has it, and a slicing-by-8 table otherwise, so the loader also runs on older
 * Android runtimes.
 */
public final class Crc32c {
    private static final boolean JDK_AVAILABLE;

    static {
        boolean ok;
        try {
            Class.forName("java.util.zip.CRC32C");
            ok = true;
        } catch (ClassNotFoundException | LinkageError e) {
            ok = false;
        }
        JDK_AVAILABLE = ok;
    }

    private Crc32c() {
    }

    /** A fresh checksum. */
    public static Checksum create() {
        return JDK_AVAILABLE ? new java.util.zip.CRC32C() : new PureCrc32c();
    }

    /** A checksum that always uses the table implementation; tests compare the two. */
    public static Checksum createPortable() {
        return new PureCrc32c();
    }

    public static int of(byte[] b, int off, int len) {
        Checksum c = create();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    /** CRC of the remaining bytes of {@code buf}; the buffer's position is unchanged. */
    public static int of(ByteBuffer buf) {
        Checksum c = create();
        update(c, buf.duplicate());
        return (int) c.getValue();
    }

    /** Feeds the remaining bytes of {@code buf} into {@code c}, consuming them. */
    public static void update(Checksum c, ByteBuffer buf) {
        if (buf.hasArray()) {
            c.update(buf.array(), buf.arrayOffset() + buf.position(), buf.remaining());
            buf.position(buf.limit());
        } else if (c instanceof PureCrc32c) {
            byte[] tmp = new byte[Math.min(buf.remaining(), 1 << 16)];
            while (buf.hasRemaining()) {
                int n = Math.min(tmp.length, buf.remaining());
                buf.get(tmp, 0, n);
                c.update(tmp, 0, n);
            }
        } else {
            c.update(buf);
        }
    }

    static final class PureCrc32c implements Checksum {
        private static final int[][] TABLES = new int[8][256];

        static {
            for (int i = 0; i < 256; i++) {
                int crc = i;
                for (int k = 0; k < 8; k++) {
                    crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x82F63B78 : crc >>> 1;
                }
                TABLES[0][i] = crc;
            }
            for (int i = 0; i < 256; i++) {
                for (int t = 1; t < 8; t++) {
                    int prev = TABLES[t - 1][i];
                    TABLES[t][i] = (prev >>> 8) ^ TABLES[0][prev & 0xFF];
                }
            }
        }

        private int crc = 0xFFFFFFFF;

        @Override
        public void update(int b) {
            crc = (crc >>> 8) ^ TABLES[0][(crc ^ b) & 0xFF];
        }

        @Override
        public void update(byte[] b, int off, int len) {
            int c = crc;
            int[] t0 = TABLES[0], t1 = TABLES[1], t2 = TABLES[2], t3 = TABLES[3];
            int[] t4 = TABLES[4], t5 = TABLES[5], t6 = TABLES[6], t7 = TABLES[7];
            int i = off;
            int end = off + len;
            for (; end - i >= 8; i += 8) {
                int lo = c ^ ((b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | (b[i + 3] & 0xFF) << 24);
                c = t7[lo & 0xFF] ^ t6[(lo >>> 8) & 0xFF] ^ t5[(lo >>> 16) & 0xFF] ^ t4[lo >>> 24]
                        ^ t3[b[i + 4] & 0xFF] ^ t2[b[i + 5] & 0xFF] ^ t1[b[i + 6] & 0xFF] ^ t0[b[i + 7] & 0xFF];
            }
            for (; i < end; i++) {
                c = (c >>> 8) ^ t0[(c ^ b[i]) & 0xFF];
            }
            crc = c;
        }

        @Override
        public long getValue() {
            return (~crc) & 0xFFFFFFFFL;
        }

        @Override
        public void reset() {
            crc = 0xFFFFFFFF;
        }
    }
}
