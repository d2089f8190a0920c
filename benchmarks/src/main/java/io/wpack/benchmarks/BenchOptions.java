package io.wpack.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The driver's command line. */
final class BenchOptions {
    static final String USAGE = String.join("\n",
            "Usage: ./bench [options]          (java -cp benchmarks.jar io.wpack.benchmarks.PipelineBenchmark)",
            "",
            "Packs every model of the corpus (../shared/corpus, or a synthetic set when it is absent) with every",
            "preset, compares size and decode speed with gzip, zstd, xz and byte-plane zstd on the same bytes,",
            "measures pack/load heap, and writes BENCHMARKS.md (generated section) and bench-out/results.json.",
            "",
            "  --quick             CI size: 2 runs after 1 warm-up, no heap search, writes",
            "                      bench-out/BENCHMARKS-quick.md instead of BENCHMARKS.md",
            "  --repeats N         measured runs per figure (default 5; 2 with --quick)",
            "  --warmups N         unmeasured runs first (default 1)",
            "  --corpus DIR        corpus folder (default ../shared/corpus beside the project, or -Dwpack.corpus)",
            "  --synthetic         use the synthetic model set even when the corpus is present",
            "  --models A,B        only models whose id contains one of these strings",
            "  --presets A,B|all   presets to run (" + Preset.ids() + "); default: all but fp16 and bf16",
            "  --memory MODE       heap search: fine (to 3%, default), coarse (to 15%) or off (default with --quick)",
            "  --root DIR          project root (default: found above the working folder)",
            "  --out DIR           results and scratch files (default ROOT/bench-out)",
            "  --markdown FILE     report to write (default ROOT/BENCHMARKS.md; --quick: OUT/BENCHMARKS-quick.md)",
            "  --no-markdown       write results.json only",
            "  --keep              keep the packages and compressed files in OUT/work",
            "  --note TEXT         a remark printed at the top of the generated section (e.g. why a run is provisional)",
            "  -h, --help          this text",
            "",
            "Exit codes: 0 success, 1 a measurement failed, 2 usage error.");

    boolean quick;
    int repeats = -1;
    int warmups = 1;
    Path corpus;
    boolean synthetic;
    List<String> models = List.of();
    List<Preset> presets = defaultPresets();
    String memory;
    Path root;
    Path out;
    Path markdown;
    boolean noMarkdown;
    boolean keep;
    String note;
    boolean help;
    /** The arguments as given, without {@code --root DIR} (which ./bench adds), to print in the report. */
    final List<String> given = new ArrayList<>();

    static BenchOptions parse(String... args) {
        BenchOptions o = new BenchOptions();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if ("--root".equals(a)) {
                i++;
            } else {
                o.given.add(a);
            }
        }
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick":
                    o.quick = true;
                    break;
                case "--repeats":
                    o.repeats = positive(a, value(args, ++i, a), 1);
                    break;
                case "--warmups":
                    o.warmups = positive(a, value(args, ++i, a), 0);
                    break;
                case "--corpus":
                    o.corpus = Path.of(value(args, ++i, a));
                    break;
                case "--synthetic":
                    o.synthetic = true;
                    break;
                case "--models":
                    o.models = List.of(value(args, ++i, a).split(","));
                    break;
                case "--presets": {
                    String v = value(args, ++i, a);
                    List<Preset> ps = new ArrayList<>();
                    if ("all".equals(v)) {
                        ps.addAll(Arrays.asList(Preset.values()));
                    } else {
                        for (String p : v.split(",")) {
                            Preset preset = Preset.byId(p.strip());
                            if (!ps.contains(preset)) {
                                ps.add(preset);
                            }
                        }
                    }
                    o.presets = ps;
                    break;
                }
                case "--memory":
                    o.memory = value(args, ++i, a);
                    if (!List.of("fine", "coarse", "off").contains(o.memory)) {
                        throw new IllegalArgumentException("--memory takes fine, coarse or off, not " + o.memory);
                    }
                    break;
                case "--root":
                    o.root = Path.of(value(args, ++i, a));
                    break;
                case "--out":
                    o.out = Path.of(value(args, ++i, a));
                    break;
                case "--markdown":
                    o.markdown = Path.of(value(args, ++i, a));
                    break;
                case "--no-markdown":
                    o.noMarkdown = true;
                    break;
                case "--keep":
                    o.keep = true;
                    break;
                case "--note":
                    o.note = value(args, ++i, a);
                    break;
                case "-h":
                case "--help":
                    o.help = true;
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (o.repeats < 0) {
            o.repeats = o.quick ? 2 : 5;
        }
        if (o.memory == null) {
            o.memory = o.quick ? "off" : "fine";
        }
        return o;
    }

    private static List<Preset> defaultPresets() {
        List<Preset> ps = new ArrayList<>();
        for (Preset p : Preset.values()) {
            if (p.inDefaultRun()) {
                ps.add(p);
            }
        }
        return ps;
    }

    /** Fraction of the heap figure the bisection stops at; 0 when memory is off. */
    double heapTolerance() {
        switch (memory) {
            case "fine":
                return 0.03;
            case "coarse":
                return 0.15;
            default:
                return 0;
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int positive(String option, String v, int min) {
        try {
            int n = Integer.parseInt(v);
            if (n < min) {
                throw new IllegalArgumentException(option + " must be at least " + min);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a number, not " + v);
        }
    }
}
