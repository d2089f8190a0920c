package io.wpack.loader.layout;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Collections;

/**
 * GGUF Q8_0 / Q4_0 in one pass: 32 values at a time along each row of the matrix view, the
 * row's last block zero-padded; see {@link GgmlQuants} for the block bytes.
 */
final class GgmlBlockWriter extends SequentialWriter {
    private final PartOutput blocks;
    private final boolean q8;
    private final int blockBytes;
    private final long cols;
    private final float[] block = new float[GgmlQuants.QK];
    private int inBlock;
    private long col;

    GgmlBlockWriter(LayoutPlan plan, PartSinks sinks) {
        super(plan);
        this.q8 = plan.layout() instanceof Layout.Q8_0;
        this.blockBytes = q8 ? GgmlQuants.Q8_0_BYTES : GgmlQuants.Q4_0_BYTES;
        this.cols = plan.cols();
        this.blocks = PartOutput.fixed(plan.part("blocks"), sinks);
    }

    @Override
    void consume(ByteBuffer in, int pos, int count) {
        int p = pos;
        for (int i = 0; i < count; i++) {
            block[inBlock++] = conv.readFloat(in, p);
            p += ss;
            col++;
            if (inBlock == GgmlQuants.QK || col == cols) {
                emit();
            }
            if (col == cols) {
                col = 0;
            }
        }
    }

    private void emit() {
        Arrays.fill(block, inBlock, GgmlQuants.QK, 0.0f);
        ByteBuffer s = blocks.room(blockBytes);
        int at = s.position();
        if (q8) {
            GgmlQuants.quantizeQ8_0(block, 0, s, at);
        } else {
            GgmlQuants.quantizeQ4_0(block, 0, s, at);
        }
        s.position(at + blockBytes);
        inBlock = 0;
    }

    @Override
    LayoutResult complete() {
        return new LayoutResult(plan.layout(), plan.shape(),
                Collections.singletonList(blocks.finish(plan.part("blocks").shape())));
    }
}
