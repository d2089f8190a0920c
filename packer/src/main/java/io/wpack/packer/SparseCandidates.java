package io.wpack.packer;

import io.wpack.encoders.ByteCodec;
import io.wpack.encoders.ChannelContextCodec;
import io.wpack.encoders.RowHuffmanCodec;
import io.wpack.encoders.sparse.BcrCodec;
import io.wpack.encoders.sparse.BsrCodec;
import io.wpack.encoders.sparse.CsrCodec;
import io.wpack.encoders.sparse.KernelPatternCodec;
import io.wpack.encoders.sparse.NmCodec;
import io.wpack.formats.proto.DType;
import io.wpack.packer.model.ImportedTensor;
import io.wpack.packer.policy.PruneSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * The shape-configured codecs worth trying for one tensor of int8/uint8 codes: channel-ac for
 * small tensors, Huffman tables per block of rows, CSR for any tensor with enough zeros, and the sparse format a structured
 * pruning produces (BSR for blocks, BCR, N:M, kernel patterns) with the pruner's own block or
 * group size. A format only shows structure laid out along the stored order, so
 * each is tried on two 2-D views of the row-major payload: the first axis against the rest
 * (ONNX's O×IHW, a transposed Gemm weight) and the rest against the last axis (TF.js's HWI×O,
 * a MatMul weight). The packer keeps whichever candidate is smallest.
 */
final class SparseCandidates {
    /** Below this fraction of zeros, CSR's per-non-zero column gap costs more than it saves. */
    static final double CSR_MIN_ZEROS = 0.3;
    /** Below this many codes, Huffman tables per block of rows cannot pay for themselves. */
    static final int ROW_TABLES_MIN = 4096;

    private SparseCandidates() {
    }

    static List<ByteCodec> forTensor(ImportedTensor t, byte[] buf, int n, List<String> allowed) {
        List<ByteCodec> out = new ArrayList<>();
        long[] shape = t.shape();
        boolean bytes = t.storedDtype() == DType.I8 || t.storedDtype() == DType.U8;
        if (bytes && shape.length == 1 && n >= ROW_TABLES_MIN) {
            // A slowly varying vector (anchors, per-tensor codes of a ramp) gets a table per run of rows.
            add(out, allowed, RowHuffmanCodec.NAME, () -> new RowHuffmanCodec(n, 1));
        }
        if (bytes && n > 0 && (n <= ChannelContextCodec.MAX_CANDIDATE_BYTES || allowed.contains(ChannelContextCodec.NAME))) {
            channelContext(out, allowed, t, buf, n);
        }
        if (!bytes || shape.length < 2 || n < 256) {
            return out;
        }
        PruneSpec prune = PruneSpec.NONE;
        String text = t.metadata().get("lossy.prune");
        if (text != null) {
            try {
                prune = PruneSpec.parse(text);
            } catch (IllegalArgumentException e) {
                // an unknown spec only means no structured format is tried
            }
        }
        int zeros = 0;
        for (int i = 0; i < n; i++) {
            zeros += buf[i] == 0 ? 1 : 0;
        }
        long first = shape[0];
        long last = shape[shape.length - 1];
        long[][] views = first == n / last ? new long[][] {{first, n / first}}
                : new long[][] {{first, n / first}, {n / last, last}};
        for (long[] v : views) {
            int rows = (int) v[0];
            int cols = (int) v[1];
            if (rows <= 0 || cols <= 0) {
                continue;
            }
            boolean transposed = v != views[0];
            if (n >= ROW_TABLES_MIN) {
                add(out, allowed, RowHuffmanCodec.NAME, () -> new RowHuffmanCodec(rows, cols));
            }
            if (zeros >= CSR_MIN_ZEROS * n) {
                add(out, allowed, CsrCodec.NAME, () -> new CsrCodec(rows, cols));
            }
            PruneSpec p = prune;
            switch (p.kind()) {
                case BLOCK: {
                    int br = transposed ? p.cols() : p.rows();
                    int bc = transposed ? p.rows() : p.cols();
                    add(out, allowed, BsrCodec.NAME, () -> new BsrCodec(rows, cols, br, bc));
                    break;
                }
                case BCR: {
                    int br = transposed ? p.cols() : p.rows();
                    int bc = transposed ? p.rows() : p.cols();
                    add(out, allowed, BcrCodec.NAME, () -> new BcrCodec(rows, cols, br, bc));
                    break;
                }
                case NM:
                    if (cols % p.m() == 0) {
                        add(out, allowed, NmCodec.NAME, () -> new NmCodec(rows, cols, p.n(), p.m()));
                    }
                    break;
                default:
                    break;
            }
        }
        if (prune.kind() == PruneSpec.Kind.PATTERN && shape.length == 4 && shape[2] == shape[3]
                && n % (shape[2] * shape[3]) == 0) {
            int k = (int) shape[2];
            add(out, allowed, KernelPatternCodec.NAME, () -> new KernelPatternCodec((int) (n / (k * k)), k));
        }
        return out;
    }

    /**
     * channel-ac over the quantizer's channel axis (axis 0 when the tensor has none recorded),
     * with the most frequent byte as the zero: small tensors only, as it decodes at tens of MB/s,
     * unless the caller's codec list names it.
     */
    private static void channelContext(List<ByteCodec> out, List<String> allowed, ImportedTensor t, byte[] buf, int n) {
        int channelAxis = Packer.axisFrom(t.metadata().get("lossy.channel_axis"), t.shape().length, 0);
        add(out, allowed, ChannelContextCodec.NAME, () -> ChannelContextCodec.forTensor(t.shape(), channelAxis, buf, n));
    }

    /** Whether {@code codec} is the storage form of the tensor's own pruning (kernel patterns for pattern pruning). */
    static boolean isNativeForm(ImportedTensor t, ByteCodec codec) {
        String text = t.metadata().get("lossy.prune");
        return codec.name().equals(KernelPatternCodec.NAME) && text != null && text.startsWith("pattern:");
    }

    private interface Maker {
        ByteCodec make();
    }

    private static void add(List<ByteCodec> out, List<String> allowed, String name, Maker maker) {
        if (!allowed.isEmpty() && !allowed.contains(name)) {
            return;
        }
        try {
            out.add(maker.make());
        } catch (IllegalArgumentException e) {
            // a block or group larger than the format allows: the other candidates still apply
        }
    }
}
