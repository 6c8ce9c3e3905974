package dev.j4l.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FileNamesTest {
    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        return b;
    }

    private static void assertRoundTrip(byte[] b) {
        String s = FileNames.decode(b);
        assertEquals(b.length, FileNames.encodedLength(s), s);
        assertArrayEquals(b, FileNames.encode(s));
        byte[] dst = new byte[b.length + 3];
        assertEquals(b.length, FileNames.encode(s, dst, 3));
        assertArrayEquals(b, java.util.Arrays.copyOfRange(dst, 3, dst.length));
    }

    /**
     * An independent oracle: the JDK's strict UTF-8 decoder, each malformed range it reports (the Unicode
     * "maximal subpart") written as one escape per byte.
     */
    private static String oracle(byte[] b) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(b);
        CharBuffer out = CharBuffer.allocate(b.length * 2 + 4);
        StringBuilder sb = new StringBuilder();
        while (true) {
            CoderResult r = d.decode(in, out, true);
            if (r.isError()) {
                for (int i = 0; i < r.length(); i++) out.put((char) (0xDC00 + (in.get() & 0xff)));
            } else {
                break;
            }
        }
        d.flush(out);
        out.flip();
        return sb.append(out).toString();
    }

    @Test
    void everySingleByteRoundTrips() {
        for (int v = 1; v < 256; v++) {
            byte[] b = bytes(v);
            String s = FileNames.decode(b);
            assertEquals(v < 0x80 ? String.valueOf((char) v) : String.valueOf((char) (0xDC00 + v)), s);
            assertRoundTrip(b);
        }
    }

    @Test
    void everyTwoBytePairRoundTripsAndMatchesTheOracle() {
        for (int a = 0; a < 256; a++) {
            for (int c = 0; c < 256; c++) {
                byte[] b = bytes(a, c);
                assertEquals(oracle(b), FileNames.decode(b), () -> java.util.HexFormat.of().formatHex(b));
                assertRoundTrip(b);
            }
        }
    }

    @Test
    void randomByteStringsRoundTripAndMatchTheOracle() {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int n = 0; n < 20_000; n++) {
            byte[] b = new byte[rnd.nextInt(0, 40)];
            for (int i = 0; i < b.length; i++) {
                // Bias towards the interesting bytes: leads and continuations.
                b[i] = (byte) (rnd.nextBoolean() ? rnd.nextInt(0x80, 0x100) : rnd.nextInt(0, 0x100));
            }
            assertEquals(oracle(b), FileNames.decode(b), () -> java.util.HexFormat.of().formatHex(b));
            assertRoundTrip(b);
        }
    }

    @Test
    void validUtf8DecodesAsUtf8() {
        for (String s : List.of("", "plain", "café", "日本語", "\uD83D\uDE00 emoji", "mixed é 日 \uD83D\uDE00 x",
                "\u0080\u07FF\u0800\uFFFF\uD800\uDC00\uDBFF\uDFFF")) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            assertEquals(s, FileNames.decode(b));
            assertArrayEquals(b, FileNames.encode(s));
            assertEquals(b.length, FileNames.encodedLength(s));
        }
        // Every code point (surrogates excluded) through the 1..4 byte forms.
        StringBuilder sb = new StringBuilder();
        for (int cp = 1; cp <= 0x10FFFF; cp += (cp < 0x800 ? 1 : 97)) {
            if (cp >= 0xD800 && cp <= 0xDFFF) continue;
            sb.appendCodePoint(cp);
        }
        String all = sb.toString();
        byte[] b = all.getBytes(StandardCharsets.UTF_8);
        assertEquals(all, FileNames.decode(b));
        assertArrayEquals(b, FileNames.encode(all));
    }

    @Test
    void invalidSequencesEscapeEachByte() {
        // Overlong forms of '/' and NUL, a truncated sequence, a stray continuation, 0xFF.
        assertEquals("\uDCC0\uDCAF", FileNames.decode(bytes(0xC0, 0xAF)));
        assertEquals("\uDCC1\uDCBF", FileNames.decode(bytes(0xC1, 0xBF)));
        assertEquals("\uDCE0\uDC80\uDCAF", FileNames.decode(bytes(0xE0, 0x80, 0xAF)));
        assertEquals("\uDCF0\uDC80\uDC80\uDCAF", FileNames.decode(bytes(0xF0, 0x80, 0x80, 0xAF)));
        assertEquals("a\uDCE6\uDC97b", FileNames.decode(bytes('a', 0xE6, 0x97, 'b')));
        assertEquals("\uDC80x", FileNames.decode(bytes(0x80, 'x')));
        assertEquals("\uDCFF\uDCFE-latin1", FileNames.decode("\u00ff\u00fe-latin1".getBytes(StandardCharsets.ISO_8859_1)));
        // Above U+10FFFF and the old 5/6-byte forms.
        assertEquals("\uDCF4\uDC90\uDC80\uDC80", FileNames.decode(bytes(0xF4, 0x90, 0x80, 0x80)));
        assertEquals("\uDCF8\uDC88\uDC80\uDC80\uDC80", FileNames.decode(bytes(0xF8, 0x88, 0x80, 0x80, 0x80)));
        for (byte[] b : List.of(bytes(0xC0, 0xAF), bytes(0xE0, 0x80, 0xAF), bytes(0xF4, 0x90, 0x80, 0x80),
                bytes('a', 0xE6, 0x97))) {
            assertRoundTrip(b);
        }
    }

    @Test
    void encodedSurrogatesInTheInputAreEscapedNotDecoded() {
        // CESU-8 / WTF-8 style U+D800 and U+DC80: not UTF-8, so byte escapes, never a surrogate char of their own.
        assertEquals("\uDCED\uDCA0\uDC80", FileNames.decode(bytes(0xED, 0xA0, 0x80)));
        assertEquals("\uDCED\uDCB2\uDC80", FileNames.decode(bytes(0xED, 0xB2, 0x80)));
        assertEquals("\uDCED\uDCA0\uDCBD\uDCED\uDCB8\uDC80",
                FileNames.decode(bytes(0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80)));
        assertRoundTrip(bytes(0xED, 0xA0, 0x80));
        assertRoundTrip(bytes(0xED, 0xB2, 0x80, 0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80));
        // U+D7FF and U+E000 around the gap are valid.
        assertEquals("\uD7FF\uE000", FileNames.decode(bytes(0xED, 0x9F, 0xBF, 0xEE, 0x80, 0x80)));
    }

    @Test
    void surrogatesThatStandForNoByteAreRefused() {
        for (String s : List.of("\uD800", "a\uD83Dz", "\uDC7F", "\uDD00", "\uDFFF", "x\uDE00")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FileNames.encode(s));
            assertTrue(e.getMessage().contains("lone surrogate"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> FileNames.encodedLength(s));
        }
        // A high surrogate before an escape char forms a pair (a supplementary code point), not high + byte.
        assertArrayEquals("\uD83D\uDCFF".getBytes(StandardCharsets.UTF_8), FileNames.encode("\uD83D\uDCFF"));
    }

    @Test
    void asciiDecodesWithoutEscapesAndNativeBuffersWork() {
        byte[] ascii = "hello-world.txt".getBytes(StandardCharsets.US_ASCII);
        assertEquals("hello-world.txt", FileNames.decode(ascii));
        NativeBuffer nb = NativeBuffer.allocate(64);
        int n = FileNames.encode("x\uDCFFé", nb, 10);
        assertEquals(4, n);
        assertEquals((byte) 'x', nb.getByte(10));
        assertEquals((byte) 0xFF, nb.getByte(11));
        assertEquals("x\uDCFFé", FileNames.decode(nb, 10, n));
        assertEquals(3, FileNames.encode("abc", nb, 61));
        assertThrows(IndexOutOfBoundsException.class, () -> FileNames.encode("abcd", nb, 61));
        assertSame(String.class, FileNames.decode(nb, 0, 0).getClass());
    }

    /** The kernel API carries non-UTF-8 names and link targets byte-exactly, both ways. */
    @Test
    void kernelCallsCarryNamesAsBytes() throws Exception {
        Path dir = Files.createTempDirectory("j4l-names-");
        String name = FileNames.decode(bytes(0xFF, 0xFE, '-', 0xC3, 0xA9, 0xED, 0xA0, 0x80));
        String target = FileNames.decode(bytes('t', 0x80, 0xC0, 0xAF));
        try (OwnedFd d = Fs.open(dir.toString(), Fs.O_RDONLY | Fs.O_DIRECTORY)) {
            Fs.openat(d, name, Fs.O_CREAT | Fs.O_WRONLY, 0644).close();
            Fs.symlink(target, d, "link");
            assertEquals(target, Fs.readlink(d, "link"));
            List<String> names = new ArrayList<>();
            DirectoryReader r = new DirectoryReader(d, NativeBuffer.allocate(4096));
            while (r.next()) if (!r.isDotOrDotDot()) names.add(r.name());
            assertTrue(names.contains(name), names::toString);
            // What another program sees: the raw bytes.
            ProcessBuilder pb = new ProcessBuilder("ls", "-1", "--quoting-style=escape", dir.toString());
            pb.environment().put("LC_ALL", "C");
            Process p = pb.start();
            String listed = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            p.waitFor();
            assertTrue(listed.contains("\\377\\376-\\303\\251\\355\\240\\200"), listed);
            Fs.unlink(d, name, 0);
            Fs.unlink(d, "link", 0);
        } finally {
            Files.deleteIfExists(dir);
        }
    }
}
