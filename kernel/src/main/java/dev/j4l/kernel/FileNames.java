package dev.j4l.kernel;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * The one conversion between the kernel's file names and paths (arbitrary bytes but NUL) and Java strings.
 *
 * <p>Valid UTF-8 decodes as usual. Each byte of a sequence that is not valid UTF-8 (stray continuation bytes,
 * truncated or overlong sequences, encoded surrogates, code points above U+10FFFF, 0xF5..0xFF) decodes to the
 * lone surrogate {@code U+DC80 + (byte - 0x80)}, and {@link #encode} turns such a surrogate back into its byte
 * (Python's "surrogateescape"). So every byte string survives {@code encode(decode(b))} unchanged, drivers
 * keep working with {@code String}, and names that are valid UTF-8 look exactly as before.
 *
 * <p>A string holding a lone surrogate that is not an escape ({@code U+D800..U+DC7F}, {@code U+DD00..U+DFFF},
 * or an unpaired high surrogate) names no byte string; encoding it throws {@link IllegalArgumentException}
 * rather than alias another name.
 */
public final class FileNames {
    private FileNames() {}

    private static final int ESCAPE = 0xDC00;

    /** Decodes {@code b[offset, offset+length)}. */
    public static String decode(byte[] b, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, b.length);
        int end = offset + length;
        int i = offset;
        while (i < end && b[i] >= 0) i++;
        if (i == end) return new String(b, offset, length, StandardCharsets.ISO_8859_1);
        // A name has at most one char per byte.
        char[] out = new char[length];
        int n = 0;
        for (int k = offset; k < i; k++) out[n++] = (char) b[k];
        while (i < end) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                out[n++] = (char) c;
                i++;
                continue;
            }
            int len = sequenceLength(b, i, end, c);
            if (len == 0) {
                out[n++] = (char) (ESCAPE + c);
                i++;
            } else if (len == 2) {
                out[n++] = (char) (((c & 0x1f) << 6) | (b[i + 1] & 0x3f));
                i += 2;
            } else if (len == 3) {
                out[n++] = (char) (((c & 0x0f) << 12) | ((b[i + 1] & 0x3f) << 6) | (b[i + 2] & 0x3f));
                i += 3;
            } else {
                int cp = ((c & 0x07) << 18) | ((b[i + 1] & 0x3f) << 12) | ((b[i + 2] & 0x3f) << 6) | (b[i + 3] & 0x3f);
                out[n++] = Character.highSurrogate(cp);
                out[n++] = Character.lowSurrogate(cp);
                i += 4;
            }
        }
        return new String(out, 0, n);
    }

    /** Decodes the whole array. */
    public static String decode(byte[] b) {
        return decode(b, 0, b.length);
    }

    /** Decodes {@code length} bytes of {@code buffer} at {@code offset}. */
    public static String decode(NativeBuffer buffer, long offset, int length) {
        return decode(buffer.segment(), offset, length);
    }

    static String decode(MemorySegment segment, long offset, int length) {
        byte[] b = new byte[length];
        MemorySegment.copy(segment, JAVA_BYTE, offset, b, 0, length);
        return decode(b, 0, length);
    }

    /**
     * Length of the valid UTF-8 sequence of lead byte {@code c} at {@code b[i]}, or 0 when it is not the start of
     * one (the well-formed table of Unicode 15 section 3.9, which excludes overlong forms, surrogates and code
     * points above U+10FFFF).
     */
    private static int sequenceLength(byte[] b, int i, int end, int c) {
        if (c < 0xC2) return 0;
        if (c < 0xE0) return i + 1 < end && cont(b[i + 1], 0x80, 0xBF) ? 2 : 0;
        if (c < 0xF0) {
            if (i + 2 >= end) return 0;
            int lo = c == 0xE0 ? 0xA0 : 0x80;
            int hi = c == 0xED ? 0x9F : 0xBF;
            return cont(b[i + 1], lo, hi) && cont(b[i + 2], 0x80, 0xBF) ? 3 : 0;
        }
        if (c < 0xF5) {
            if (i + 3 >= end) return 0;
            int lo = c == 0xF0 ? 0x90 : 0x80;
            int hi = c == 0xF4 ? 0x8F : 0xBF;
            return cont(b[i + 1], lo, hi) && cont(b[i + 2], 0x80, 0xBF) && cont(b[i + 3], 0x80, 0xBF) ? 4 : 0;
        }
        return 0;
    }

    private static boolean cont(byte v, int lo, int hi) {
        int x = v & 0xff;
        return x >= lo && x <= hi;
    }

    /** The number of bytes {@link #encode} produces for {@code s}. */
    public static int encodedLength(String s) {
        int len = s.length();
        int i = 0;
        while (i < len && s.charAt(i) < 0x80) i++;
        if (i == len) return len;
        int n = i;
        while (i < len) {
            char ch = s.charAt(i);
            if (ch < 0x80) {
                n++;
            } else if (ch < 0x800) {
                n += 2;
            } else if (!Character.isSurrogate(ch)) {
                n += 3;
            } else if (Character.isHighSurrogate(ch) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (isEscape(ch)) {
                n++;
            } else {
                throw unencodable(s, i);
            }
            i++;
        }
        return n;
    }

    /** The bytes of {@code s}. */
    public static byte[] encode(String s) {
        byte[] b = new byte[encodedLength(s)];
        encode(s, b, 0);
        return b;
    }

    /**
     * Writes the bytes of {@code s} to {@code dst[offset..]} (no terminator); returns how many. The room needed
     * is {@link #encodedLength}.
     */
    public static int encode(String s, byte[] dst, int offset) {
        int len = s.length();
        int p = offset;
        int i = 0;
        while (i < len) {
            char ch = s.charAt(i++);
            if (ch < 0x80) {
                dst[p++] = (byte) ch;
            } else if (ch < 0x800) {
                dst[p++] = (byte) (0xC0 | (ch >> 6));
                dst[p++] = (byte) (0x80 | (ch & 0x3f));
            } else if (!Character.isSurrogate(ch)) {
                dst[p++] = (byte) (0xE0 | (ch >> 12));
                dst[p++] = (byte) (0x80 | ((ch >> 6) & 0x3f));
                dst[p++] = (byte) (0x80 | (ch & 0x3f));
            } else if (Character.isHighSurrogate(ch) && i < len && Character.isLowSurrogate(s.charAt(i))) {
                int cp = Character.toCodePoint(ch, s.charAt(i++));
                dst[p++] = (byte) (0xF0 | (cp >> 18));
                dst[p++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                dst[p++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                dst[p++] = (byte) (0x80 | (cp & 0x3f));
            } else if (isEscape(ch)) {
                dst[p++] = (byte) (ch - ESCAPE);
            } else {
                throw unencodable(s, i - 1);
            }
        }
        return p - offset;
    }

    /** Writes the bytes of {@code s} into {@code dst} at {@code offset} (no terminator); returns how many. */
    public static int encode(String s, NativeBuffer dst, long offset) {
        return encode(s, dst.segment(), offset);
    }

    static int encode(String s, MemorySegment dst, long offset) {
        int len = s.length();
        int i = 0;
        while (i < len && s.charAt(i) < 0x80) i++;
        if (i == len) {
            MemorySegment slice = dst.asSlice(offset, len);
            for (int k = 0; k < len; k++) slice.set(JAVA_BYTE, k, (byte) s.charAt(k));
            return len;
        }
        byte[] b = encode(s);
        MemorySegment.copy(b, 0, dst, JAVA_BYTE, offset, b.length);
        return b.length;
    }

    private static boolean isEscape(char ch) {
        return ch >= ESCAPE + 0x80 && ch <= ESCAPE + 0xFF;
    }

    private static IllegalArgumentException unencodable(String s, int i) {
        return new IllegalArgumentException(String.format(
                "name holds a lone surrogate U+%04X at index %d that stands for no byte", (int) s.charAt(i), i));
    }
}
