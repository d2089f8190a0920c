package io.wpack.benchmarks;

import org.junit.jupiter.api.Test;

import static io.wpack.benchmarks.GeneratedSection.BEGIN;
import static io.wpack.benchmarks.GeneratedSection.END;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GeneratedSectionTest {
    @Test
    void replacesOnlyTheTextBetweenTheMarkers() {
        String doc = "# Benchmarks\n\nhand-written intro\n\n" + BEGIN + "\nold table\n" + END + "\n\n## Notes\nkept\n";
        String out = GeneratedSection.splice(doc, "new table\n");
        assertEquals("# Benchmarks\n\nhand-written intro\n\n" + BEGIN + "\nnew table\n" + END + "\n\n## Notes\nkept\n", out);
        assertEquals(out, GeneratedSection.splice(out, "new table"));
    }

    @Test
    void appendsTheSectionToAFileWithoutMarkers() {
        assertEquals("# Title\n\n" + BEGIN + "\nx\n" + END + "\n", GeneratedSection.splice("# Title\n", "x"));
        assertEquals(BEGIN + "\nx\n" + END + "\n", GeneratedSection.splice(null, "x"));
    }

    @Test
    void refusesDamagedMarkersRatherThanOverwriteHandWrittenText() {
        assertThrows(IllegalArgumentException.class, () -> GeneratedSection.splice("a\n" + BEGIN + "\nb\n", "x"));
        assertThrows(IllegalArgumentException.class, () -> GeneratedSection.splice(END + "\n" + BEGIN + "\n", "x"));
        assertThrows(IllegalArgumentException.class,
                () -> GeneratedSection.splice(BEGIN + "\n" + BEGIN + "\n" + END + "\n", "x"));
    }
}
