package io.wpack.quantizer.prune;

import io.wpack.formats.WpkFormatException;
import io.wpack.quantizer.FiniteValues;
import io.wpack.quantizer.WeightView;

import java.util.Arrays;

/**
 * Block-based column-row (BCR) pruning, after GRIM (Niu et al., 2021): the 2-D view
 * (rows = channels, see {@link WeightView#index2d}) is tiled into R×C blocks, and inside each
 * block whole rows and whole columns are removed, so that what survives in a block is a dense
 * sub-matrix a compiler can pack.
 *
 * <p>GRIM picks rows and columns by training with a group-lasso penalty; without training,
 * each block here greedily removes the remaining row or column with the least energy per
 * element it removes (sum of squares over its surviving elements, divided by their count;
 * ties: rows before columns, then lower index), as long as the block's pruned count stays
 * within {@code size - keepCount(size, s)}. Every block thus gets the same target rate s,
 * never exceeds it, and stops when no remaining row or column fits.
 */
public final class BcrPruner {
    private BcrPruner() {
    }

    public static PruningMask prune(WeightView view, int blockRows, int blockCols, double sparsity)
            throws WpkFormatException {
        if (blockRows < 1 || blockCols < 1) {
            throw new IllegalArgumentException("block must be at least 1x1: " + blockRows + "x" + blockCols);
        }
        Sparsity.check(sparsity);
        FiniteValues.require(view);
        int rows = view.rows();
        int cols = view.cols();
        boolean[] keep = new boolean[view.size()];
        for (int r0 = 0; r0 < rows; r0 += blockRows) {
            for (int c0 = 0; c0 < cols; c0 += blockCols) {
                pruneBlock(view, keep, r0, Math.min(rows, r0 + blockRows), c0, Math.min(cols, c0 + blockCols),
                        sparsity);
            }
        }
        return new PruningMask(keep);
    }

    private static void pruneBlock(WeightView view, boolean[] keep, int r0, int r1, int c0, int c1, double sparsity) {
        float[] values = view.values();
        int h = r1 - r0;
        int w = c1 - c0;
        int size = h * w;
        long budget = size - Sparsity.keepCount(size, sparsity);
        double[] squares = new double[size];
        double[] rowEnergy = new double[h];
        double[] colEnergy = new double[w];
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                double x = values[view.index2d(r0 + r, c0 + c)];
                squares[r * w + c] = x * x;
                rowEnergy[r] += x * x;
                colEnergy[c] += x * x;
            }
        }
        boolean[] rowAlive = new boolean[h];
        boolean[] colAlive = new boolean[w];
        Arrays.fill(rowAlive, true);
        Arrays.fill(colAlive, true);
        int aliveRows = h;
        int aliveCols = w;
        long pruned = 0;
        while (true) {
            int bestRow = -1;
            int bestCol = -1;
            double best = Double.POSITIVE_INFINITY;
            if (aliveCols > 0 && pruned + aliveCols <= budget) {
                for (int r = 0; r < h; r++) {
                    if (rowAlive[r] && rowEnergy[r] / aliveCols < best) {
                        best = rowEnergy[r] / aliveCols;
                        bestRow = r;
                    }
                }
            }
            if (aliveRows > 0 && pruned + aliveRows <= budget) {
                for (int c = 0; c < w; c++) {
                    if (colAlive[c] && colEnergy[c] / aliveRows < best) {
                        best = colEnergy[c] / aliveRows;
                        bestCol = c;
                        bestRow = -1;
                    }
                }
            }
            if (bestCol >= 0) {
                colAlive[bestCol] = false;
                pruned += aliveRows;
                aliveCols--;
                for (int r = 0; r < h; r++) {
                    if (rowAlive[r]) {
                        rowEnergy[r] = Math.max(0, rowEnergy[r] - squares[r * w + bestCol]);
                    }
                }
            } else if (bestRow >= 0) {
                rowAlive[bestRow] = false;
                pruned += aliveCols;
                aliveRows--;
                for (int c = 0; c < w; c++) {
                    if (colAlive[c]) {
                        colEnergy[c] = Math.max(0, colEnergy[c] - squares[bestRow * w + c]);
                    }
                }
            } else {
                break;
            }
        }
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                keep[view.index2d(r0 + r, c0 + c)] = rowAlive[r] && colAlive[c];
            }
        }
    }
}
