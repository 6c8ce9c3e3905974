package dev.j4l.adversary;

import dev.j4l.hw.gpio.GpioChip;
import dev.j4l.kernel.GpioChipDevice;
import dev.j4l.kernel.GpioLineConfig;
import dev.j4l.kernel.GpioLineRequest;
import dev.j4l.kernel.GpioLineSettings;
import dev.j4l.kernel.KernelException;
import dev.j4l.kernel.NativeBuffer;
import dev.j4l.kernel.OwnedFd;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Locale;

/**
 * The GPIO character device's ioctls (the line request's {@code struct gpio_v2_line_request} carries the
 * descriptor the kernel makes, and a line request's values are masks the kernel applies) must be made only by
 * {@code kernel}, with its sizes, on descriptors it opened or was given by the kernel. A driver tries: to reach
 * the request constants, the buffers and the descriptors by reflection; to wrap a descriptor of its own in a line
 * request; to encode a configuration into a buffer of its choosing; to build a raw request of another size; to find
 * a public method taking a descriptor or a request number; to open a non-GPIO node as a chip. Where a GPIO chip
 * is present (the VM tier's gpio-sim) it also uses a released line request, and masks naming lines it did not
 * request.
 *
 * <p>Refused: each attempt throws. Break: any returns.
 */
final class GpioReach implements Attack {
    @Override
    public String name() {
        return "gpio-reach";
    }

    @Override
    public Verdict run() throws Exception {
        Findings findings = new Findings();
        for (Class<?> c : List.of(GpioChipDevice.class, GpioLineRequest.class)) {
            for (String field : List.of("GET_LINE", "SET_VALUES", "fd", "buf")) {
                findings.expectRefusalExplained(c.getSimpleName() + "." + field + " by getDeclaredField+setAccessible", () -> {
                    Field f = c.getDeclaredField(field);
                    f.setAccessible(true);
                    return "reachable: " + f;
                }, NoSuchFieldException.class, InaccessibleObjectException.class);
            }
        }
        findings.expectRefusalExplained("GpioLineRequest's constructor around the driver's own descriptor", () -> {
            Constructor<GpioLineRequest> k = GpioLineRequest.class.getDeclaredConstructor(OwnedFd.class, int[].class,
                    String.class);
            k.setAccessible(true);
            return "made " + k.newInstance(OwnedFd.CWD, new int[] {0}, "forged");
        }, NoSuchMethodException.class, InaccessibleObjectException.class);
        findings.expectRefusalExplained("GpioLineConfig.encode into a buffer and offset of the driver's choosing", () -> {
            Method m = GpioLineConfig.class.getDeclaredMethod("encode", NativeBuffer.class, long.class, int[].class);
            m.setAccessible(true);
            m.invoke(GpioLineConfig.of(GpioLineSettings.input()), NativeBuffer.allocate(8), 4L, new int[] {0});
            return "encoded 272 bytes into an 8-byte buffer";
        }, NoSuchMethodException.class, InaccessibleObjectException.class, IndexOutOfBoundsException.class);
        findings.expectRefusalExplained("a raw GPIO_V2_GET_LINE request of the driver's own size", () -> {
            Class<?> ioctl = Class.forName("dev.j4l.kernel.raw.Ioctl");
            Method m = ioctl.getMethod("buffer", String.class, long.class, long.class);
            return "made " + m.invoke(null, "GPIO_V2_GET_LINE_IOCTL", 0xC250B407L, 1L << 16);
        }, IllegalAccessException.class, InaccessibleObjectException.class);
        findings.expectRefusalExplained("a public method taking a request number or a descriptor", () -> {
            for (Class<?> c : List.of(GpioChipDevice.class, GpioLineRequest.class, GpioLineConfig.class, GpioChip.class)) {
                for (Method m : c.getMethods()) {
                    if (m.getName().toLowerCase(Locale.ROOT).contains("ioctl")) return "public " + m;
                    for (Class<?> p : m.getParameterTypes()) if (p == OwnedFd.class) return "public " + m;
                    if (m.getReturnType() == OwnedFd.class) return "public " + m;
                }
            }
            throw new NoSuchMethodException("no public GPIO method takes or returns a descriptor, or is an ioctl");
        }, NoSuchMethodException.class);
        for (String other : List.of("/dev/null", "/dev/zero", "/proc/self/fd/0")) {
            findings.expectRefusal("GpioChipDevice.open(" + other + ")", () -> GpioChipDevice.open(other).close(),
                    KernelException.class);
        }

        List<java.nio.file.Path> chips = GpioChip.paths();
        if (!chips.isEmpty()) {
            try (GpioChip chip = GpioChip.open(chips.getFirst().toString())) {
                int line = chip.lineCount() - 1;
                GpioLineRequest lines = null;
                try {
                    lines = chip.request("j4l-adversary", GpioLineConfig.of(GpioLineSettings.input()), line);
                } catch (KernelException busy) {
                    // the last line is someone's: nothing to misuse here
                }
                if (lines != null) {
                    GpioLineRequest r = lines;
                    findings.expectRefusal("values of a mask beyond the one requested line", () -> r.values(0b11),
                            IllegalArgumentException.class);
                    findings.expectRefusal("values of every bit", () -> r.values(-1L), IllegalArgumentException.class);
                    findings.expectRefusal("set values beyond the mask", () -> r.setValues(0b10, 0b01),
                            IllegalArgumentException.class);
                    r.close();
                    findings.expectRefusal("values of a released request", () -> r.values(0b1), IllegalStateException.class);
                    findings.expectRefusal("events of a released request", () -> r.readEvents(0), IllegalStateException.class);
                    findings.expectRefusal("reconfiguring a released request",
                            () -> r.reconfigure(GpioLineConfig.of(GpioLineSettings.output())), IllegalStateException.class);
                }
            }
            findings.expectRefusal("a chip's line beyond its count", () -> {
                try (GpioChip chip = GpioChip.open(chips.getFirst().toString())) {
                    chip.line(chip.lineCount());
                }
            }, IllegalArgumentException.class);
        }
        return findings.verdict();
    }
}
