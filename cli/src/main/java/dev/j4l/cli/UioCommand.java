package dev.j4l.cli;

import dev.j4l.hw.UioDevice;
import dev.j4l.hw.edu.EduDevice;
import dev.j4l.kernel.Uio;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code j4l uio}: UIO devices ({@link UioDevice}), and QEMU's edu device driven through one ({@link EduDevice}). */
@Command(name = "uio", description = "List UIO devices, hand a PCI device to uio_pci_generic, run the edu example driver.",
        subcommands = {UioCommand.Info.class, UioCommand.Bind.class, UioCommand.Edu.class})
final class UioCommand extends CommandGroup {
    UioCommand() {
        this(System.out);
    }

    UioCommand(PrintStream out) {
        super(out, null);
    }

    @Command(name = "info", description = "the UIO devices (/dev/uioN), their drivers, PCI ids and memory maps, from sysfs")
    static final class Info extends Subcommand {
        @Option(names = "--json", description = Json.OPTION_HELP)
        boolean json;

        @Override
        void run(PrintStream out) throws Exception {
            List<Uio.Info> all = UioDevice.devices();
            if (json) {
                for (Uio.Info i : all) out.println(Json.write(toJson(i)));
                return;
            }
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
    }

    /** What {@code info --json} prints of a device: its node, driver, interrupts, PCI ids and maps. */
    static Map<String, Object> toJson(Uio.Info i) {
        List<Object> maps = new ArrayList<>();
        for (Uio.MemoryMap m : i.maps()) {
            maps.add(Json.object("index", m.index(), "name", m.name(), "size", m.size(),
                    "physical_address", m.physicalAddress(), "offset", m.offset()));
        }
        return Json.object("path", i.path(), "name", i.name(), "version", i.version(), "interrupts", i.events(),
                "pci", i.pci().map(p -> Json.object("id", p.id(), "slot", p.slot())).orElse(null), "maps", maps);
    }

    @Command(name = "bind", description = {"hands the PCI devices with these hex ids to uio_pci_generic (root; the"
            + " module loaded), e.g. j4l uio bind 1234:11e8 for QEMU's edu device (qemu -device edu)"})
    static final class Bind extends Subcommand {
        @Parameters(paramLabel = "VENDOR:DEVICE", description = "PCI ids in hex")
        String id;

        @Override
        void run(PrintStream out) throws Exception {
            String[] ids = id.split(":");
            if (ids.length != 2) throw new IllegalArgumentException("expected VENDOR:DEVICE in hex, e.g. 1234:11e8");
            Uio.Info i = UioDevice.bindPci(hex(ids[0]), hex(ids[1]));
            out.println(i.path() + " (" + i.name() + ")");
        }
    }

    @Command(name = "edu", description = {"drives QEMU's edu device through its UIO device: identification,"
            + " liveness, a factorial polled and one by interrupt, an interrupt raised and acknowledged"})
    static final class Edu extends Subcommand {
        @Override
        void run(PrintStream out) throws Exception {
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
