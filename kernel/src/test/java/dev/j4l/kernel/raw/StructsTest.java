package dev.j4l.kernel.raw;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;
import org.junit.jupiter.api.Test;

/**
 * Struct sizes and offsets against the C compiler: the expected numbers were printed by gcc 12 on x86_64
 * Debian 12 with {@code sizeof}/{@code offsetof} over the glibc and kernel uapi headers.
 */
class StructsTest {
    private static long offset(StructLayout l, String field) {
        return l.byteOffset(PathElement.groupElement(field));
    }

    @Test
    void statx() {
        assertEquals(256, Structs.STATX.byteSize());
        assertEquals(16, offset(Structs.STATX, "stx_nlink"));
        assertEquals(28, offset(Structs.STATX, "stx_mode"));
        assertEquals(32, offset(Structs.STATX, "stx_ino"));
        assertEquals(64, offset(Structs.STATX, "stx_atime"));
        assertEquals(80, offset(Structs.STATX, "stx_btime"));
        assertEquals(96, offset(Structs.STATX, "stx_ctime"));
        assertEquals(112, offset(Structs.STATX, "stx_mtime"));
        assertEquals(128, offset(Structs.STATX, "stx_rdev_major"));
        assertEquals(136, offset(Structs.STATX, "stx_dev_major"));
        assertEquals(144, offset(Structs.STATX, "stx_mnt_id"));
        assertEquals(152, offset(Structs.STATX, "stx_dio_mem_align"));
        assertEquals(156, offset(Structs.STATX, "stx_dio_offset_align"));
        // The constants the safe layer reads through must agree with the layout.
        assertEquals(offset(Structs.STATX, "stx_mode"), Structs.STATX_MODE);
        assertEquals(offset(Structs.STATX, "stx_size"), Structs.STATX_SIZE);
        assertEquals(offset(Structs.STATX, "stx_blocks"), Structs.STATX_BLOCKS);
        assertEquals(offset(Structs.STATX, "stx_mtime"), Structs.STATX_MTIME);
        assertEquals(offset(Structs.STATX, "stx_rdev_minor"), Structs.STATX_RDEV_MINOR);
        assertEquals(offset(Structs.STATX, "stx_dev_minor"), Structs.STATX_DEV_MINOR);
        assertEquals(offset(Structs.STATX, "stx_dio_mem_align"), Structs.STATX_DIO_MEM_ALIGN);
        assertEquals(offset(Structs.STATX, "stx_dio_offset_align"), Structs.STATX_DIO_OFFSET_ALIGN);
    }

    @Test
    void statfs() {
        assertEquals(120, Structs.STATFS.byteSize());
        assertEquals(56, offset(Structs.STATFS, "f_fsid"));
        assertEquals(64, offset(Structs.STATFS, "f_namelen"));
        assertEquals(72, offset(Structs.STATFS, "f_frsize"));
        assertEquals(80, offset(Structs.STATFS, "f_flags"));
        assertEquals(Structs.STATFS_FRSIZE, offset(Structs.STATFS, "f_frsize"));
        assertEquals(Structs.STATFS_BAVAIL, offset(Structs.STATFS, "f_bavail"));
    }

    @Test
    void smallStructs() {
        assertEquals(24, Structs.OPEN_HOW.byteSize());
        assertEquals(16, Structs.TIMESPEC.byteSize());
        assertEquals(16, Structs.IOVEC.byteSize());
        assertEquals(Structs.IOVEC_BASE, offset(Structs.IOVEC, "iov_base"));
        assertEquals(Structs.IOVEC_LEN, offset(Structs.IOVEC, "iov_len"));
        assertEquals(8, Structs.POLLFD.byteSize());
        assertEquals(16, Structs.CMSGHDR.byteSize());
        assertEquals(8, Structs.CAP_HEADER.byteSize());
        assertEquals(12, Structs.CAP_DATA.byteSize());
        assertEquals(110, Structs.SOCKADDR_UN.byteSize());
        assertEquals(390, Structs.UTSNAME.byteSize());
        assertEquals(130, Structs.UTSNAME_RELEASE);
    }

    @Test
    void msghdr() {
        assertEquals(56, Structs.MSGHDR.byteSize());
        assertEquals(16, offset(Structs.MSGHDR, "msg_iov"));
        assertEquals(32, offset(Structs.MSGHDR, "msg_control"));
        assertEquals(40, offset(Structs.MSGHDR, "msg_controllen"));
        assertEquals(48, offset(Structs.MSGHDR, "msg_flags"));
        assertEquals(Structs.MSGHDR_CONTROLLEN, offset(Structs.MSGHDR, "msg_controllen"));
        // CMSG_SPACE(4) == 24, CMSG_LEN(4) == 20 on LP64.
        assertEquals(24, Structs.cmsgSpace(4));
        assertEquals(20, Structs.cmsgLen(4));
    }

    @Test
    void flock() {
        assertEquals(32, Structs.FLOCK.byteSize());
        assertEquals(8, offset(Structs.FLOCK, "l_start"));
        assertEquals(16, offset(Structs.FLOCK, "l_len"));
        assertEquals(24, offset(Structs.FLOCK, "l_pid"));
    }
}
