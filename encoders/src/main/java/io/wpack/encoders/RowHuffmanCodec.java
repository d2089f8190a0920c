package io.wpack.encoders;

import io.wpack.encoders.huffman.BitWriter;
import io.wpack.encoders.huffman.CanonicalHuffmanDecoder;
import io.wpack.encoders.huffman.CanonicalHuffmanEncoder;
import io.wpack.encoders.huffman.InputCursor;
import io.wpack.encoders.sparse.SparseParams;
import io.wpack.formats.WpkFormatException;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * Order-0 Huffman over one-byte elements (int8/uint8 codes) in a row-major rows×cols view, with
 * up to {@value #MAX_TABLES} codes, each used by the blocks of rows whose values it fits: for
 * layers whose output channels (rows) have different value distributions, which one shared code
 * (plain {@link HuffmanCodec}) codes at the cost of the average. Per-channel or per-block tables
 * are one of the forms of Huffman coding Wen and Gregg compare for network weights.
 *
 * <p>Parameters: {@code rows} and {@code cols} (1..2^31 - 1, product too), {@code width} = 1
 * (bytes per element). A chunk is exactly rows·cols bytes.
 *
 * <p>Byte grammar (Huffman sections: see {@link CanonicalHuffmanEncoder}; byte sections have
 * codes of at most 12 bits):
 * <pre>
 * stream    = 01 section                        ; one table: the chunk as one byte section
 *           | T:byte blockRows:varint mapSize:varint map (size:varint section){T-1} section
 * T         = number of tables, 2..16
 * blockRows = rows per block, 1..rows; block k is rows [k·R, min(rows, (k+1)·R)), so there are
 *             B = ceil(rows / R) blocks, at least T
 * map       = a byte section of B symbols (mapSize bytes): block k's table, below T; every
 *             table is used by some block
 * section t = a byte section of the bytes of the blocks whose table is t, in block order,
 *             n_t = their total length; sizes give the byte length of every section but the
 *             last, which runs to the end of the stream
 * </pre>
 * Each section is an ordinary Huffman section with its own code-length table, so the blocks
 * that share a code are decoded in one run of the four-stream decoder, which resolves up to two
 * codes per lookup, and then copied to their rows.
 *
 * <p>The encoder cuts the rows into blocks of at least {@value #MIN_BLOCK_BYTES} bytes (one
 * block per row when rows are that long; at most {@value #MAX_BLOCKS} blocks), then clusters the
 * blocks' histograms, k-means style: it starts from one shared code, seeds a new code with the
 * block the current codes fit worst, lets every block take the code that costs it fewest bits,
 * rebuilds each code from its blocks' counts, and keeps the new table only when the estimated
 * output (tables, map, coded bits) shrinks. Estimates come from histograms and code lengths, so
 * the work is linear in the chunk. With one table the stream is {@code huffman}'s plus one byte,
 * and the encoder falls back to that whenever it is not larger.
 */
public final class RowHuffmanCodec implements ByteCodec {
    public static final String NAME = "huffman-rows";
    public static final int MAX_TABLES = 16;
    /** Blocks are the fewest whole rows holding at least this many bytes, so a table's cost is spread. */
    static final int MIN_BLOCK_BYTES = 1024;
    /** Bounds the clustering work (blocks × tables × symbols per round) on large chunks. */
    static final int MAX_BLOCKS = 1024;
    private static final int ROUNDS = 6;
    /** A table is added only when it saves more than this many bytes plus the output over {@link #MIN_GAIN_FRACTION}. */
    private static final int MIN_GAIN_BYTES = 8;
    private static final int MIN_GAIN_FRACTION = 512;
    /** Bits charged per symbol a code lacks, when a block weighs joining it (the code is then rebuilt to include it). */
    private static final int MISSING_SYMBOL_BITS = HuffmanCodec.MAX_CODE_LENGTH + 2;
    private static final int STREAM_CODE_LIMIT = 12;

    private final int rows;
    private final int cols;
    private final int size;
    private final Map<String, String> params;

    /** @throws IllegalArgumentException for a dimension below 1 or rows·cols over 2^31 - 1 */
    public RowHuffmanCodec(int rows, int cols) {
        SparseParams.checkRange(NAME, SparseParams.ROWS, rows, 1, Integer.MAX_VALUE);
        SparseParams.checkRange(NAME, SparseParams.COLS, cols, 1, Integer.MAX_VALUE);
        this.rows = rows;
        this.cols = cols;
        this.size = SparseParams.product(rows, cols);
        this.params = SparseParams.ordered(SparseParams.ROWS, rows, SparseParams.COLS, cols, SparseParams.WIDTH, 1);
    }

    /** The codec a manifest stage's parameters describe: exactly {@code rows}, {@code cols}, {@code width} = 1. */
    public static RowHuffmanCodec fromParams(Map<String, String> params) throws WpkFormatException {
        int[] shape = SparseParams.matrix(NAME, params);
        return new RowHuffmanCodec(shape[0], shape[1]);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, String> params() {
        return params;
    }

    // ---- encoding

    @Override
    public byte[] encode(byte[] src, int off, int len) {
        Buffers.checkRange(src, off, len);
        if (len != size) {
            throw new IllegalArgumentException(NAME + " of shape " + rows + "x" + cols + " codes chunks of " + size
                    + " bytes, not " + len);
        }
        byte[] single = encodeOneTable(src, off, len);
        int blockRows = blockRows(rows, cols);
        int blocks = blockCount(blockRows);
        if (blocks < 2) {
            return single;
        }
        Clustering clustering = new Clustering(src, off, blockRows, blocks);
        int[] assignment = clustering.choose();
        int tables = 1 + max(assignment);
        if (tables == 1) {
            return single;
        }
        byte[] several = encodeTables(src, off, blockRows, assignment, tables);
        // The choice rests on estimates; the exact sizes settle a near tie.
        return several.length < single.length ? several : single;
    }

    /** The fewest rows that hold {@link #MIN_BLOCK_BYTES}, and enough for at most {@link #MAX_BLOCKS} blocks. */
    static int blockRows(int rows, int cols) {
        long minBytes = Math.max(MIN_BLOCK_BYTES, ((long) rows * cols + MAX_BLOCKS - 1) / MAX_BLOCKS);
        long r = (minBytes + cols - 1) / cols;
        return (int) Math.min(rows, Math.max(1, r));
    }

    private int blockCount(int blockRows) {
        return (rows - 1) / blockRows + 1;
    }

    private static byte[] encodeOneTable(byte[] src, int off, int len) {
        BitWriter out = new BitWriter(len / 2 + 64);
        out.writeByte(1);
        HuffmanCodec.writeSection(src, off, len, out);
        return out.toByteArray();
    }

    private byte[] encodeTables(byte[] src, int off, int blockRows, int[] assignment, int tables) {
        int blocks = assignment.length;
        int blockBytes = blockRows * cols;
        byte[] map = new byte[blocks];
        long[] lengths = new long[tables];
        for (int k = 0; k < blocks; k++) {
            map[k] = (byte) assignment[k];
            lengths[assignment[k]] += blockLength(k, blockRows);
        }
        int[] next = new int[tables];
        for (int t = 1; t < tables; t++) {
            next[t] = next[t - 1] + (int) lengths[t - 1];
        }
        int[] starts = next.clone();
        byte[] gathered = new byte[size];
        for (int k = 0; k < blocks; k++) {
            int length = blockLength(k, blockRows);
            System.arraycopy(src, off + k * blockBytes, gathered, next[assignment[k]], length);
            next[assignment[k]] += length;
        }

        BitWriter out = new BitWriter(size / 2 + 64);
        out.writeByte(tables);
        out.writeVarint(blockRows);
        BitWriter mapSection = new BitWriter(blocks / 2 + 64);
        HuffmanCodec.writeSection(map, 0, blocks, mapSection);
        out.writeVarint(mapSection.sizeInBytes());
        out.writeAll(mapSection);
        for (int t = 0; t < tables; t++) {
            BitWriter section = new BitWriter((int) (lengths[t] / 2) + 64);
            HuffmanCodec.writeSection(gathered, starts[t], (int) lengths[t], section);
            if (t < tables - 1) {
                out.writeVarint(section.sizeInBytes());
            }
            out.writeAll(section);
        }
        return out.toByteArray();
    }

    private int blockLength(int k, int blockRows) {
        return Math.min(blockRows, rows - k * blockRows) * cols;
    }

    private static int max(int[] values) {
        int m = 0;
        for (int v : values) {
            m = Math.max(m, v);
        }
        return m;
    }

    /**
     * Chooses which blocks share a code. A state is just the assignment of blocks to tables
     * 0..T-1; each table's code is the optimal code for its blocks' summed counts, and a state's
     * cost is the estimated stream size in bytes.
     */
    private final class Clustering {
        private final int blocks;
        private final int blockRows;
        /** Per block, its distinct symbols and their counts, in {@code [first[k], first[k+1])}. */
        private final int[] first;
        private final int[] symbols;
        private final int[] counts;
        private final long[] ownBits;

        Clustering(byte[] src, int off, int blockRows, int blocks) {
            this.blocks = blocks;
            this.blockRows = blockRows;
            int blockBytes = blockRows * cols;
            first = new int[blocks + 1];
            int[] histogram = new int[256];
            int[] symbolsGrow = new int[Math.min(256 * blocks, size)];
            int[] countsGrow = new int[symbolsGrow.length];
            int used = 0;
            ownBits = new long[blocks];
            for (int k = 0; k < blocks; k++) {
                Arrays.fill(histogram, 0);
                int start = off + k * blockBytes;
                int length = blockLength(k, blockRows);
                for (int i = start, end = start + length; i < end; i++) {
                    histogram[src[i] & 0xFF]++;
                }
                first[k] = used;
                // Order-0 entropy, n log2 n - sum c log2 c; StrictMath so that every JVM seeds alike.
                double entropy = length * StrictMath.log(length);
                for (int s = 0; s < 256; s++) {
                    int c = histogram[s];
                    if (c != 0) {
                        symbolsGrow[used] = s;
                        countsGrow[used++] = c;
                        entropy -= c * StrictMath.log(c);
                    }
                }
                ownBits[k] = (long) (entropy / StrictMath.log(2));
            }
            first[blocks] = used;
            symbols = symbolsGrow;
            counts = countsGrow;
        }

        int[] choose() {
            int[] assignment = new int[blocks];
            int tables = 1;
            long best = cost(assignment, tables);
            while (tables < MAX_TABLES && tables < blocks) {
                int[][] bits = bitsPerSymbol(assignment, tables);
                int seed = worstFit(assignment, bits);
                if (seed < 0) {
                    break;
                }
                int[] trial = assignment.clone();
                trial[seed] = tables;
                int[] bestTrial = null;
                long bestTrialCost = Long.MAX_VALUE;
                int trialTables = tables + 1;
                for (int round = 0; round < ROUNDS; round++) {
                    int[] moved = reassign(trial, bitsPerSymbol(trial, trialTables));
                    trialTables = compact(moved);
                    boolean changed = !Arrays.equals(moved, trial);
                    trial = moved;
                    long c = cost(trial, trialTables);
                    if (c < bestTrialCost) {
                        bestTrialCost = c;
                        bestTrial = trial.clone();
                    }
                    if (!changed) {
                        break;
                    }
                }
                int bestTrialTables = 1 + max(bestTrial);
                if (bestTrialCost >= best - worthwhileGain(best) || bestTrialTables <= tables) {
                    break;
                }
                assignment = bestTrial;
                tables = bestTrialTables;
                best = bestTrialCost;
            }
            return prune(assignment, tables, best);
        }

        /**
         * Savings below this are kept out: on blocks drawn from one distribution, tables fitted
         * to sampling noise save a few hundredths of a percent, not worth a table's decode.
         */
        private long worthwhileGain(long cost) {
            return MIN_GAIN_BYTES + cost / MIN_GAIN_FRACTION;
        }

        /** Drops every table whose blocks are coded smaller, table included, by the others. */
        private int[] prune(int[] assignment, int tables, long cost) {
            for (int t = tables - 1; t >= 0 && tables > 1; t--) {
                int[][] bits = bitsPerSymbol(assignment, tables);
                int[] trial = assignment.clone();
                for (int k = 0; k < blocks; k++) {
                    if (trial[k] == t) {
                        trial[k] = cheapest(k, bits, t);
                    }
                }
                int trialTables = compact(trial);
                long c = cost(trial, trialTables);
                if (c < cost) {
                    assignment = trial;
                    tables = trialTables;
                    cost = c;
                }
            }
            return assignment;
        }

        /** The block whose bits under its table exceed its own entropy the most, or -1 if none by much. */
        private int worstFit(int[] assignment, int[][] bits) {
            int worst = -1;
            long worstExcess = 8 * 16; // less cannot pay for a table of its own
            for (int k = 0; k < blocks; k++) {
                long excess = blockBits(k, bits[assignment[k]]) - ownBits[k];
                if (excess > worstExcess) {
                    worstExcess = excess;
                    worst = k;
                }
            }
            return worst;
        }

        private int[] reassign(int[] assignment, int[][] bits) {
            int[] moved = new int[blocks];
            for (int k = 0; k < blocks; k++) {
                int current = assignment[k];
                long best = blockBits(k, bits[current]);
                int choice = current;
                for (int t = 0; t < bits.length; t++) {
                    if (t != current) {
                        long b = blockBits(k, bits[t]);
                        if (b < best) {
                            best = b;
                            choice = t;
                        }
                    }
                }
                moved[k] = choice;
            }
            return moved;
        }

        /** The table other than {@code excluded} that codes block k in the fewest bits. */
        private int cheapest(int k, int[][] bits, int excluded) {
            int choice = -1;
            long best = Long.MAX_VALUE;
            for (int t = 0; t < bits.length; t++) {
                if (t != excluded) {
                    long b = blockBits(k, bits[t]);
                    if (b < best) {
                        best = b;
                        choice = t;
                    }
                }
            }
            return choice;
        }

        private long blockBits(int k, int[] bitsPerSymbol) {
            long total = 0;
            for (int i = first[k]; i < first[k + 1]; i++) {
                total += (long) counts[i] * bitsPerSymbol[symbols[i]];
            }
            return total;
        }

        /** Renumbers the used tables 0..T-1 in order of first use; returns T. */
        private int compact(int[] assignment) {
            int[] renumber = new int[MAX_TABLES];
            Arrays.fill(renumber, -1);
            int tables = 0;
            for (int k = 0; k < blocks; k++) {
                int t = assignment[k];
                if (renumber[t] < 0) {
                    renumber[t] = tables++;
                }
                assignment[k] = renumber[t];
            }
            return tables;
        }

        private long[][] tableCounts(int[] assignment, int tables) {
            long[][] sums = new long[tables][256];
            for (int k = 0; k < blocks; k++) {
                long[] sum = sums[assignment[k]];
                for (int i = first[k]; i < first[k + 1]; i++) {
                    sum[symbols[i]] += counts[i];
                }
            }
            return sums;
        }

        /** Per table, the bits of each symbol under its code: 0 for a single-symbol code, a penalty for a symbol without a code. */
        private int[][] bitsPerSymbol(int[] assignment, int tables) {
            long[][] sums = tableCounts(assignment, tables);
            int[][] bits = new int[tables][];
            for (int t = 0; t < tables; t++) {
                CanonicalHuffmanEncoder code = CanonicalHuffmanEncoder.fromCounts(sums[t], HuffmanCodec.MAX_CODE_LENGTH);
                int[] lengths = code.codeLengths();
                boolean single = code.usedSymbols() == 1;
                for (int s = 0; s < 256; s++) {
                    lengths[s] = lengths[s] == 0 ? MISSING_SYMBOL_BITS : single ? 0 : lengths[s];
                }
                bits[t] = lengths;
            }
            return bits;
        }

        /** Estimated stream bytes of this assignment, to within the padding of the sections. */
        private long cost(int[] assignment, int tables) {
            long[][] sums = tableCounts(assignment, tables);
            long total = 1;
            if (tables > 1) {
                long[] mapCounts = new long[256];
                for (int t : assignment) {
                    mapCounts[t]++;
                }
                long map = CanonicalHuffmanEncoder.fromCounts(mapCounts, HuffmanCodec.MAX_CODE_LENGTH)
                        .sectionSizeEstimate(mapCounts, blocks);
                total += varintSize(blockRows) + varintSize(map) + map;
            }
            for (int t = 0; t < tables; t++) {
                long n = 0;
                for (long c : sums[t]) {
                    n += c;
                }
                long section = CanonicalHuffmanEncoder.fromCounts(sums[t], HuffmanCodec.MAX_CODE_LENGTH)
                        .sectionSizeEstimate(sums[t], n);
                total += section + (t < tables - 1 ? varintSize(section) : 0);
            }
            return total;
        }
    }

    private static int varintSize(long value) {
        int bytes = 1;
        while (value >= 0x80) {
            value >>>= 7;
            bytes++;
        }
        return bytes;
    }

    // ---- decoding

    @Override
    public void decode(ByteBuffer src, ByteBuffer dst) throws WpkFormatException {
        if (dst.remaining() != size) {
            throw new WpkFormatException(NAME + " of shape " + rows + "x" + cols + " decodes to " + size
                    + " bytes, not " + dst.remaining());
        }
        byte[] in = Buffers.arrayOf(src);
        int inStart = Buffers.arrayOffsetOf(src);
        InputCursor cursor = new InputCursor(in, inStart, inStart, inStart + src.remaining());
        long tablesAt = cursor.offset();
        int tables = cursor.readByte("the table count");
        if (tables < 1 || tables > MAX_TABLES) {
            throw new WpkFormatException(tablesAt, "table count " + tables + " is not in [1, " + MAX_TABLES + "]");
        }
        if (tables == 1) {
            if (dst.hasArray()) {
                CanonicalHuffmanDecoder.decodeBytes(cursor, STREAM_CODE_LIMIT, dst.array(),
                        dst.arrayOffset() + dst.position(), size);
            } else {
                byte[] out = new byte[size];
                CanonicalHuffmanDecoder.decodeBytes(cursor, STREAM_CODE_LIMIT, out, 0, size);
                Buffers.putAtPosition(dst, out, 0, size);
            }
        } else {
            decodeTables(cursor, tables, dst);
        }
        Buffers.consume(src);
        Buffers.consume(dst);
    }

    private void decodeTables(InputCursor in, int tables, ByteBuffer dst) throws WpkFormatException {
        long blockRowsAt = in.offset();
        int blockRows = in.readVarint(rows, "rows per block");
        if (blockRows < 1) {
            throw new WpkFormatException(blockRowsAt, "blocks of 0 rows");
        }
        int blocks = blockCount(blockRows);
        if (blocks < tables) {
            throw new WpkFormatException(blockRowsAt, blocks + " blocks cannot use " + tables + " tables");
        }
        int mapSize = in.readVarint(in.remaining(), "size of the table map");
        long mapAt = in.offset();
        byte[] map = new byte[blocks]; // blocks <= rows <= the destination size
        CanonicalHuffmanDecoder.decodeBytes(in.take(mapSize, "table map"), STREAM_CODE_LIMIT, map, 0, blocks);
        long[] lengths = new long[tables];
        for (int k = 0; k < blocks; k++) {
            if (map[k] < 0 || map[k] >= tables) {
                throw new WpkFormatException(mapAt, "block " + k + " uses table " + (map[k] & 0xFF) + " of " + tables);
            }
            lengths[map[k]] += blockLength(k, blockRows);
        }
        int[] next = new int[tables];
        for (int t = 0; t < tables; t++) {
            if (lengths[t] == 0) {
                throw new WpkFormatException(mapAt, "table " + t + " is used by no block");
            }
            if (t > 0) {
                next[t] = next[t - 1] + (int) lengths[t - 1];
            }
        }
        // The lengths add up to the destination size, so every table's bytes fit this buffer.
        byte[] gathered = new byte[size];
        for (int t = 0; t < tables; t++) {
            InputCursor section = in;
            if (t < tables - 1) {
                section = in.take(in.readVarint(in.remaining(), "section size"), "section of table " + t);
            }
            CanonicalHuffmanDecoder.decodeBytes(section, STREAM_CODE_LIMIT, gathered, next[t], (int) lengths[t]);
        }
        int blockBytes = blockRows * cols;
        if (dst.hasArray()) {
            byte[] out = dst.array();
            int outStart = dst.arrayOffset() + dst.position();
            for (int k = 0; k < blocks; k++) {
                int length = blockLength(k, blockRows);
                System.arraycopy(gathered, next[map[k]], out, outStart + k * blockBytes, length);
                next[map[k]] += length;
            }
        } else {
            ByteBuffer out = dst.duplicate();
            for (int k = 0; k < blocks; k++) {
                int length = blockLength(k, blockRows);
                out.put(gathered, next[map[k]], length);
                next[map[k]] += length;
            }
        }
    }

    @Override
    public int decodeSpeedRank() {
        return 4;
    }

    @Override
    public String toString() {
        return NAME + "(" + rows + "x" + cols + ")";
    }
}
