package io.wpack.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The machine a run happened on, as printed beside its figures.
 *
 * @param cores        {@code Runtime.availableProcessors()}, which follows cgroup and affinity limits like {@code nproc}
 * @param cpuModel     the first {@code model name} in {@code /proc/cpuinfo}
 * @param memoryMiB    {@code MemTotal} from {@code /proc/meminfo}
 * @param loadAverage  1-minute load average when the run started, from {@code /proc/loadavg}: a busy machine
 *                     makes the speed figures noisy
 * @param toolVersions first line of each competitor tool's version output
 */
public record MachineInfo(int cores, String cpuModel, long memoryMiB, String os, String jvm, String loadAverage,
                          String date, Map<String, String> toolVersions) {

    public static MachineInfo detect() {
        Map<String, String> tools = new LinkedHashMap<>();
        tools.put("gzip", firstLine(ProcessTimer.capture(List.of("gzip", "--version"))));
        tools.put("zstd", firstLine(ProcessTimer.capture(List.of("zstd", "--version"))).replace("*** ", "")
                .replace(" ***", ""));
        tools.put("xz", firstLine(ProcessTimer.capture(List.of("xz", "--version"))));
        String jvm = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vendor") + ")";
        String os = System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch");
        String date = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
        return new MachineInfo(Runtime.getRuntime().availableProcessors(), readCpuModel(), readMemoryMiB(), os, jvm,
                readLoadAverage(), date, tools);
    }

    private static String readCpuModel() {
        for (String line : lines("/proc/cpuinfo")) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).strip();
            }
        }
        return System.getProperty("os.arch");
    }

    private static long readMemoryMiB() {
        for (String line : lines("/proc/meminfo")) {
            if (line.startsWith("MemTotal:")) {
                String[] f = line.split("\\s+");
                return Long.parseLong(f[1]) / 1024;
            }
        }
        return -1;
    }

    private static String readLoadAverage() {
        List<String> l = lines("/proc/loadavg");
        return l.isEmpty() ? "?" : l.get(0).split(" ")[0];
    }

    private static List<String> lines(String file) {
        try {
            return Files.readAllLines(Path.of(file));
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("date", date);
        m.put("cores", cores);
        m.put("cpu", cpuModel);
        m.put("memory_mib", memoryMiB);
        m.put("os", os);
        m.put("jvm", jvm);
        m.put("load_average_at_start", loadAverage);
        m.put("tools", toolVersions);
        return m;
    }
}
