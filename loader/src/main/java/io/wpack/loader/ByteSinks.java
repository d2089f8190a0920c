package io.wpack.loader;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Sinks over arrays, caller-owned buffers, and buffer lists for tensors over 2 GiB. */
public final class ByteSinks {
    private ByteSinks() {
    }

    public static ByteSink of(byte[] array) {
        return of(ByteBuffer.wrap(array));
    }

    /** A sink over {@code buffer}'s bytes from its position to its limit. */
    public static ByteSink of(ByteBuffer buffer) {
        ByteBuffer base = buffer.slice().order(ByteOrder.LITTLE_ENDIAN);
        return new ByteSink() {
            @Override
            public long size() {
                return base.capacity();
            }

            @Override
            public ByteBuffer window(long offset, int length) {
                ByteBuffer w = base.duplicate();
                w.position((int) offset).limit((int) offset + length);
                return w.slice().order(ByteOrder.LITTLE_ENDIAN);
            }

            @Override
            public void write(long offset, ByteBuffer src) {
                ByteBuffer w = base.duplicate();
                w.position((int) offset);
                w.put(src);
            }
        };
    }

    /**
     * A direct buffer whose address is a multiple of {@code alignment}, for kernels that want
     * aligned loads. Android and Java 17 both have {@link ByteBuffer#alignedSlice}.
     */
    public static ByteBuffer allocateAligned(int capacity, int alignment) {
        ByteBuffer raw = ByteBuffer.allocateDirect(capacity + alignment - 1);
        ByteBuffer aligned = raw.alignedSlice(alignment);
        aligned.limit(capacity);
        return aligned.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A long-indexed sink over consecutive buffers, for tensors larger than one buffer. */
    public static ByteSink ofBuffers(ByteBuffer... buffers) {
        return new MultiBufferSink(buffers);
    }

    /**
     * Allocates enough direct buffers of at most {@code segment} bytes to hold {@code size}
     * bytes, for tensors over 2 GiB on Java 17.
     */
    public static MultiBufferSink allocateLarge(long size, int segment) {
        int n = (int) Math.max(1, (size + segment - 1) / segment);
        ByteBuffer[] bufs = new ByteBuffer[n];
        long left = size;
        for (int i = 0; i < n; i++) {
            int len = (int) Math.min(left, segment);
            bufs[i] = ByteBuffer.allocateDirect(len).order(ByteOrder.LITTLE_ENDIAN);
            left -= len;
        }
        return new MultiBufferSink(bufs);
    }

    /** Consecutive buffers addressed by one long offset. */
    public static final class MultiBufferSink implements ByteSink {
        private final ByteBuffer[] buffers;
        private final long[] starts;
        private final long size;

        MultiBufferSink(ByteBuffer[] buffers) {
            this.buffers = new ByteBuffer[buffers.length];
            this.starts = new long[buffers.length];
            long pos = 0;
            for (int i = 0; i < buffers.length; i++) {
                this.buffers[i] = buffers[i].slice().order(ByteOrder.LITTLE_ENDIAN);
                starts[i] = pos;
                pos += this.buffers[i].capacity();
            }
            this.size = pos;
        }

        public ByteBuffer[] buffers() {
            ByteBuffer[] out = new ByteBuffer[buffers.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = buffers[i].duplicate().order(ByteOrder.LITTLE_ENDIAN);
            }
            return out;
        }

        public byte get(long offset) {
            int i = index(offset);
            return buffers[i].get((int) (offset - starts[i]));
        }

        @Override
        public long size() {
            return size;
        }

        private int index(long offset) {
            int lo = 0;
            int hi = buffers.length - 1;
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (starts[mid] <= offset) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            return lo;
        }

        @Override
        public ByteBuffer window(long offset, int length) {
            int i = index(offset);
            long rel = offset - starts[i];
            if (rel + length > buffers[i].capacity()) {
                return null;
            }
            ByteBuffer w = buffers[i].duplicate();
            w.position((int) rel).limit((int) rel + length);
            return w.slice().order(ByteOrder.LITTLE_ENDIAN);
        }

        @Override
        public void write(long offset, ByteBuffer src) {
            long pos = offset;
            ByteBuffer s = src.duplicate();
            while (s.hasRemaining()) {
                int i = index(pos);
                ByteBuffer w = buffers[i].duplicate();
                w.position((int) (pos - starts[i]));
                int n = Math.min(w.remaining(), s.remaining());
                ByteBuffer part = s.duplicate();
                part.limit(part.position() + n);
                w.put(part);
                s.position(s.position() + n);
                pos += n;
            }
            src.position(src.limit());
        }
    }
}
