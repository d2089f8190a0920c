package io.wpack.encoders.sparse;

/**
 * Receives an N:M-decoded matrix row by row, from {@link NmCodec#decodeTo}: for each group of M
 * elements, which positions it stores and their values, as a 2:4 sparse kernel wants its values
 * and index metadata.
 */
public interface NmRowVisitor {
    /**
     * Row {@code row}'s {@code groups} groups: group g covers columns {@code [g·M, min(cols, g·M
     * + M))}; bit j of {@code masks[g]} is set when its element j is stored. Stored values follow
     * one another in {@code values} from {@code valuesOffset}, group by group, positions in
     * increasing order; elements not stored are zero. A group that keeps N positions may store
     * zeros among them; one with more than N bits set is an escaped (dense) group, or a last
     * group of at most N elements, stored whole. The arrays belong to the decoder and change
     * after the call returns.
     */
    void row(int row, int[] masks, int groups, byte[] values, int valuesOffset);
}
