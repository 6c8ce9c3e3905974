package dev.j4l.chardev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.testkit.Command;
import dev.j4l.testkit.NeedsKernel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The chardev framework's typed ioctls, per-open state and failure handling on a real {@code /dev/NAME}, called by
 * perl's ioctl (a real ioctl(2) from another process). Needs the cuse module: kernel test VM tier
 * ({@code ./j4l test --vm CharDeviceTest}).
 */
@NeedsKernel(modules = {"cuse"}, paths = {"/dev/cuse"})
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CharDeviceTest {
    private static final String NAME = "j4lprobe" + ProcessHandle.current().pid();

    /** Runs a perl script with the device's path as {@code $d}, its handle opened read-write as {@code $f}. */
    private static Command.Result perl(String script) throws Exception {
        String prelude = "my $d = shift; open(my $f, '+<', $d) or die \"open: $!\\n\"; $| = 1; ";
        return Command.of("perl", "-e", prelude + script, "/dev/" + NAME).timeout(Duration.ofSeconds(30)).exec();
    }

    private static String ok(Command.Result r) {
        assertEquals(0, r.exit(), r::output);
        return r.out();
    }

    @Test
    void typedIoctlsPerOpenStateAndFailures() throws Exception {
        ProbeDevice probe = new ProbeDevice();
        try (CuseDevice dev = CuseDevice.create(NAME, probe)) {
            // IN_OUT: the caller's 41 comes in, 42 goes back in the same bytes.
            assertEquals("42\n", ok(perl("my $b = pack('q', 41); ioctl($f, " + ProbeDevice.ADD.number()
                    + ", $b) or die \"ioctl: $!\\n\"; print unpack('q', $b), \"\\n\";")));
            // A value argument reaches the driver as a number, and the driver's result is ioctl's.
            assertEquals("7 85\n", ok(perl("my $r = ioctl($f, " + ProbeDevice.SCALE.number() + ", 2); my $b = pack('q', 42); "
                    + "ioctl($f, " + ProbeDevice.ADD.number() + ", $b) or die; print $r, ' ', unpack('q', $b), \"\\n\";")));

            // An undeclared number, and a declared number with another size: ENOTTY, never the driver.
            String notty = ok(perl("print ioctl($f, " + IoctlCommand.io('J', 9) + ", 0) ? 'ok' : ($!+0), ' ', "
                    + "ioctl($f, " + IoctlCommand.iowr('J', 1, 4) + ", my $x = pack('l', 1)) ? 'ok' : ($!+0), \"\\n\";"));
            assertEquals("25 25\n", notty, "ENOTTY is 25");

            // A driver that throws costs its caller EIO (5), and the device goes on serving.
            assertEquals("5 1\n", ok(perl("print ioctl($f, " + ProbeDevice.BOOM.number() + ", 0) ? 'ok' : ($!+0); "
                    + "my $b = pack('q', 0); ioctl($f, " + ProbeDevice.ADD.number() + ", $b) or die; "
                    + "print ' ', unpack('q', $b), \"\\n\";")));

            // Per-open state: two opens in one process are two states; each close is one release.
            int before = probe.released.get();
            String who = ok(perl("open(my $g, '+<', $d) or die; my ($a, $b) = (pack('l', 0), pack('l', 0)); "
                    + "ioctl($f, " + ProbeDevice.WHO.number() + ", $a) or die; ioctl($g, " + ProbeDevice.WHO.number()
                    + ", $b) or die; my ($x, $y) = (unpack('l', $a), unpack('l', $b)); print $x == $y ? 'same' : 'two', \"\\n\";"));
            assertEquals("two\n", who);
            assertEquals(before + 2, probe.released.get(), "both opens released when perl exited");

            // A kept argument view is dead once its call returned.
            ok(perl("my $k = pack('l', 1234); ioctl($f, " + ProbeDevice.KEEP.number() + ", $k) or die \"ioctl: $!\\n\";"));
            assertEquals(1234, probe.keptValue);
            IoctlArgument kept = probe.kept;
            assertThrows(IllegalStateException.class, () -> kept.getInt(0));
            assertThrows(IllegalStateException.class, kept::size);
            assertTrue(dev.isServing());
        }
        assertFalse(java.nio.file.Files.exists(java.nio.file.Path.of("/dev", NAME)));
    }
}
