package dev.j4l.adversary;

import dev.j4l.kernel.EventFd;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.NbdDevice;
import dev.j4l.kernel.OwnedFd;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code NBD_SET_SOCK} hands the kernel a descriptor number, which it then reads and writes for as long as the
 * device lives: only {@code kernel} may make it, with a descriptor it holds and checked to be a socket. A driver
 * tries: to give {@link NbdDevice#connect} a file, {@code /dev/null}, an eventfd or a closed descriptor as a
 * socket, no socket or too many, a configuration the kernel would take wrongly; to reach the request constants or
 * the private socket call by reflection; to find a public method taking a request number or a descriptor number.
 * All of this is refused before any NBD device is opened, so it runs on a host without the nbd module.
 *
 * <p>Refused: each attempt throws. Break: any returns.
 */
final class NbdSocketHandover implements Attack {
    @Override
    public String name() {
        return "nbd-socket-handover";
    }

    @Override
    public Verdict run() throws Exception {
        Findings findings = new Findings();
        NbdDevice.Config config = new NbdDevice.Config(1 << 20, 4096, false, true, true, false, Duration.ofSeconds(5));
        try (OwnedFd file = Fs.open("/proc/self/status", Fs.O_RDONLY);
                OwnedFd nul = Fs.open("/dev/null", Fs.O_RDWR);
                EventFd event = EventFd.create(0, 0)) {
            findings.expectRefusal("a regular file as the device's socket",
                    () -> NbdDevice.connect(List.of(file), config).close(), IllegalArgumentException.class);
            findings.expectRefusal("/dev/null as the device's socket",
                    () -> NbdDevice.connect(List.of(nul), config).close(), IllegalArgumentException.class);
            findings.expectRefusal("an eventfd as the device's socket",
                    () -> NbdDevice.connect(List.of(event.fd()), config).close(), IllegalArgumentException.class);
        }
        OwnedFd closed = Fs.open("/dev/null", Fs.O_RDONLY);
        closed.close();
        findings.expectRefusal("a closed descriptor as the device's socket",
                () -> NbdDevice.connect(List.of(closed), config).close(), IllegalStateException.class);
        findings.expectRefusal("no socket", () -> NbdDevice.connect(List.of(), config).close(),
                IllegalArgumentException.class);
        List<OwnedFd> many = new ArrayList<>();
        try {
            for (int i = 0; i <= NbdDevice.MAX_SOCKETS; i++) many.add(Fs.open("/dev/null", Fs.O_RDONLY));
            findings.expectRefusal((NbdDevice.MAX_SOCKETS + 1) + " sockets",
                    () -> NbdDevice.connect(many, config).close(), IllegalArgumentException.class);
        } finally {
            for (OwnedFd fd : many) fd.close();
        }
        findings.expectRefusal("a block size above the page size",
                () -> new NbdDevice.Config(1 << 20, 65536, false, true, true, false, Duration.ZERO),
                IllegalArgumentException.class);
        findings.expectRefusal("a size that is not a whole number of blocks",
                () -> new NbdDevice.Config(4097, 4096, false, true, true, false, Duration.ZERO),
                IllegalArgumentException.class);
        findings.expectRefusal("a negative size",
                () -> new NbdDevice.Config(-4096, 4096, false, true, true, false, Duration.ZERO),
                IllegalArgumentException.class);

        for (String field : List.of("SET_SOCK", "DO_IT", "DISCONNECT", "device")) {
            findings.expectRefusalExplained("NbdDevice." + field + " by getDeclaredField+setAccessible", () -> {
                Field f = NbdDevice.class.getDeclaredField(field);
                f.setAccessible(true);
                return "reachable: " + f;
            }, NoSuchFieldException.class, InaccessibleObjectException.class);
        }
        findings.expectRefusalExplained("NbdDevice.setSocket by getDeclaredMethod+setAccessible", () -> {
            for (Method m : NbdDevice.class.getDeclaredMethods()) {
                if (m.getName().equals("setSocket")) {
                    m.setAccessible(true);
                    return "reachable: " + m;
                }
            }
            throw new NoSuchMethodException("no setSocket");
        }, NoSuchMethodException.class, InaccessibleObjectException.class);
        findings.expectRefusalExplained("a public method of NbdDevice taking a number a descriptor could be", () -> {
            for (Method m : NbdDevice.class.getDeclaredMethods()) {
                if (!java.lang.reflect.Modifier.isPublic(m.getModifiers())) continue;
                for (Class<?> p : m.getParameterTypes()) {
                    if (p == int.class || p == long.class) return "public " + m;
                }
            }
            throw new NoSuchMethodException("no public method of NbdDevice takes an int or a long");
        }, NoSuchMethodException.class);
        return findings.verdict();
    }
}
