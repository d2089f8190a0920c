package io.wpack.encoders;

import io.wpack.formats.WpkFormatException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * Sizes of zeroruns against huffman-nz and huffman on sparse shapes, and decode speeds; run by
 * hand for the figures in {@link ZeroRunsCodecTest}.
 */
public final class ZeroRunsMeasure {
    private ZeroRunsMeasure() {
    }

    /** Prints sizes against huffman-nz and huffman for the report, and decode speeds. */
    public static void main(String[] args) throws IOException {
        int n = 1 << 22;
        Object[][] shapes = {
                {"unstructured 50%", ZeroRunsTestData.unstructured(n, 0.5, 20, 0, 1)},
                {"unstructured 80%", ZeroRunsTestData.unstructured(n, 0.8, 20, 0, 1)},
                {"unstructured 95%", ZeroRunsTestData.unstructured(n, 0.95, 20, 0, 1)},
                {"unstructured 99%", ZeroRunsTestData.unstructured(n, 0.99, 20, 0, 1)},
                {"rows of 64, 75% pruned", ZeroRunsTestData.blockPruned(n, 64, 0.75, 20, 0, 1)},
                {"blocks of 16, 50% pruned", ZeroRunsTestData.blockPruned(n, 16, 0.5, 20, 0, 1)},
                {"blocks of 256, 90% pruned", ZeroRunsTestData.blockPruned(n, 256, 0.9, 20, 0, 1)},
                {"runs: zeros ~500, values ~50", ZeroRunsTestData.longRuns(n, 500, 50, 20, 0, 1)},
                {"runs: zeros ~20, values ~5", ZeroRunsTestData.longRuns(n, 20, 5, 20, 0, 1)},
        };
        ZeroRunsCodec zr = new ZeroRunsCodec();
        for (Object[] shape : shapes) {
            byte[] data = (byte[]) shape[1];
            byte[] z = zr.encode(data, 0, data.length);
            byte[] nz = Codecs.HUFFMAN_NZ.encode(data, 0, data.length);
            int plain = Codecs.HUFFMAN.encode(data, 0, data.length).length;
            System.out.printf(Locale.ROOT, "%-30s huffman %.4f  huffman-nz %.4f  zeroruns %.4f (%+.1f%% vs nz, layout %02x)"
                    + "  decode MB/s: nz %.0f, zeroruns %.0f%n", shape[0], (double) plain / n, (double) nz.length / n,
                    (double) z.length / n, 100.0 * (z.length - nz.length) / nz.length, layoutOf(z),
                    speed(Codecs.HUFFMAN_NZ, nz, n), speed(zr, z, n));
        }
    }

    private static double speed(ByteCodec c, byte[] encoded, int n) throws WpkFormatException {
        ByteBuffer dst = ByteBuffer.allocate(n);
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            dst.clear();
            long t0 = System.nanoTime();
            c.decode(ByteBuffer.wrap(encoded), dst);
            best = Math.min(best, System.nanoTime() - t0);
        }
        return n * 1e3 / best;
    }

    private static int layoutOf(byte[] stream) {
        int at = 0;
        while (stream[at] < 0) {
            at++;
        }
        return stream[at + 2] & 0xFF;
    }
}
