package dev.j4l.adversary;

import dev.j4l.kernel.BufferPool;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Messages are where internals leak: a descriptor number in an OwnedFd's toString or an exception tells a
 * driver which number to aim at, and a native address in a bounds error tells it where memory is. Collects
 * the messages of ordinary misuse — a closed OwnedFd used and closed again, out-of-bounds NativeBuffer
 * accesses, a released pooled buffer, a missing path, a failed call on a descriptor — and toString() of
 * OwnedFd and NativeBuffer.
 *
 * <p>Clean: none holds "fd N", "fd=N", "/dev/fd/N" or "/proc/self/fd/N" for the descriptor's number N (read
 * from /proc/self/fd), nor a hex address of 8 or more digits. Break: any does.
 */
final class MessagesLeak implements Attack {
    private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{8,}");

    @Override
    public String name() {
        return "messages-leak";
    }

    @Override
    public Verdict run() throws Exception {
        Path file = Files.createTempFile("adversary-leak", ".txt");
        Map<String, String> texts = new LinkedHashMap<>();
        int n;
        try {
            OwnedFd fd = Fs.open(file.toString(), Fs.O_RDONLY);
            n = ProcSelf.descriptorOf(file.toString());
            texts.put("OwnedFd.toString()", fd.toString());
            NativeBuffer b = NativeBuffer.allocate(16);
            texts.put("NativeBuffer.toString()", b.toString());
            collect(texts, "failed write on a read-only descriptor", () -> fd.write(b));
            collect(texts, "NativeBuffer.getInt past the end", () -> b.getInt(20));
            collect(texts, "NativeBuffer.slice past the end", () -> b.slice(10, 10));
            collect(texts, "NativeBuffer.copyFrom too long", () -> b.copyFrom(0, NativeBuffer.allocate(8), 0, 100));
            collect(texts, "NativeBuffer.fill past the end", () -> b.fill(8, 16, (byte) 0));
            collect(texts, "OwnedFd.pread past the buffer", () -> fd.pread(b, 8, 16, 0));
            fd.close();
            texts.put("OwnedFd.toString() after close", fd.toString());
            collect(texts, "read of a closed OwnedFd", () -> fd.read(b));
            collect(texts, "second close", fd::close);
            collect(texts, "open of a missing path", () -> Fs.open("/nonexistent-adversary/x", Fs.O_RDONLY));
            BufferPool pool = new BufferPool(1, 64);
            BufferPool.Lease lease = pool.tryAcquire();
            NativeBuffer pooled = lease.buffer();
            lease.release();
            collect(texts, "released pooled buffer", () -> pooled.getByte(0));
            collect(texts, "second release", lease::release);
        } finally {
            Files.deleteIfExists(file);
        }
        Pattern number = Pattern.compile("(\\bfd[ =]|/dev/fd/|/proc/self/fd/)" + n + "\\b");
        List<String> leaks = new ArrayList<>();
        for (Map.Entry<String, String> e : texts.entrySet()) {
            String text = e.getValue();
            if (text == null) continue;
            if (number.matcher(text).find()) leaks.add(e.getKey() + " names descriptor " + n + ": \"" + text + "\"");
            if (ADDRESS.matcher(text).find()) leaks.add(e.getKey() + " shows a native address: \"" + text + "\"");
        }
        if (!leaks.isEmpty()) return new Verdict.Broken(String.join(" | ", leaks));
        return new Verdict.Refused(Verdict.NO_EXCEPTION, texts.size() + " messages checked, none names descriptor "
                + "numbers or native addresses");
    }

    private static void collect(Map<String, String> texts, String what, Findings.Probe misuse) {
        try {
            misuse.run();
            texts.put(what, "(no exception)");
        } catch (Exception e) {
            texts.put(what, e.getClass().getName() + ": " + e.getMessage());
        }
    }
}
