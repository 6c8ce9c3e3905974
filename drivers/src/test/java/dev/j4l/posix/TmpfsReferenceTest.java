package dev.j4l.posix;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The POSIX suite against kernel tmpfs: proves each case right before it is used to judge memfs. */
class TmpfsReferenceTest {
    @TestFactory
    Stream<DynamicTest> tmpfs() throws Exception {
        TmpfsMount tmpfs = new TmpfsMount("2g");
        return PosixCases.all().stream()
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> c.run(Files.createDirectory(tmpfs.root().resolve(c.name())))))
                .onClose(() -> {
                    try {
                        tmpfs.close();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
    }
}
