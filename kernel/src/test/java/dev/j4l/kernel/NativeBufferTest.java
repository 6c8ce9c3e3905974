package dev.j4l.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NativeBufferTest {
    @Test
    void everyAccessIsBoundsChecked() {
        NativeBuffer b = NativeBuffer.allocate(16);
        b.putLong(8, 0x1122334455667788L);
        assertEquals(0x1122334455667788L, b.getLong(8));
        assertEquals((byte) 0x88, b.getByte(8), "little-endian");
        assertThrows(IndexOutOfBoundsException.class, () -> b.getLong(9));
        assertThrows(IndexOutOfBoundsException.class, () -> b.putInt(13, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> b.getByte(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> b.getByte(16));
        assertThrows(IndexOutOfBoundsException.class, () -> b.put(10, new byte[8], 0, 8));
        assertThrows(IndexOutOfBoundsException.class, () -> b.get(0, new byte[4], 0, 8));
        assertThrows(IndexOutOfBoundsException.class, () -> b.slice(8, 9));
        assertThrows(IndexOutOfBoundsException.class, () -> b.fill(15, 2, (byte) 0));
        assertThrows(IndexOutOfBoundsException.class, () -> b.indexOf((byte) 0, 0, 17));
    }

    @Test
    void slicesShareMemoryButNotBounds() {
        NativeBuffer b = NativeBuffer.allocate(32);
        NativeBuffer s = b.slice(8, 8);
        s.putInt(4, 42);
        assertEquals(42, b.getInt(12));
        assertThrows(IndexOutOfBoundsException.class, () -> s.getInt(5));
        assertTrue(s.overlaps(b));
        assertTrue(!s.overlaps(b.slice(16, 8)));
    }

    @Test
    void kernelCallsCannotWriteOutsideTheBuffer() throws Exception {
        NativeBuffer b = NativeBuffer.allocate(16);
        try (OwnedFd zero = Fs.open("/dev/zero", Fs.O_RDONLY)) {
            // A read asking for more than the buffer holds is refused before the kernel sees it.
            assertThrows(IndexOutOfBoundsException.class, () -> zero.read(b, 8, 16));
            assertThrows(IndexOutOfBoundsException.class, () -> zero.pread(b, -1, 4, 0));
            assertEquals(8, zero.read(b, 8, 8));
        }
    }

    @Test
    void copiesAndStrings() {
        NativeBuffer b = NativeBuffer.copyOf("héllo".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(6, b.size());
        assertEquals("héllo", b.getString(0, 6));
        assertEquals(0, NativeBuffer.copyOf(new byte[0]).size());
        NativeBuffer c = NativeBuffer.allocate(8);
        c.copyFrom(0, b, 1, 5);
        assertArrayEquals(new byte[] {(byte) 0xc3, (byte) 0xa9, 'l', 'l', 'o', 0, 0, 0}, c.toByteArray());
        assertEquals(2, c.indexOf((byte) 'l', 0, 8));
        assertEquals(-1, c.indexOf((byte) 'z', 0, 8));
        assertEquals(4, c.asByteBuffer().capacity() / 2);
    }
}
