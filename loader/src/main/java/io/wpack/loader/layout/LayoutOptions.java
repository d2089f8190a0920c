package io.wpack.loader.layout;

import io.wpack.loader.Representation;

import java.util.Objects;

/** How to read the source tensor for a layout. Immutable; start from {@link #DEFAULTS}. */
public final class LayoutOptions {
    public static final LayoutOptions DEFAULTS = new LayoutOptions(null, null, Representation.LOGICAL);

    private final String sourceLayout;
    private final String biasTensor;
    private final Representation representation;

    private LayoutOptions(String sourceLayout, String biasTensor, Representation representation) {
        this.sourceLayout = sourceLayout;
        this.biasTensor = biasTensor;
        this.representation = Objects.requireNonNull(representation, "representation");
    }

    /**
     * The source's axis letters, e.g. {@code "HWIO"} for a TensorFlow conv kernel; null for the
     * default of {@link SourceAxes}.
     */
    public String sourceLayout() {
        return sourceLayout;
    }

    public LayoutOptions withSourceLayout(String layout) {
        return new LayoutOptions(layout, biasTensor, representation);
    }

    /**
     * The rank-1 tensor whose values fill the bias slots of {@code panels:...:bias}, for
     * {@link LayoutLoader}; null leaves them zero.
     */
    public String biasTensor() {
        return biasTensor;
    }

    public LayoutOptions withBiasTensor(String name) {
        return new LayoutOptions(sourceLayout, name, representation);
    }

    /** Which form of the tensor feeds the layout; LOGICAL (dequantized) by default. */
    public Representation representation() {
        return representation;
    }

    public LayoutOptions withRepresentation(Representation rep) {
        return new LayoutOptions(sourceLayout, biasTensor, rep);
    }
}
