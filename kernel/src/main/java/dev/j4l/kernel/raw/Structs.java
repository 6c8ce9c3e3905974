package dev.j4l.kernel.raw;

import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * C struct layouts used by the raw calls (LP64 Linux; identical on x86_64 and arm64 for every struct here,
 * which is why {@code stat} is read through {@code statx}: {@code struct stat} differs between the two).
 * {@code StructsTest} checks each size and the offsets the safe layer reads against the C compiler's values.
 */
public final class Structs {
    private Structs() {}

    /** {@code struct statx_timestamp}: 16 bytes. */
    public static final StructLayout STATX_TIMESTAMP = structLayout(
            JAVA_LONG.withName("tv_sec"), JAVA_INT.withName("tv_nsec"), JAVA_INT.withName("__reserved"));

    /** {@code struct statx}: 256 bytes. */
    public static final StructLayout STATX = structLayout(
            JAVA_INT.withName("stx_mask"),
            JAVA_INT.withName("stx_blksize"),
            JAVA_LONG.withName("stx_attributes"),
            JAVA_INT.withName("stx_nlink"),
            JAVA_INT.withName("stx_uid"),
            JAVA_INT.withName("stx_gid"),
            JAVA_SHORT.withName("stx_mode"),
            paddingLayout(2),
            JAVA_LONG.withName("stx_ino"),
            JAVA_LONG.withName("stx_size"),
            JAVA_LONG.withName("stx_blocks"),
            JAVA_LONG.withName("stx_attributes_mask"),
            STATX_TIMESTAMP.withName("stx_atime"),
            STATX_TIMESTAMP.withName("stx_btime"),
            STATX_TIMESTAMP.withName("stx_ctime"),
            STATX_TIMESTAMP.withName("stx_mtime"),
            JAVA_INT.withName("stx_rdev_major"),
            JAVA_INT.withName("stx_rdev_minor"),
            JAVA_INT.withName("stx_dev_major"),
            JAVA_INT.withName("stx_dev_minor"),
            JAVA_LONG.withName("stx_mnt_id"),
            JAVA_INT.withName("stx_dio_mem_align"),
            JAVA_INT.withName("stx_dio_offset_align"),
            paddingLayout(256 - 160));

    // int: also the indexes of a copy read through a ByteBuffer (Native.Scratch.copyOf).
    public static final int STATX_MASK = 0, STATX_BLKSIZE = 4, STATX_ATTRIBUTES = 8, STATX_NLINK = 16,
            STATX_UID = 20, STATX_GID = 24, STATX_MODE = 28, STATX_INO = 32, STATX_SIZE = 40, STATX_BLOCKS = 48,
            STATX_ATIME = 64, STATX_BTIME = 80, STATX_CTIME = 96, STATX_MTIME = 112, STATX_RDEV_MAJOR = 128,
            STATX_RDEV_MINOR = 132, STATX_DEV_MAJOR = 136, STATX_DEV_MINOR = 140, STATX_MNT_ID = 144,
            STATX_DIO_MEM_ALIGN = 152, STATX_DIO_OFFSET_ALIGN = 156;

    /** {@code struct statfs} (64-bit): 120 bytes. */
    public static final StructLayout STATFS = structLayout(
            JAVA_LONG.withName("f_type"),
            JAVA_LONG.withName("f_bsize"),
            JAVA_LONG.withName("f_blocks"),
            JAVA_LONG.withName("f_bfree"),
            JAVA_LONG.withName("f_bavail"),
            JAVA_LONG.withName("f_files"),
            JAVA_LONG.withName("f_ffree"),
            sequenceLayout(2, JAVA_INT).withName("f_fsid"),
            JAVA_LONG.withName("f_namelen"),
            JAVA_LONG.withName("f_frsize"),
            JAVA_LONG.withName("f_flags"),
            sequenceLayout(4, JAVA_LONG).withName("f_spare"));

    public static final long STATFS_TYPE = 0, STATFS_BSIZE = 8, STATFS_BLOCKS = 16, STATFS_BFREE = 24,
            STATFS_BAVAIL = 32, STATFS_FILES = 40, STATFS_FFREE = 48, STATFS_FSID = 56, STATFS_NAMELEN = 64,
            STATFS_FRSIZE = 72, STATFS_FLAGS = 80;

