package dev.j4l.kernel.abi;

import static dev.j4l.kernel.abi.CStruct.S32;
import static dev.j4l.kernel.abi.CStruct.U32;
import static dev.j4l.kernel.abi.CStruct.array;
import static dev.j4l.kernel.abi.CStruct.f;
import static dev.j4l.kernel.abi.CStruct.off;
import static dev.j4l.kernel.abi.CStruct.struct;

import java.lang.foreign.StructLayout;
import org.junit.jupiter.api.Test;

/**
 * {@link RandomAbi} against {@code include/uapi/linux/random.h} of Linux 6.18: {@code struct rand_pool_info}
 * transcribed member by member, and the ioctl numbers computed from the header's {@code _IOR}/{@code _IOW}.
 */
class RandomAbiTest {
    static final StructLayout rand_pool_info = struct("rand_pool_info",
            f("entropy_count", S32), f("buf_size", S32), array("buf", 0, U32));

    /** {@code _IOC(dir, type, nr, size)} of asm-generic/ioctl.h. */
    private static long ioc(long dir, long type, long nr, long size) {
        return dir << 30 | size << 16 | type << 8 | nr;
    }

    private static final long IOC_WRITE = 1, IOC_READ = 2;

    @Test
    void everyConstantIsTheHeaders() {
        new CStruct.Pins(RandomAbi.class)
                // #define RNDGETENTCNT _IOR( 'R', 0x00, int )
                .pin("RNDGETENTCNT", ioc(IOC_READ, 'R', 0x00, S32.byteSize()))
                // #define RNDADDENTROPY _IOW( 'R', 0x03, int [2] )
                .pin("RNDADDENTROPY", ioc(IOC_WRITE, 'R', 0x03, 2 * S32.byteSize()))
                .pin("POOL_INFO_SIZE", rand_pool_info.byteSize())
                .pin("POOL_INFO_ENTROPY_COUNT", off(rand_pool_info, "entropy_count"))
                .pin("POOL_INFO_BUF_SIZE", off(rand_pool_info, "buf_size"))
                .pin("POOL_INFO_BUF", off(rand_pool_info, "buf"))
                .check();
    }
}
