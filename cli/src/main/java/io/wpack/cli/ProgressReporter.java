package io.wpack.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress on stderr, only when a person is watching a terminal; pipelines and logs stay
 * clean.
 */
final class ProgressReporter {
    private final PrintWriter err;
    private final boolean enabled;
    private long lastPrint;

    ProgressReporter(PrintWriter err) {
        this.err = err;
        String term = System.getenv("TERM");
        this.enabled = System.console() != null && !"dumb".equals(term) && System.getenv("CI") == null;
    }

    void update(String what, long done, long total) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastPrint < 100_000_000L && done < total) {
            return;
        }
        lastPrint = now;
        double pct = total == 0 ? 100 : 100.0 * done / total;
        String name = what.length() > 40 ? "..." + what.substring(what.length() - 37) : what;
        err.printf(Locale.ROOT, "\r%5.1f%%  %-40s", pct, name);
        err.flush();
    }

    void done() {
        if (enabled) {
            err.print("\r" + " ".repeat(50) + "\r");
            err.flush();
        }
    }
}
