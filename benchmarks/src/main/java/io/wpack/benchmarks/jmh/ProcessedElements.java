package io.wpack.benchmarks.jmh;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Counts tensor elements (weights) processed. Like {@link DecodedBytes}, an {@code OPERATIONS}
 * aux counter, so the secondary result {@code elements} is in elements per second.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class ProcessedElements {
    /** Input weights quantized or pruned; reported per second. */
    public long elements;

    @Setup(Level.Iteration)
    public void reset() {
        elements = 0;
    }
}
