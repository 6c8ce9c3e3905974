package dev.j4l.cli;

import dev.j4l.hw.UioDevice;
import dev.j4l.hw.edu.EduDevice;
import dev.j4l.kernel.Uio;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/** {@code j4l uio}: UIO devices ({@link UioDevice}), and QEMU's edu device driven through one ({@link EduDevice}). */
final class UioCommand implements Main.Command {
    private final PrintStream out;

    UioCommand() {
        this(System.out);
    }

    UioCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public String summary() {
        return "list UIO devices, hand a PCI device to uio_pci_generic, run the edu example driver";
    }

    @Override
    public String usage() {
        return """
                usage: j4l uio info
                       j4l uio bind VENDOR:DEVICE
                       j4l uio edu

                info: the UIO devices (/dev/uioN), their drivers, PCI ids and memory maps, from sysfs.
                bind: hands the PCI devices with these hex ids to uio_pci_generic (root; the module loaded),
                e.g. j4l uio bind 1234:11e8 for QEMU's edu device (qemu -device edu).
                edu: drives QEMU's edu device through its UIO device: identification, liveness, a factorial
                polled and one by interrupt, an interrupt raised and acknowledged.""";
    }

    @Override
    public int run(String[] args) throws Exception {
        if (args.length != 1 && !(args.length == 2 && args[0].equals("bind"))) {
            throw new IllegalArgumentException("expected info, bind VENDOR:DEVICE or edu (see j4l uio --help)");
        }
        switch (args[0]) {
            case "info" -> {
                List<Uio.Info> all = UioDevice.devices();
                if (all.isEmpty()) out.println("no UIO device (is a device bound to a UIO driver? see j4l uio bind)");
                for (Uio.Info i : all) {
                    out.printf("%s  %s %s, %d interrupts%s%n", i.path(), i.name(), i.version(), i.events(),
                            i.pci().map(p -> ", PCI " + p.id() + " at " + p.slot()).orElse(""));
                    for (Uio.MemoryMap m : i.maps()) {
                        out.printf("  map%d %-6s 0x%x bytes at 0x%x (offset 0x%x)%n", m.index(), m.name(), m.size(),
                                m.physicalAddress(), m.offset());
                    }
                }
            }
            case "bind" -> {
                String[] ids = args[1].split(":");
                if (ids.length != 2) throw new IllegalArgumentException("expected VENDOR:DEVICE in hex, e.g. 1234:11e8");
                Uio.Info i = UioDevice.bindPci(hex(ids[0]), hex(ids[1]));
                out.println(i.path() + " (" + i.name() + ")");
            }
            case "edu" -> {
                try (EduDevice edu = EduDevice.open()) {
                    Duration wait = Duration.ofSeconds(5);
                    out.printf("edu %s on %s%n", edu.version(), edu.uio().info().path());
                    out.printf("identification 0x%08x, alive: %s%n", edu.identification(), edu.isAlive() ? "yes" : "no");
                    out.printf("10! = %d (polled), 12! = %d (by interrupt)%n", edu.factorial(10, wait),
                            edu.factorialByInterrupt(12, wait));
                    out.printf("interrupt raised with 0x5: status 0x%x, acknowledged; %d interrupts so far%n",
                            edu.raiseInterrupt(0x5, wait), edu.uio().interruptCount());
                }
            }
            default -> throw new IllegalArgumentException("unknown uio command " + args[0] + " (see j4l uio --help)");
        }
        return 0;
    }

    private static int hex(String s) {
        try {
            int v = Integer.parseInt(s, 16);
            if (v < 0 || v > 0xffff) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(s + " is not a 16-bit hex id");
        }
    }
}
