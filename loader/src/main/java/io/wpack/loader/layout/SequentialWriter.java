package io.wpack.loader.layout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A writer that consumes the source elements in order, once each. Bytes must arrive in
 * order (a chunk may end mid-element: the partial element is carried to the next write);
 * out-of-order bytes, as from a parallel read, are refused rather than silently buffered.
 */
abstract class SequentialWriter extends LayoutWriter {
    final ValueConverter conv;
    final int ss;
    private final ByteBuffer carry;
    private long next;

    SequentialWriter(LayoutPlan plan) {
        super(plan);
        this.conv = plan.converter();
        this.ss = conv.fromSize;
        this.carry = ByteBuffer.allocate(ss).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public final boolean acceptsAnyOrder() {
        return false;
    }

    @Override
    public final synchronized void write(long offset, ByteBuffer src) {
        int len = src.remaining();
        checkOrder(offset, len);
        ByteBuffer in = src.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (carry.position() > 0) {
            while (carry.hasRemaining() && in.hasRemaining()) {
                carry.put(in.get());
            }
            if (!carry.hasRemaining()) {
                consume(carry, 0, 1);
                carry.clear();
            }
        }
        int whole = in.remaining() / ss;
        if (whole > 0) {
            consume(in, in.position(), whole);
            in.position(in.position() + whole * ss);
        }
        carry.put(in);
        next += len;
        src.position(src.limit());
    }

    @Override
    public final synchronized void writeZeros(long offset, long length) {
        if (carry.position() != 0 || length % ss != 0) {
            super.writeZeros(offset, length);
            return;
        }
        checkOrder(offset, length);
        consumeZeros(length / ss);
        next += length;
    }

    private void checkOrder(long offset, long len) {
        if (offset != next) {
            throw new LayoutException("layout " + plan.layout().spec() + " consumes the tensor in order, but got bytes at "
                    + offset + " while expecting " + next + "; read it sequentially (WpkPackage.read, not readParallel)");
        }
        if (len < 0 || offset + len > size()) {
            throw new IllegalArgumentException("write of " + len + " bytes at " + offset
                    + " runs past the tensor's " + size() + " bytes");
        }
    }

    /** Consumes {@code count} whole source elements starting at absolute position {@code pos} of {@code in}. */
    abstract void consume(ByteBuffer in, int pos, int count);

    /** Consumes {@code count} zero elements; the default feeds them through {@link #consume}. */
    void consumeZeros(long count) {
        ByteBuffer zeros = ByteBuffer.allocate(ss * 1024).order(ByteOrder.LITTLE_ENDIAN);
        long left = count;
        while (left > 0) {
            int n = (int) Math.min(1024, left);
            consume(zeros, 0, n);
            left -= n;
        }
    }

    @Override
    public final synchronized LayoutResult finish() {
        if (next != size() || carry.position() != 0) {
            throw new IllegalStateException("layout " + plan.layout().spec() + " received " + next + " of the tensor's "
                    + size() + " bytes");
        }
        return complete();
    }

    /** Flushes what is pending after the last element and describes the parts. */
    abstract LayoutResult complete();
}
