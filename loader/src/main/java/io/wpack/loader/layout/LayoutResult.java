package io.wpack.loader.layout;

import io.wpack.formats.proto.DType;
import io.wpack.loader.ByteSink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A tensor in a kernel layout: named parts, each with dtype and shape, little-endian. */
public final class LayoutResult {
    private final Layout layout;
    private final long[] shape;
    private final List<Part> parts;

    LayoutResult(Layout layout, long[] shape, List<Part> parts) {
        this.layout = layout;
        this.shape = shape.clone();
        this.parts = Collections.unmodifiableList(new ArrayList<>(parts));
    }

    public Layout layout() {
        return layout;
    }

    /** The unpadded shape the parts describe; see {@link LayoutPlan#shape()}. */
    public long[] shape() {
        return shape.clone();
    }

    public List<Part> parts() {
        return parts;
    }

    public Part part(String name) {
        for (Part p : parts) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("layout " + layout.spec() + " has no part '" + name + "'");
    }

    /** One array of the result. Its bytes are in the caller's sink, or in an array the loader allocated. */
    public static final class Part {
        private final String name;
        private final DType dtype;
        private final long[] shape;
        private final long byteLength;
        private final ByteSink sink;
        private final byte[] bytes;

        Part(String name, DType dtype, long[] shape, long byteLength, ByteSink sink, byte[] bytes) {
            this.name = name;
            this.dtype = dtype;
            this.shape = shape.clone();
            this.byteLength = byteLength;
            this.sink = sink;
            this.bytes = bytes;
        }

        public String name() {
            return name;
        }

        public DType dtype() {
            return dtype;
        }

        public long[] shape() {
            return shape.clone();
        }

        public long byteLength() {
            return byteLength;
        }

        /** The caller's sink the part was written to, or null when the loader allocated it. */
        public ByteSink sink() {
            return sink;
        }

        /** The part's bytes when the loader allocated them (not a copy); null when they went to a caller's sink. */
        public byte[] bytes() {
            return bytes;
        }

        /** A little-endian view of {@link #bytes()}. */
        public ByteBuffer buffer() {
            return ByteBuffer.wrap(requireBytes()).order(ByteOrder.LITTLE_ENDIAN);
        }

        public float[] floats() {
            requireDtype(DType.F32);
            float[] f = new float[bytes.length / 4];
            buffer().asFloatBuffer().get(f);
            return f;
        }

        public int[] ints() {
            requireDtype(DType.I32);
            int[] v = new int[bytes.length / 4];
            buffer().asIntBuffer().get(v);
            return v;
        }

        /** The raw 16-bit values of an f16, bf16, i16 or u16 part. */
        public short[] shorts() {
            if (dtype != DType.F16 && dtype != DType.BF16 && dtype != DType.I16 && dtype != DType.U16) {
                throw new IllegalStateException("part '" + name + "' is " + dtype + ", not 16-bit");
            }
            short[] v = new short[requireBytes().length / 2];
            buffer().asShortBuffer().get(v);
            return v;
        }

        private void requireDtype(DType d) {
            if (dtype != d) {
                throw new IllegalStateException("part '" + name + "' is " + dtype + ", not " + d);
            }
            requireBytes();
        }

        private byte[] requireBytes() {
            if (bytes == null) {
                throw new IllegalStateException("part '" + name + "' was written to the caller's sink");
            }
            return bytes;
        }
    }
}
