package io.wpack.quantizer.prune;

import io.wpack.formats.WpkFormatException;
import io.wpack.quantizer.FiniteValues;
import io.wpack.quantizer.WeightView;

/**
 * Block sparsity: the 2-D view (rows = channels, columns = everything else, see
 * {@link WeightView#index2d}) is tiled into R×C blocks, the last ones in each direction
 * smaller when R or C does not divide the view, and whole blocks are pruned in increasing
 * order of L2 norm (ties: lower block index, blocks numbered row-major). Dense blocks
 * are what block-sparse kernels (BSR) run fast.
 *
 * <p>Pruning stops before the first block that would push the pruned count past
 * {@code n - keepCount(n, s)}: the achieved sparsity never exceeds s and falls short by
 * less than one block. Edge blocks are smaller and so have smaller norms; that bias is
 * accepted, since a smaller block also costs less to keep.
 */
public final class BlockPruner {
    private BlockPruner() {
    }

    public static PruningMask prune(WeightView view, int blockRows, int blockCols, double sparsity)
            throws WpkFormatException {
        if (blockRows < 1 || blockCols < 1) {
            throw new IllegalArgumentException("block must be at least 1x1: " + blockRows + "x" + blockCols);
        }
        Sparsity.check(sparsity);
        FiniteValues.require(view);
        float[] values = view.values();
        int rows = view.rows();
        int cols = view.cols();
        int blocksDown = (rows + blockRows - 1) / blockRows;
        int blocksAcross = (cols + blockCols - 1) / blockCols;
        int blocks = Math.multiplyExact(blocksDown, blocksAcross);
        double[] energy = new double[blocks];
        for (int r = 0; r < rows; r++) {
            int base = (r / blockRows) * blocksAcross;
            for (int c = 0; c < cols; c++) {
                double x = values[view.index2d(r, c)];
                energy[base + c / blockCols] += x * x;
            }
        }
        int[] order = Ordering.ascending(energy);

        long budget = values.length - Sparsity.keepCount(values.length, sparsity);
        boolean[] prunedBlock = new boolean[blocks];
        long pruned = 0;
        for (int b : order) {
            int br = b / blocksAcross;
            int bc = b % blocksAcross;
            long size = (long) (Math.min(rows, (br + 1) * blockRows) - br * blockRows)
                    * (Math.min(cols, (bc + 1) * blockCols) - bc * blockCols);
            if (pruned + size > budget) {
                break;
            }
            prunedBlock[b] = true;
            pruned += size;
        }
        boolean[] keep = new boolean[values.length];
        for (int r = 0; r < rows; r++) {
            int base = (r / blockRows) * blocksAcross;
            for (int c = 0; c < cols; c++) {
                keep[view.index2d(r, c)] = !prunedBlock[base + c / blockCols];
            }
        }
        return new PruningMask(keep);
    }
}
