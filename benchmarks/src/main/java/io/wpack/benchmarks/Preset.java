package io.wpack.benchmarks;

import io.wpack.packer.PackOptions;
import io.wpack.packer.policy.Presets;

import java.util.Locale;

/**
 * The packing presets the benchmark reports, by the names {@code wpack pack --preset} takes
 * (the packer's {@link Presets} table).
 *
 * <p>A preset is {@link #available()} when the packer on the class path knows its name, so the
 * benchmark builds and runs against a packer that lacks some of them and lists those as "not
 * yet available" instead of inventing numbers. For the lossy presets the competitors compress
 * the package's stored representation (the quantized codes: the same bytes the package
 * encodes), and the report adds the reconstruction error the packer measured.
 */
public enum Preset {
    LOSSLESS("lossless", "every tensor bit-exact"),
    INT8_CHANNEL("int8", "int8 symmetric, one scale per output channel"),
    INT4_GROUP32("int4-g32", "int4 symmetric, one scale per group of 32 along the reduction axis"),
    MAGNITUDE50_INT8("mag50-int8", "the 50% smallest-magnitude weights pruned, then int8 per channel"),
    MAGNITUDE80_INT8("mag80-int8", "the 80% smallest-magnitude weights pruned, then int8 per channel"),
    KMEANS16("kmeans16", "a 16-entry k-means codebook per tensor (Deep Compression)"),
    FP16("fp16", "IEEE half precision"),
    BF16("bf16", "bfloat16, round to nearest even");

    private final String id;
    private final String description;

    Preset(String id, String description) {
        this.id = id;
        this.description = description;
    }

    /** The name used by {@code wpack pack --preset}, in reports and in the threshold keys. */
    public String id() {
        return id;
    }

    /** What it does, with the packer's own {@code --quant}/{@code --prune} spelling when it has the preset. */
    public String description() {
        String packer = available() ? Presets.descriptions().get(id) : null;
        return packer != null ? packer : description;
    }

    /** Whether the packer on the class path has this preset. */
    public boolean available() {
        try {
            Presets.policy(id);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The six presets of the benchmark issue run by default; fp16 and bf16 only when asked for. */
    public boolean inDefaultRun() {
        return this != FP16 && this != BF16;
    }

    /** Whether unpacking gives back the source tensors bit for bit. */
    public boolean lossless() {
        return this == LOSSLESS;
    }

    /**
     * The packer options for this preset: the defaults (every codec suited to each tensor,
     * smallest wins) with the preset's tensor policy.
     *
     * @throws UnsupportedOperationException if the packer does not have the preset
     */
    public PackOptions packOptions() {
        if (!available()) {
            throw new UnsupportedOperationException("preset " + id + " is not yet available in the packer");
        }
        return PackOptions.defaults().withPolicy(Presets.policy(id));
    }

    public static Preset byId(String id) {
        for (Preset p : values()) {
            if (p.id.equals(id.toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown preset '" + id + "'; presets: " + ids());
    }

    public static String ids() {
        StringBuilder sb = new StringBuilder();
        for (Preset p : values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(p.id);
        }
        return sb.toString();
    }
}
