/**
 * What tests share, so that each question has one answer: {@link dev.j4l.testkit.Needs} (may this test run
 * here: capabilities, devices, programs), {@link dev.j4l.testkit.Command} (run a program and see how it
 * ended), {@link dev.j4l.testkit.TempMounts} (mount points that are unmounted and removed after the test,
 * even when it fails), and in {@link dev.j4l.testkit.posix} the differential POSIX suite, which checks a
 * filesystem case by case against kernel tmpfs. {@link dev.j4l.testkit.NeedsKernel} marks a class that needs
 * kernel modules or devices a CI host may lack: skipped where they are missing, run in the kernel test VM tier
 * ({@code ./j4l test --vm}).
 *
 * <p>Tests run against the real kernel: the kit mounts, unmounts and asks for capabilities with real
 * system calls, through {@code dev.j4l.kernel} like any j4l code.
 *
 * <p><b>Layering.</b> The kit is an ordinary module whose main sources are test code: it {@code requires}
 * {@code dev.j4l.kernel} and JUnit's API, and every module above the kernel ({@code fuse}, {@code net},
 * {@code drivers}, {@code cli}, {@code adversary}) takes it as a test-scoped dependency; so can a driver
 * written outside this repository. It stops at the kernel so that {@code fuse}'s own tests can use it:
 * anything of the FUSE framework it needed would make it depend on the module it tests (a mount is handed
 * over as an {@link java.lang.AutoCloseable}, a filesystem under test as a directory). For the same reason
 * the kernel's tests cannot use it: they ask {@code Capabilities} and {@code Credentials} directly, which is
 * what {@link dev.j4l.testkit.Needs} asks, so there is still one answer; they mount only to test
 * {@code Mounts} itself.
 *
 * <p><b>Module path or class path.</b> Surefire runs a module's tests inside that module (its test classes
 * patched into it) with the test-scoped dependencies on the class path, so there the kit is in the unnamed
 * module and uses only exported kernel packages. A driver whose tests run on the module path
 * {@code requires dev.j4l.testkit}.
 */
package dev.j4l.testkit;
