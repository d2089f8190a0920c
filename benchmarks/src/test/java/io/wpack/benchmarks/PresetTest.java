package io.wpack.benchmarks;

import io.wpack.packer.policy.Presets;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PresetTest {
    @Test
    void namesAreThePackersPresetNames() {
        for (Preset p : Preset.values()) {
            if (p.available()) {
                assertTrue(Presets.descriptions().containsKey(p.id()), p.id());
                assertEquals(Presets.policy(p.id()).isLossless(), p.lossless(), p.id());
            } else {
                assertThrows(UnsupportedOperationException.class, p::packOptions);
            }
        }
        assertTrue(Preset.LOSSLESS.available());
        assertTrue(Preset.LOSSLESS.packOptions().policy().isLossless());
        assertEquals(Preset.INT4_GROUP32, Preset.byId("int4-g32"));
        assertThrows(IllegalArgumentException.class, () -> Preset.byId("int3"));
    }

    @Test
    void theIssuesSixPresetsRunByDefault() {
        long n = java.util.Arrays.stream(Preset.values()).filter(Preset::inDefaultRun).count();
        assertEquals(6, n);
        assertFalse(Preset.FP16.inDefaultRun());
        assertEquals(6, BenchOptions.parse().presets.size());
        assertEquals(Preset.values().length, BenchOptions.parse("--presets", "all").presets.size());
    }
}
