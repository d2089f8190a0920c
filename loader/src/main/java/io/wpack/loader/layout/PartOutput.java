package io.wpack.loader.layout;

import io.wpack.formats.proto.DType;
import io.wpack.loader.ByteSink;
import io.wpack.loader.ByteSinks;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A part written front to back: into a sink of known size (the caller's, or an array the
 * loader allocated), or, when its size depends on the values, into an array that grows.
 * Writes are staged in a small buffer so that a sink sees few, large writes.
 */
final class PartOutput {
    private static final int STAGE = 1 << 16;

    final String name;
    final DType dtype;
    private final long capacity;
    private final ByteSink sink;
    private final boolean callerSink;
    private final ByteBuffer stage;
    private byte[] array;
    private long flushed;

    private PartOutput(String name, DType dtype, long capacity, ByteSink sink, boolean callerSink, byte[] array) {
        this.name = name;
        this.dtype = dtype;
        this.capacity = capacity;
        this.sink = sink;
        this.callerSink = callerSink;
        this.array = array;
        this.stage = ByteBuffer.allocate(STAGE).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A part of {@code spec.bytes()} bytes, into the caller's sink when {@code sinks} gives one. */
    static PartOutput fixed(PartSpec spec, PartSinks sinks) {
        ByteSink s = sinks.sinkFor(spec);
        if (s != null) {
            if (s.size() != spec.bytes()) {
                throw new IllegalArgumentException("sink for part '" + spec.name() + "' holds " + s.size()
                        + " bytes but needs " + spec.bytes());
            }
            return new PartOutput(spec.name(), spec.dtype(), spec.bytes(), s, true, null);
        }
        byte[] a = new byte[Sizes.arraySize(spec.bytes(), "part '" + spec.name() + "'")];
        return new PartOutput(spec.name(), spec.dtype(), spec.bytes(), ByteSinks.of(a), false, a);
    }

    /** A part whose size depends on the values, collected in a growing array. */
    static PartOutput growable(PartSpec spec) {
        return new PartOutput(spec.name(), spec.dtype(), -1, null, false, new byte[256]);
    }

    long position() {
        return flushed + stage.position();
    }

    /** The stage, with room for {@code n} more bytes at its position. */
    ByteBuffer room(int n) {
        if (stage.remaining() < n) {
            drain();
        }
        return stage;
    }

    void putInt(int v) {
        room(4).putInt(v);
    }

    void putByte(int v) {
        room(1).put((byte) v);
    }

    void putShort(short v) {
        room(2).putShort(v);
    }

    /** Converts the element at {@code in[ip]} and appends it. */
    void putValue(ValueConverter conv, ByteBuffer in, int ip) {
        ByteBuffer s = room(conv.toSize);
        conv.copy(in, ip, s, s.position());
        s.position(s.position() + conv.toSize);
    }

    /**
     * Converts the element at {@code in[ip]} and appends it unless it is zero in the target
     * dtype; returns whether it was appended.
     */
    boolean putValueIfNonZero(ValueConverter conv, ByteBuffer in, int ip) {
        ByteBuffer s = room(conv.toSize);
        int at = s.position();
        conv.copy(in, ip, s, at);
        if (conv.isZero(s, at)) {
            return false;
        }
        s.position(at + conv.toSize);
        return true;
    }

    /** Appends {@code len} bytes of {@code src} from {@code pos} (absolute; src is not moved). */
    void put(ByteBuffer src, int pos, int len) {
        int done = 0;
        while (done < len) {
            ByteBuffer s = room(Math.min(len - done, STAGE));
            int n = Math.min(s.remaining(), len - done);
            int at = s.position();
            for (int i = 0; i < n; i++) {
                s.put(at + i, src.get(pos + done + i));
            }
            s.position(at + n);
            done += n;
        }
    }

    private void drain() {
        stage.flip();
        int n = stage.remaining();
        if (sink == null) {
            long need = flushed + n;
            if (need > array.length) {
                long grown = Math.max(need, (long) array.length * 2);
                array = Arrays.copyOf(array, Sizes.arraySize(Math.min(grown, Integer.MAX_VALUE - 8),
                        "part '" + name + "'"));
                if (need > array.length) {
                    throw new LayoutException("part '" + name + "' outgrows one array");
                }
            }
            stage.get(array, (int) flushed, n);
        } else {
            if (flushed + n > capacity) {
                throw new IllegalStateException("part '" + name + "' overflows its " + capacity + " bytes");
            }
            sink.write(flushed, stage);
        }
        flushed += n;
        stage.clear();
    }

    /** Flushes and describes the part; a fixed part must be exactly full. */
    LayoutResult.Part finish(long[] shape) {
        drain();
        if (capacity >= 0 && flushed != capacity) {
            throw new IllegalStateException("part '" + name + "' holds " + flushed + " of its " + capacity + " bytes");
        }
        byte[] bytes = callerSink ? null : (sink == null ? Arrays.copyOf(array, (int) flushed) : array);
        return new LayoutResult.Part(name, dtype, shape, flushed, callerSink ? sink : null, bytes);
    }
}
