package io.wpack.cli.export;

import io.wpack.cli.JsonOutput;
import io.wpack.formats.proto.DType;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes a safetensors file: u64 header length, a JSON header padded with spaces to a
 * multiple of 8, then the tensors back to back in package order.
 */
public final class SafetensorsExporter implements Exporter {

    static String safetensorsDtype(DType d) {
        switch (d) {
            case F8_E4M3:
                return "F8_E4M3";
            case F8_E5M2:
                return "F8_E5M2";
            default:
                return d.name();
        }
    }

    @Override
    public void write(Map<String, String> meta, List<ExportItem> items, Path out) throws IOException {
        StringBuilder json = new StringBuilder("{");
        json.append("\"__metadata__\":{");
        boolean first = true;
        for (var e : meta.entrySet()) {
            if (!first) {
                json.append(',');
            }
            first = false;
            JsonOutput.appendQuoted(json, e.getKey()).append(':');
            JsonOutput.appendQuoted(json, e.getValue());
        }
        json.append('}');
        long offset = 0;
        for (ExportItem t : items) {
            json.append(',');
            JsonOutput.appendQuoted(json, t.name()).append(":{\"dtype\":\"").append(safetensorsDtype(t.dtype()))
                    .append("\",\"shape\":[");
            long[] shape = t.shape();
            for (int i = 0; i < shape.length; i++) {
                json.append(i == 0 ? "" : ",").append(shape[i]);
            }
            json.append("],\"data_offsets\":[").append(offset).append(',').append(offset + t.bytes()).append("]}");
            offset += t.bytes();
        }
        json.append('}');
        byte[] header = json.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (header.length + 7) & ~7;
        try (AtomicOutput atomic = new AtomicOutput(out)) {
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(atomic.tmp()), 1 << 20)) {
                os.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
                os.write(header);
                for (int i = header.length; i < padded; i++) {
                    os.write(' ');
                }
                for (ExportItem t : items) {
                    t.writer().writeTo(os);
                }
            }
            atomic.commit();
        }
    }
}
