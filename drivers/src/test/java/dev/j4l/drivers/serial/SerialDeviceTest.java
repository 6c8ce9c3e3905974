package dev.j4l.drivers.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.chardev.CuseDevice;
import dev.j4l.chardev.tty.Termios;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.kernel.Poller;
import dev.j4l.testkit.Command;
import dev.j4l.testkit.NeedsKernel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link SerialDevice} as a real {@code /dev/NAME} through CUSE, used by stty, dd, head, perl and a poll(2) from
 * the kernel module's {@link Poller}. Needs the cuse module: kernel test VM tier
 * ({@code ./j4l test --vm SerialDeviceTest}).
 */
@NeedsKernel(modules = {"cuse"}, paths = {"/dev/cuse"})
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SerialDeviceTest {
    private static final String NAME = "j4ltty" + ProcessHandle.current().pid();
    private static final Path NODE = Path.of("/dev", NAME);
    private static final Path LOG = Path.of(System.getProperty("java.io.tmpdir"), NAME + "-daemon.log");

    private static String log() {
        try {
            return Files.readString(LOG);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static Command.Result sh(String script) throws Exception {
        return Command.of("sh", "-c", script).timeout(Duration.ofSeconds(30)).exec();
    }

    private static String ok(Command.Result r) {
        assertEquals(0, r.exit(), r::output);
        return r.out();
    }

    /** A background shell command, its output gathered. */
    private static Process start(String script) throws Exception {
        return new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
    }

    private static String finish(Process p, long seconds) throws Exception {
        assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), "still running after " + seconds + " s");
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void sttyShowsAndChangesTheSettings() throws Exception {
        SerialDevice line = new SerialDevice(4096);
        try (CuseDevice dev = CuseDevice.create(NAME, line)) {
            assertEquals(NODE, dev.path());
            String shown = ok(sh("stty -F " + NODE));
            assertTrue(shown.contains("speed 38400 baud"), shown);
            ok(sh("stty -F " + NODE + " 9600 -echo"));
            assertEquals(Termios.B9600, line.settings().speed());
            assertEquals(0, line.settings().lflag() & Termios.ECHO);
            String all = ok(sh("stty -a -F " + NODE));
            assertTrue(all.contains("speed 9600 baud") && all.contains("-echo "), all);
            assertTrue(all.contains("intr = ^C"), all);
            ok(sh("stty -F " + NODE + " rows 24 cols 80"));
            assertEquals("24 80\n", ok(sh("stty -F " + NODE + " size")));
        }
    }

    @Test
    void loopbackFionreadTiocoutqAndFlush() throws Exception {
        SerialDevice line = new SerialDevice(4096);
        try (CuseDevice dev = CuseDevice.create(NAME, line)) {
            assertEquals(NODE, dev.path());
            ok(sh("printf abc > " + NODE));
            // FIONREAD (0x541B) and TIOCOUTQ (0x5411) answer an int each through the caller's pointer.
            String queues = ok(sh("perl -e 'open(my $f, \"+<\", shift) or die; my ($i, $o) = (pack(\"l\", -1), pack(\"l\", -1)); "
                    + "ioctl($f, 0x541B, $i) or die \"FIONREAD: $!\"; ioctl($f, 0x5411, $o) or die \"TIOCOUTQ: $!\"; "
                    + "print unpack(\"l\", $i), \" \", unpack(\"l\", $o);' " + NODE));
            assertEquals("3 0", queues);
            assertEquals("abc", ok(sh("head -c 3 " + NODE)));
            // TCFLSH(TCIFLUSH) by value drops what waits to be read.
            ok(sh("printf xyz > " + NODE));
            ok(sh("perl -e 'open(my $f, \"+<\", shift) or die; ioctl($f, 0x540B, 0) or die \"TCFLSH: $!\";' " + NODE));
            assertEquals(0, line.buffered());
        }
    }

    @Test
    void nonBlockingReadsAnswerEagain() throws Exception {
        try (CuseDevice dev = CuseDevice.create(NAME, new SerialDevice(4096))) {
            assertEquals(NODE, dev.path());
            Command.Result dd = sh("dd if=" + NODE + " iflag=nonblock bs=1 count=1 status=none");
            assertNotEquals(0, dd.exit());
            assertTrue(dd.output().contains("Resource temporarily unavailable"), dd.output());
            // O_NONBLOCK set after open by fcntl reaches the read too.
            try (OwnedFd fd = Fs.open(NODE.toString(), Fs.O_RDWR)) {
                fd.setNonBlocking(true);
                assertEquals(-1, fd.read(NativeBuffer.allocate(16), 0, 16), "EAGAIN");
            }
        }
    }

    @Test
    void pollWakesWhenAnotherProcessWrites() throws Exception {
        try (CuseDevice dev = CuseDevice.create(NAME, new SerialDevice(4096));
                OwnedFd fd = Fs.open(NODE.toString(), Fs.O_RDONLY | Fs.O_NONBLOCK)) {
            assertEquals(NODE, dev.path());
            Poller poller = new Poller(1);
            poller.add(fd, Poller.POLLIN);
            poller.poll(0);
            assertFalse(poller.isReady(0, Poller.POLLIN), "nothing to read yet");
            // select(2) in another process, and poll(2) here, both woken by a third process's write.
            Process select = start("perl -e 'open(my $f, \"<\", shift) or die; my $r = \"\"; vec($r, fileno($f), 1) = 1; "
                    + "print scalar(select($r, undef, undef, 20));' " + NODE);
            Process writer = start("sleep 0.5; printf x > " + NODE);
            long t0 = System.nanoTime();
            poller.poll(10_000);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(poller.isReady(0, Poller.POLLIN), "readable after the write");
            assertTrue(ms < 5_000, "woken within 5 s of the write, not by the 10 s timeout: " + ms + " ms");
            assertEquals("", finish(writer, 10));
            assertEquals("1", finish(select, 10), "select saw one ready descriptor");
        }
    }

    @Test
    void blockingReadWaitsForAWriteAndASignalEndsIt() throws Exception {
        SerialDevice line = new SerialDevice(4096);
        try (CuseDevice dev = CuseDevice.create(NAME, line)) {
            assertEquals(NODE, dev.path());
            Process reader = start("head -c 4 " + NODE);
            Thread.sleep(700);
            assertTrue(reader.isAlive(), "the reader waits for data");
            ok(sh("printf abcd > " + NODE));
            assertEquals("abcd", finish(reader, 10));

            // A signal ends a waiting read with EINTR (perl's handler returns, so sysread fails instead of dying).
            String eintr = ok(sh("perl -e 'open(my $f, \"<\", shift) or die; $SIG{ALRM} = sub {}; alarm 1; "
                    + "my $n = sysread($f, my $b, 8); print defined $n ? \"read $n\" : ($!+0);' " + NODE));
            assertEquals("4", eintr, "EINTR is 4");
            // A killed reader leaves nothing behind either.
            Process cat = start("exec cat " + NODE);
            Thread.sleep(500);
            cat.destroy();
            assertTrue(cat.waitFor(10, TimeUnit.SECONDS), "cat ended by SIGTERM while waiting");
            ok(sh("printf ok > " + NODE));
            assertEquals("ok", ok(sh("head -c 2 " + NODE)), "the line still serves");
        }
    }

    @Test
    void aFullLineMakesTheWriterWaitForAReader() throws Exception {
        try (CuseDevice dev = CuseDevice.create(NAME, new SerialDevice(16))) {
            assertEquals(NODE, dev.path());
            Process writer = start("head -c 1000 /dev/zero | tr '\\0' a > " + NODE + " && echo written");
            Thread.sleep(700);
            assertTrue(writer.isAlive(), "16 bytes fit, 1000 do not: the writer waits");
            String read = ok(sh("head -c 1000 " + NODE + " | wc -c"));
            assertEquals("1000", read.trim());
            assertEquals("written\n", finish(writer, 10));
        }
    }

    @Test
    void aKilledDaemonFailsItsCallersWithoutHanging() throws Exception {
        String modulePath = System.getProperty("jdk.module.path");
        Assumptions.assumeTrue(modulePath != null && !modulePath.isEmpty(), "tests run on the module path");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process daemon = new ProcessBuilder(java, "--enable-native-access=dev.j4l.kernel", "--illegal-native-access=deny",
                "--sun-misc-unsafe-memory-access=deny", "-XX:+DisableAttachMechanism", "--module-path", modulePath,
                "-m", "dev.j4l.drivers/" + SerialDevice.class.getName(), NAME).redirectErrorStream(true)
                .redirectOutput(LOG.toFile()).start();
        try {
            // A JVM starts slowly in the emulated test VM: up to two minutes.
            for (int i = 0; i < 2400 && !Files.exists(NODE); i++) {
                assertTrue(daemon.isAlive(), () -> "the daemon exited early: " + log());
                Thread.sleep(50);
            }
            assertTrue(Files.exists(NODE), () -> "the daemon made " + NODE + ": " + log());
            ok(sh("stty -F " + NODE));
            Process reader = start("cat " + NODE + "; echo \"cat exit $?\"");
            Thread.sleep(700);
            assertTrue(reader.isAlive(), "cat waits for data");
            daemon.destroyForcibly();
            assertTrue(daemon.waitFor(20, TimeUnit.SECONDS));
            String out = finish(reader, 20);
            assertTrue(out.contains("cat exit 1"), "cat got an error: " + out);
            for (int i = 0; i < 100 && Files.exists(NODE); i++) Thread.sleep(50);
            assertFalse(Files.exists(NODE), "the node goes with the daemon");
        } finally {
            daemon.destroyForcibly();
        }
    }
}
