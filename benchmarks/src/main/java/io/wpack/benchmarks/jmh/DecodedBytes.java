package io.wpack.benchmarks.jmh;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Counts decoded bytes. In throughput mode JMH reports an {@code OPERATIONS} aux counter as a
 * rate, so the secondary result {@code bytes} is in bytes per second next to the primary ops/s.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class DecodedBytes {
    /** Decoded output bytes; reported per second. */
    public long bytes;

    @Setup(Level.Iteration)
    public void reset() {
        bytes = 0;
    }
}
