package io.wpack.encoders;

import io.wpack.formats.WpkFormatException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;


/**
 * Decodes one LZ4 block in plain Java, with no dependency, so that the loader can read
 * {@code lz4} tensors on any JVM or Android.
 *
 * <p>Byte grammar (LZ4 block format, as written by the reference encoder and commons-compress):
 * <pre>
 * block    = sequence* last
 * sequence = token literalLengthExtension? literal* offset matchLengthExtension?
 * last     = token literalLengthExtension? literal*      ; ends the input, match nibble 0
 * token    = byte: high nibble literal length, low nibble match length - 4
 * extension, for a nibble of 15 = byte* ; added to 15, continues while the byte is 255
 * offset   = uint16 little-endian, 1..bytes decoded so far ; distance back to the match
 * </pre>
 * A match may overlap its own output (offset smaller than its length), which repeats the last
 * {@code offset} bytes. An empty block is the single token {@code 0x00}.
 *
 * <p>The reference decoder also rejects blocks whose last match ends within 5 bytes of the end or
 * starts within 12; those rules only serve decoders that over-copy without checks, so we accept
 * such blocks, as commons-compress does.
 *
 * <p>Every length and offset is checked against the stream and the destination before anything
 * is copied (structure after aircompressor's {@code Lz4RawDecompressor}). Copies then take one of
 * two paths. Away from both ends, short runs copy as a fixed number of 8-byte words: 16 bytes for
 * up to 16 literals, and 24 bytes or more for a match at an offset of at least 8. The spill past
 * the run lands in output that later runs overwrite, or is input read but unused. Near either
 * end, and for long literal runs and close overlapping matches, copies are exact.
 *
 * <p>The checks throw directly instead of through {@code Verify.verify}: its varargs box their
 * arguments on every call, even when the check passes, which cost a third of the decoding speed.
 */
final class Lz4BlockDecoder {
    private static final int MIN_MATCH = 4;
    private static final int RUN_MASK = 15;
    private static final int WORD = 8;

    private Lz4BlockDecoder() {
    }

