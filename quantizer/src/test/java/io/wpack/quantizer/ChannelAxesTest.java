package io.wpack.quantizer;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ChannelAxesTest {

    @Test
    void onnxLayouts() {
        assertEquals(new LayerAxes(0, 1), ChannelAxes.forLayer("Conv", "onnx", 4));
        assertEquals(new LayerAxes(1, 0), ChannelAxes.forLayer("ConvTranspose", "onnx", 4));
        assertEquals(new LayerAxes(0, 1), ChannelAxes.forLayer("Gemm", "onnx", 2, true));
        assertEquals(new LayerAxes(1, 0), ChannelAxes.forLayer("Gemm", "onnx", 2, false));
        assertEquals(new LayerAxes(1, 0), ChannelAxes.forLayer("MatMul", "onnx", 2));
        assertEquals(new LayerAxes(2, 1), ChannelAxes.forLayer("MatMul", "onnx", 3), "batched [b, in, out]");
    }

    @Test
    void tfjsLayouts() {
        assertEquals(new LayerAxes(3, 2), ChannelAxes.forLayer("Conv2D", "tfjs", 4), "HWIO");
        assertEquals(new LayerAxes(3, 2), ChannelAxes.forLayer("_FusedConv2D", "tfjs", 4));
        assertEquals(new LayerAxes(2, 1), ChannelAxes.forLayer("DepthwiseConv2dNative", "tfjs", 4), "HWC1");
        assertEquals(new LayerAxes(2, 3), ChannelAxes.forLayer("Conv2DBackpropInput", "tfjs", 4), "HWOI");
        assertEquals(new LayerAxes(1, 0), ChannelAxes.forLayer("MatMul", "tfjs", 2), "[in, out]");
        assertEquals(new LayerAxes(0, 1), ChannelAxes.forLayer("MatMul", "tfjs", 2, true), "transpose_b");
    }

    @Test
    void defaultsAndCase() {
        assertEquals(new LayerAxes(0, 1), ChannelAxes.forLayer("conv", "ONNX", 4));
        assertEquals(new LayerAxes(0, 1), ChannelAxes.forLayer("Whatever", "safetensors", 3));
        assertEquals(new LayerAxes(0, 1), ChannelAxes.forLayer(null, null, 2));
        assertEquals(new LayerAxes(-1, 0), ChannelAxes.forLayer("Conv", "onnx", 1), "bias");
        assertEquals(new LayerAxes(-1, -1), ChannelAxes.forLayer("Gemm", "onnx", 0));
        assertEquals(new LayerAxes(3, 1), ChannelAxes.defaultFor(4).withChannelAxis(3), "overridable");
    }
}
