package io.wpack.loader.layout;

import io.wpack.formats.TensorEntry;
import io.wpack.formats.proto.DType;
import io.wpack.loader.ByteSink;
import io.wpack.loader.ByteSinks;
import io.wpack.loader.Representation;
import io.wpack.loader.WpkPackage;
import io.wpack.loader.WpkStreamLoader;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads tensors into kernel layouts during one pass over a package stream: each requested
 * tensor's sink is a {@link LayoutWriter}, so chunks are converted as they arrive and memory
 * stays bounded by one chunk plus the outputs.
 *
 * <pre>{@code
 * LayoutStreamConsumer c = new LayoutStreamConsumer(Representation.LOGICAL,
 *         t -> t.rank() == 4 ? new LayoutStreamConsumer.Request(Layout.parse("blocked:OIhw8i8o"), LayoutOptions.DEFAULTS) : null);
 * new WpkStreamLoader(Representation.LOGICAL).load(in, c);
 * Map<String, LayoutResult> weights = c.results();
 * }</pre>
 *
 * A panel layout's bias tensor ({@link LayoutOptions#biasTensor}) may come before or after
 * its weight in the stream; the weight is completed once both have arrived.
 */
public final class LayoutStreamConsumer implements WpkStreamLoader.Consumer {

    /** A tensor's layout and options; the options' representation is replaced by the consumer's. */
    public record Request(Layout layout, LayoutOptions options) {
    }

    /** Chooses the layout for each tensor of the package, or null to skip the tensor. */
    @FunctionalInterface
    public interface Requests {
        Request requestFor(TensorEntry tensor);
    }

    private record Pending(String tensor, LayoutWriter writer) {
    }

    private final Representation representation;
    private final Requests requests;
    private final Map<String, Request> planned = new HashMap<>();
    private final Map<String, DType> biasDtypes = new HashMap<>();
    private final Map<String, ByteBuffer> biases = new HashMap<>();
    private final Map<String, List<Pending>> waitingForBias = new HashMap<>();
    private final Map<String, LayoutResult> results = new LinkedHashMap<>();

    /** {@code representation} must be the one the {@link WpkStreamLoader} was built with. */
    public LayoutStreamConsumer(Representation representation, Requests requests) {
        this.representation = representation;
        this.requests = requests;
    }

    @Override
    public void onManifest(List<TensorEntry> tensors, Map<String, String> metadata) {
        Map<String, TensorEntry> byName = new HashMap<>();
        for (TensorEntry t : tensors) {
            byName.put(t.name(), t);
        }
        for (TensorEntry t : tensors) {
            Request r = requests.requestFor(t);
            if (r == null) {
                continue;
            }
            LayoutOptions o = r.options() == null ? LayoutOptions.DEFAULTS : r.options();
            Request fixed = new Request(r.layout(), o.withRepresentation(representation));
            LayoutPlan.of(fixed.layout(), t, fixed.options()); // reject a bad request before any data
            planned.put(t.name(), fixed);
            String bias = o.biasTensor();
            if (bias != null) {
                TensorEntry b = byName.get(bias);
                if (b == null) {
                    throw new LayoutException("tensor '" + t.name() + "': no bias tensor '" + bias + "' in the package");
                }
                biasDtypes.put(bias, representation == Representation.STORED ? b.storedDtype() : b.dtype());
            }
        }
        for (String bias : biasDtypes.keySet()) {
            if (planned.containsKey(bias)) {
                throw new LayoutException("tensor '" + bias + "' is a panel bias and cannot have a layout of its own");
            }
        }
    }

    @Override
    public ByteSink sinkFor(TensorEntry tensor) {
        Request r = planned.get(tensor.name());
        if (r != null) {
            LayoutWriter w = LayoutWriter.create(LayoutPlan.of(r.layout(), tensor, r.options()), PartSinks.ALLOCATE);
            String bias = r.options().biasTensor();
            if (bias != null && biases.containsKey(bias)) {
                w.writeBias(biases.get(bias).duplicate(), biasDtypes.get(bias));
            }
            return w;
        }
        if (biasDtypes.containsKey(tensor.name())) {
            return ByteSinks.of(new byte[(int) WpkPackage.outputBytes(tensor, representation)]);
        }
        return null;
    }

    @Override
    public void onTensor(TensorEntry tensor, ByteSink sink) {
        if (sink instanceof LayoutWriter) {
            LayoutWriter w = (LayoutWriter) sink;
            String bias = planned.get(tensor.name()).options().biasTensor();
            if (bias != null && !biases.containsKey(bias)) {
                waitingForBias.computeIfAbsent(bias, k -> new ArrayList<>()).add(new Pending(tensor.name(), w));
                return;
            }
            results.put(tensor.name(), w.finish());
            return;
        }
        String name = tensor.name();
        ByteBuffer bytes = sink.window(0, (int) sink.size());
        biases.put(name, bytes);
        List<Pending> waiting = waitingForBias.remove(name);
        if (waiting != null) {
            for (Pending p : waiting) {
                p.writer().writeBias(bytes.duplicate(), biasDtypes.get(name));
                results.put(p.tensor(), p.writer().finish());
            }
        }
    }

    /**
     * The results by tensor name, in stream order of completion.
     *
     * @throws IllegalStateException if a weight still waits for its bias (the stream ended early)
     */
    public Map<String, LayoutResult> results() {
        if (!waitingForBias.isEmpty()) {
            throw new IllegalStateException("weights still wait for bias tensors " + waitingForBias.keySet());
        }
        return results;
    }
}
