package io.wpack.packer.demo;

import com.google.protobuf.ByteString;
import io.wpack.packer.onnx.proto.AttributeProto;
import io.wpack.packer.onnx.proto.GraphProto;
import io.wpack.packer.onnx.proto.ModelProto;
import io.wpack.packer.onnx.proto.NodeProto;
import io.wpack.packer.onnx.proto.OperatorSetIdProto;
import io.wpack.packer.onnx.proto.StringStringEntryProto;
import io.wpack.packer.onnx.proto.TensorProto;
import io.wpack.packer.onnx.proto.ValueInfoProto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The small model that {@code wpack demo} packs: a two-layer CNN for 16×16 RGB inputs, in
 * ONNX, with seeded He-initialised weights so that every run writes the same file. It has
 * what real exports have: conv kernels, biases, a batch-norm, a fully connected layer and an
 * int64 shape constant in a {@code Constant} node.
 */
public final class DemoModel {
    private static final int FLOAT = 1;
    private static final int INT64 = 7;
    private static final int ATTR_INT = 2;
    private static final int ATTR_INTS = 7;
    private static final int ATTR_TENSOR = 4;

    private DemoModel() {
    }

    /** Writes the demo model to {@code file}. */
    public static void write(Path file) throws IOException {
        Files.write(file, build().toByteArray());
    }

    public static ModelProto build() {
        SplittableRandom rnd = new SplittableRandom(20260101L);
        GraphProto.Builder g = GraphProto.newBuilder().setName("wpack-demo-cnn");
        g.addInput(ValueInfoProto.newBuilder().setName("image"));
        g.addOutput(ValueInfoProto.newBuilder().setName("logits"));
        g.addInitializer(floats("conv1.weight", rnd, 2.0 / 27, 16, 3, 3, 3));
        g.addInitializer(floats("conv1.bias", rnd, 0.01, 16));
        g.addInitializer(floats("bn1.scale", rnd, 0.05, 16));
        g.addInitializer(floats("bn1.bias", rnd, 0.05, 16));
        g.addInitializer(floats("bn1.mean", rnd, 0.1, 16));
        g.addInitializer(floats("bn1.var", rnd, 0.0, 16));
        g.addInitializer(floats("conv2.weight", rnd, 2.0 / 144, 32, 16, 3, 3));
        g.addInitializer(floats("conv2.bias", rnd, 0.01, 32));
        g.addInitializer(floats("fc.weight", rnd, 2.0 / 512, 10, 512));
        g.addInitializer(floats("fc.bias", rnd, 0.01, 10));

        g.addNode(node("Conv", "conv1", new String[] {"image", "conv1.weight", "conv1.bias"}, "c1")
                .addAttribute(ints("pads", 1, 1, 1, 1)));
        g.addNode(node("BatchNormalization", "bn1", new String[] {"c1", "bn1.scale", "bn1.bias", "bn1.mean", "bn1.var"}, "b1"));
        g.addNode(node("Relu", "relu1", new String[] {"b1"}, "r1"));
        g.addNode(node("MaxPool", "pool1", new String[] {"r1"}, "p1")
                .addAttribute(ints("kernel_shape", 2, 2)).addAttribute(ints("strides", 2, 2)));
        g.addNode(node("Conv", "conv2", new String[] {"p1", "conv2.weight", "conv2.bias"}, "c2")
                .addAttribute(ints("pads", 1, 1, 1, 1)));
        g.addNode(node("Relu", "relu2", new String[] {"c2"}, "r2"));
        g.addNode(node("MaxPool", "pool2", new String[] {"r2"}, "p2")
                .addAttribute(ints("kernel_shape", 2, 2)).addAttribute(ints("strides", 2, 2)));
        ByteBuffer shape = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1).putLong(512);
        g.addNode(node("Constant", "flatten_shape", new String[0], "flatten_shape")
                .addAttribute(AttributeProto.newBuilder().setName("value").setType(ATTR_TENSOR)
                        .setT(TensorProto.newBuilder().setName("flatten_shape").setDataType(INT64).addDims(2)
                                .setRawData(ByteString.copyFrom(shape.array())))));
        g.addNode(node("Reshape", "flatten", new String[] {"p2", "flatten_shape"}, "flat"));
        g.addNode(node("Gemm", "fc", new String[] {"flat", "fc.weight", "fc.bias"}, "logits")
                .addAttribute(AttributeProto.newBuilder().setName("transB").setType(ATTR_INT).setI(1)));

        return ModelProto.newBuilder().setIrVersion(8).setProducerName("wpack-demo").setProducerVersion("1")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .addMetadataProps(StringStringEntryProto.newBuilder().setKey("description")
                        .setValue("Seeded two-layer CNN that ships with wpack for the demo."))
                .setGraph(g).build();
    }

    private static NodeProto.Builder node(String op, String name, String[] inputs, String output) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
        for (String in : inputs) {
            n.addInput(in);
        }
        return n;
    }

    private static AttributeProto.Builder ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(ATTR_INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a;
    }

    /** Gaussian weights with the given variance; variance 0 gives positive variances near 1 (for bn1.var). */
    private static TensorProto floats(String name, SplittableRandom rnd, double variance, int... dims) {
        int n = 1;
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(FLOAT);
        for (int d : dims) {
            n *= d;
            t.addDims(d);
        }
        ByteBuffer b = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        double std = Math.sqrt(variance);
        for (int i = 0; i < n; i++) {
            double v = variance == 0 ? 1 + 0.1 * Math.abs(gaussian(rnd)) : gaussian(rnd) * std;
            b.putFloat((float) v);
        }
        return t.setRawData(ByteString.copyFrom(b.array())).build();
    }

    private static double gaussian(SplittableRandom rnd) {
        // Box-Muller on a seeded generator: same values on every JVM.
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
