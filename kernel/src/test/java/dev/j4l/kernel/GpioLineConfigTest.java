package dev.j4l.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.j4l.kernel.GpioLineSettings.Bias;
import dev.j4l.kernel.GpioLineSettings.Direction;
import dev.j4l.kernel.GpioLineSettings.Drive;
import dev.j4l.kernel.GpioLineSettings.Edge;
import dev.j4l.kernel.abi.GpioAbi;
import org.junit.jupiter.api.Test;

/**
 * Line settings and configurations as the kernel gets them: flags, the attributes of per-line settings, debounce
 * periods and output values with masks in request order, and the combinations the kernel would refuse refused
 * first. (What the kernel does with them is GpioChipDeviceTest's, in the VM tier.)
 */
class GpioLineConfigTest {
    @Test
    void settingsBecomeTheHeadersFlagsAndBack() {
        GpioLineSettings s = GpioLineSettings.input().withEdge(Edge.BOTH).withBias(Bias.PULL_UP).withActiveLow(true);
        assertEquals(GpioAbi.FLAG_INPUT | GpioAbi.FLAG_EDGE_RISING | GpioAbi.FLAG_EDGE_FALLING
                | GpioAbi.FLAG_BIAS_PULL_UP | GpioAbi.FLAG_ACTIVE_LOW, s.flags());
        assertEquals(s, GpioLineSettings.of(s.flags() | GpioAbi.FLAG_USED, 0));
        GpioLineSettings o = GpioLineSettings.output().withDrive(Drive.OPEN_SOURCE).withBias(Bias.DISABLED);
        assertEquals(GpioAbi.FLAG_OUTPUT | GpioAbi.FLAG_OPEN_SOURCE | GpioAbi.FLAG_BIAS_DISABLED, o.flags());
        assertEquals(o, GpioLineSettings.of(o.flags(), 0));
        assertEquals(0, GpioLineSettings.asIs().flags());
    }

    @Test
    void combinationsTheKernelRefusesAreRefusedWithTheReason() {
        assertThrows(IllegalArgumentException.class, () -> GpioLineSettings.output().withEdge(Edge.RISING));
        assertThrows(IllegalArgumentException.class, () -> GpioLineSettings.input().withDrive(Drive.OPEN_DRAIN));
        assertThrows(IllegalArgumentException.class, () -> GpioLineSettings.asIs().withBias(Bias.PULL_DOWN));
        assertThrows(IllegalArgumentException.class, () -> GpioLineSettings.output().withDebounceMicros(10));
        assertThrows(IllegalArgumentException.class, () -> GpioLineSettings.input().withDebounceMicros(-1));
        assertThrows(IllegalArgumentException.class,
                () -> GpioLineConfig.of(GpioLineSettings.input()).withOutput(2, true));
    }

    @Test
    void perLineSettingsDebounceAndOutputsBecomeAttributesWithMasksInRequestOrder() {
        GpioLineConfig c = GpioLineConfig.of(GpioLineSettings.input().withDebounceMicros(1000))
                .withLine(7, GpioLineSettings.output())
                .withLine(2, GpioLineSettings.output())
                .withOutput(2, true).withOutput(7, false);
        NativeBuffer b = NativeBuffer.allocate(GpioAbi.CONFIG_SIZE);
        b.fill(0, GpioAbi.CONFIG_SIZE, (byte) 0x5a); // encode zeroes what it does not set
        c.encode(b, 0, new int[] {5, 7, 2});         // bit 0 = line 5, bit 1 = line 7, bit 2 = line 2
        assertEquals(GpioAbi.FLAG_INPUT, b.getLong(GpioAbi.CONFIG_FLAGS));
        assertEquals(3, b.getInt(GpioAbi.CONFIG_NUM_ATTRS));
        assertEquals(0, b.getInt(GpioAbi.CONFIG_PADDING));
        long a0 = GpioAbi.CONFIG_ATTRS, a1 = a0 + GpioAbi.CONFIG_ATTR_SIZE, a2 = a1 + GpioAbi.CONFIG_ATTR_SIZE;
        assertEquals(GpioAbi.ATTR_ID_FLAGS, b.getInt(a0 + GpioAbi.ATTR_ID));
        assertEquals(GpioAbi.FLAG_OUTPUT, b.getLong(a0 + GpioAbi.ATTR_FLAGS));
        assertEquals(0b110, b.getLong(a0 + GpioAbi.CONFIG_ATTR_MASK));
        assertEquals(GpioAbi.ATTR_ID_DEBOUNCE, b.getInt(a1 + GpioAbi.ATTR_ID));
        assertEquals(1000, b.getInt(a1 + GpioAbi.ATTR_DEBOUNCE_PERIOD_US));
        assertEquals(0b001, b.getLong(a1 + GpioAbi.CONFIG_ATTR_MASK));
        assertEquals(GpioAbi.ATTR_ID_OUTPUT_VALUES, b.getInt(a2 + GpioAbi.ATTR_ID));
        assertEquals(0b100, b.getLong(a2 + GpioAbi.ATTR_VALUES));
        assertEquals(0b110, b.getLong(a2 + GpioAbi.CONFIG_ATTR_MASK));
        assertEquals(0, b.getLong(a2 + GpioAbi.CONFIG_ATTR_SIZE + GpioAbi.CONFIG_ATTR_MASK), "unused attributes zeroed");
        assertEquals(Direction.OUTPUT, c.settingsOf(7).direction());
    }

    @Test
    void everyGpioIoctlTouchesExactlyTheSizeItsRequestNumberEncodes() throws Exception {
        int n = 0;
        for (Class<?> c : java.util.List.of(GpioChipDevice.class, GpioLineRequest.class)) {
            for (java.lang.reflect.Field f : c.getDeclaredFields()) {
                if (f.getType() != dev.j4l.kernel.raw.Ioctl.class) continue;
                dev.j4l.kernel.raw.Ioctl op = (dev.j4l.kernel.raw.Ioctl) f.get(null);
                assertEquals(dev.j4l.kernel.raw.Ioctl.Argument.BUFFER, op.argument(), op.name());
                assertEquals((op.request() >>> 16) & 0x3fff, op.size(), op.name() + ": _IOC_SIZE of its number");
                assertEquals(0xB4, (op.request() >>> 8) & 0xff, op.name());
                n++;
            }
        }
        assertEquals(8, n, "the eight uAPI v2 ioctls j4l makes");
    }

    @Test
    void aConfigurationOfLinesNotRequestedOrOfTooManyAttributesIsRefused() {
        NativeBuffer b = NativeBuffer.allocate(GpioAbi.CONFIG_SIZE);
        GpioLineConfig other = GpioLineConfig.of(GpioLineSettings.input()).withLine(9, GpioLineSettings.output());
        assertThrows(IllegalArgumentException.class, () -> other.encode(b, 0, new int[] {0, 1}));
        GpioLineConfig many = GpioLineConfig.of(GpioLineSettings.input());
        int[] lines = new int[11];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = i;
            many = many.withLine(i, GpioLineSettings.input().withDebounceMicros(100 + i));
        }
        GpioLineConfig tooMany = many;
        assertThrows(IllegalArgumentException.class, () -> tooMany.encode(b, 0, lines));
    }
}