    /**
     * Decodes {@code in[inStart, inEnd)} into exactly {@code out[outStart, outEnd)}. Back-references
     * may not reach before {@code outStart}, and nothing outside {@code [outStart, outEnd)} is
     * written. Error offsets are relative to {@code inStart}.
     */
    static void decode(byte[] in, int inStart, int inEnd, byte[] out, int outStart, int outEnd)
            throws WpkFormatException {
        // Views for word-sized loads and stores: plain Java that Android has too, and which
        // HotSpot compiles to single unaligned loads and stores.
        ByteBuffer inWords = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer outWords = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        int ip = inStart;
        int op = outStart;
        if (ip >= inEnd) {
            throw malformed(0, "lz4 stream is empty; an empty block is the single token 0x00");
        }

        while (true) {
            if (ip >= inEnd) {
                throw malformed(ip - inStart, "lz4 stream ends after a match; the last sequence must hold only literals");
            }
            int token = in[ip++] & 0xFF;

            int literalLength = token >>> 4;
            if (literalLength == RUN_MASK) {
                // Each extension byte is checked against the output left before it is added, so
                // the length can neither overflow nor outgrow the destination.
                int limit = outEnd - op;
                if (literalLength > limit) {
                    throw malformed(ip - inStart,
                            "lz4 literal run of at least %d bytes overflows the %d output bytes left", literalLength, limit);
                }
                int b;
                do {
                    if (ip >= inEnd) {
                        throw malformed(ip - inStart, "lz4 stream ends inside a literal length");
                    }
                    b = in[ip++] & 0xFF;
                    if (b > limit - literalLength) {
                        throw malformed(ip - 1 - inStart,
                                "lz4 literal run longer than the %d output bytes left", limit);
                    }
                    literalLength += b;
                } while (b == 255);
            }
            if (literalLength > inEnd - ip) {
                throw malformed(ip - inStart,
                        "lz4 literal run of %d bytes runs past the end of the stream", literalLength);
            }
            if (literalLength > outEnd - op) {
                throw malformed(ip - inStart,
                        "lz4 literal run of %d bytes overflows the %d output bytes left", literalLength, outEnd - op);
            }
            if (literalLength <= 2 * WORD && inEnd - ip >= 2 * WORD && outEnd - op >= 2 * WORD) {
                // Most literal runs are this short: two whole words, no length-dependent loop.
                outWords.putLong(op, inWords.getLong(ip));
                outWords.putLong(op + WORD, inWords.getLong(ip + WORD));
            } else {
                System.arraycopy(in, ip, out, op, literalLength);
            }
            ip += literalLength;
            op += literalLength;

            if (ip == inEnd) {
                if ((token & RUN_MASK) != 0) {
                    throw malformed(ip - 1 - inStart, "lz4 last sequence has a match length but no match");
                }
                if (op != outEnd) {
                    throw malformed(ip - inStart,
                            "lz4 stream decodes to %d bytes, expected %d", op - outStart, outEnd - outStart);
                }
                return;
            }

            if (inEnd - ip < 2) {
                throw malformed(ip - inStart, "lz4 stream ends inside a match offset");
            }
            int offset = (in[ip] & 0xFF) | (in[ip + 1] & 0xFF) << 8;
            if (offset == 0 || offset > op - outStart) {
                throw malformed(ip - inStart,
                        "lz4 back-reference offset %d reaches before the start of the output (%d bytes decoded)",
                        offset, op - outStart);
            }
            ip += 2;

            int limit = outEnd - op;
            int matchLength = (token & RUN_MASK) + MIN_MATCH;
            if (matchLength > limit) {
                throw malformed(ip - inStart,
                        "lz4 match of at least %d bytes overflows the %d output bytes left", matchLength, limit);
            }
            if ((token & RUN_MASK) == RUN_MASK) {
                int b;
                do {
                    if (ip >= inEnd) {
                        throw malformed(ip - inStart, "lz4 stream ends inside a match length");
                    }
                    b = in[ip++] & 0xFF;
                    if (b > limit - matchLength) {
                        throw malformed(ip - 1 - inStart,
                                "lz4 match longer than the %d output bytes left", limit);
                    }
                    matchLength += b;
                } while (b == 255);
            }
            if (offset >= WORD && limit >= 3 * WORD && limit - matchLength >= WORD) {
                // Each word reads bytes at least a word behind the ones it writes, so all of them
                // are final, even when the match overlaps its own output.
                int from = op - offset;
                outWords.putLong(op, outWords.getLong(from));
                outWords.putLong(op + WORD, outWords.getLong(from + WORD));
                outWords.putLong(op + 2 * WORD, outWords.getLong(from + 2 * WORD));
                for (int i = 3 * WORD; i < matchLength; i += WORD) {
                    outWords.putLong(op + i, outWords.getLong(from + i));
                }
            } else {
                copyMatch(out, op, offset, matchLength);
            }
            op += matchLength;
        }
    }

    /** Out of line, so that the checks in the loop cost a compare and a branch. */
    private static WpkFormatException malformed(long offset, String format, Object... args) {
        return new WpkFormatException(offset, String.format(format, args));
    }

    /** {@code out[op + i] = out[op - offset + i]} for i in [0, length), where later bytes may repeat earlier ones. */
    private static void copyMatch(byte[] out, int op, int offset, int length) {
        int from = op - offset;
        if (offset >= length) {
            System.arraycopy(out, from, out, op, length);
        } else if (offset == 1) {
            Arrays.fill(out, op, op + length, out[from]);
        } else if (length <= 32) {
            for (int i = 0; i < length; i++) {
                out[op + i] = out[from + i];
            }
        } else {
            // [from, op) repeats with period offset; copying from 'from' keeps it so while the
            // copied span doubles each round.
            int end = op + length;
            while (op < end) {
                int n = Math.min(op - from, end - op);
                System.arraycopy(out, from, out, op, n);
                op += n;
            }
        }
    }
}
