package dev.j4l.chardev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.j4l.chardev.tty.TtyIoctls;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** Declarations that disagree with their number are refused; old unencoded numbers take any declaration. */
class IoctlCommandTest {
    @Test
    void encodedNumbersMustAgree() {
        int rw = IoctlCommand.iowr('J', 1, 8);
        assertEquals(0xC0084A01, rw);
        assertEquals(8, IoctlCommand.inOut("A", rw, 8).size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IoctlCommand.inOut("A", rw, 4));
        assertTrue(e.getMessage().contains("encodes IN_OUT of 8 bytes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> IoctlCommand.out("A", rw, 8));
        assertThrows(IllegalArgumentException.class, () -> IoctlCommand.in("A", IoctlCommand.ior('J', 2, 4), 4));
        assertThrows(IllegalArgumentException.class, () -> IoctlCommand.value("A", IoctlCommand.iow('J', 2, 4)));
        MemoryLayout pair = MemoryLayout.structLayout(ValueLayout.JAVA_INT.withName("a"), ValueLayout.JAVA_INT.withName("b"));
        assertEquals(8, IoctlCommand.in("P", IoctlCommand.iow('J', 3, 8), pair).size());
    }

    @Test
    void sizesAreBounded() {
        assertThrows(IllegalArgumentException.class, () -> IoctlCommand.out("Z", 0x5401, 0));
        assertThrows(IllegalArgumentException.class, () -> IoctlCommand.out("Z", 0x5401, IoctlCommand.MAX_SIZE + 1));
        assertThrows(IllegalArgumentException.class, () -> IoctlCommand.iow('J', 1, IoctlCommand.MAX_SIZE + 1));
    }

    @Test
    void oldNumbersTakeTheirDeclaration() {
        assertEquals(IoctlCommand.Direction.OUT, TtyIoctls.TCGETS.direction());
        assertEquals(36, TtyIoctls.TCGETS.size());
        assertEquals(0x5401, TtyIoctls.TCGETS.number());
        assertEquals(IoctlCommand.Direction.NONE, TtyIoctls.TCFLSH.direction());
    }
}