    /** {@code struct open_how}: 24 bytes. */
    public static final StructLayout OPEN_HOW = structLayout(
            JAVA_LONG.withName("flags"), JAVA_LONG.withName("mode"), JAVA_LONG.withName("resolve"));

    /** {@code struct timespec}: 16 bytes. */
    public static final StructLayout TIMESPEC = structLayout(JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_nsec"));

    /** {@code struct iovec}: 16 bytes. */
    public static final StructLayout IOVEC = structLayout(ADDRESS.withName("iov_base"), JAVA_LONG.withName("iov_len"));

    public static final long IOVEC_BASE = 0, IOVEC_LEN = 8;

    /** {@code struct msghdr}: 56 bytes. */
    public static final StructLayout MSGHDR = structLayout(
            ADDRESS.withName("msg_name"),
            JAVA_INT.withName("msg_namelen"),
            paddingLayout(4),
            ADDRESS.withName("msg_iov"),
            JAVA_LONG.withName("msg_iovlen"),
            ADDRESS.withName("msg_control"),
            JAVA_LONG.withName("msg_controllen"),
            JAVA_INT.withName("msg_flags"),
            paddingLayout(4));

    public static final long MSGHDR_NAME = 0, MSGHDR_NAMELEN = 8, MSGHDR_IOV = 16, MSGHDR_IOVLEN = 24,
            MSGHDR_CONTROL = 32, MSGHDR_CONTROLLEN = 40, MSGHDR_FLAGS = 48;

    /** {@code struct cmsghdr} header (data follows at offset 16): 16 bytes. */
    public static final StructLayout CMSGHDR = structLayout(
            JAVA_LONG.withName("cmsg_len"), JAVA_INT.withName("cmsg_level"), JAVA_INT.withName("cmsg_type"));

    /** {@code CMSG_SPACE(n)}: header plus data rounded up to 8. */
    public static long cmsgSpace(long dataLength) {
        return CMSGHDR.byteSize() + ((dataLength + 7) & ~7L);
    }

    /** {@code CMSG_LEN(n)}. */
    public static long cmsgLen(long dataLength) {
        return CMSGHDR.byteSize() + dataLength;
    }

    /** {@code struct pollfd}: 8 bytes. */
    public static final StructLayout POLLFD = structLayout(
            JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"), JAVA_SHORT.withName("revents"));

    /** {@code struct flock} (64-bit off_t): 32 bytes. */
    public static final StructLayout FLOCK = structLayout(
            JAVA_SHORT.withName("l_type"),
            JAVA_SHORT.withName("l_whence"),
            paddingLayout(4),
            JAVA_LONG.withName("l_start"),
            JAVA_LONG.withName("l_len"),
            JAVA_INT.withName("l_pid"),
            paddingLayout(4));

    public static final long FLOCK_TYPE = 0, FLOCK_WHENCE = 2, FLOCK_START = 8, FLOCK_LEN = 16, FLOCK_PID = 24;

    /** {@code struct linux_dirent64} header; the NUL-terminated name starts at offset 19. */
    public static final long DIRENT64_INO = 0, DIRENT64_OFF = 8, DIRENT64_RECLEN = 16, DIRENT64_TYPE = 18,
            DIRENT64_NAME = 19;

    /** {@code struct utsname}: six 65-byte strings, 390 bytes. */
    public static final MemoryLayout UTSNAME = sequenceLayout(6 * 65, JAVA_BYTE);

    public static final long UTSNAME_FIELD = 65, UTSNAME_SYSNAME = 0, UTSNAME_NODENAME = 65, UTSNAME_RELEASE = 130,
            UTSNAME_VERSION = 195, UTSNAME_MACHINE = 260;

    /** {@code struct __user_cap_header_struct}: 8 bytes. */
    public static final StructLayout CAP_HEADER = structLayout(JAVA_INT.withName("version"), JAVA_INT.withName("pid"));

    /** {@code struct __user_cap_data_struct}: 12 bytes; version 3 takes an array of two. */
    public static final StructLayout CAP_DATA = structLayout(
            JAVA_INT.withName("effective"), JAVA_INT.withName("permitted"), JAVA_INT.withName("inheritable"));

    /** {@code struct sockaddr_un}: 110 bytes. */
    public static final StructLayout SOCKADDR_UN = structLayout(
            JAVA_SHORT.withName("sun_family"), sequenceLayout(108, JAVA_BYTE).withName("sun_path"));
}
