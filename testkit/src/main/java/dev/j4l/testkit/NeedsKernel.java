package dev.j4l.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a test class needs from the kernel that a CI host may lack: kernel config options, kernel modules and
 * device nodes. Where they are missing the class is skipped, with a reason naming them; the kernel test VM tier
 * ({@code ./j4l test --vm}, see {@code vm/README.md}) boots a guest kernel that has {@link #config()} (Debian's
 * 6.1 kernel when it has them all, else the j4l test kernel built from {@code vm/j4l-kernel.config}), loads
 * {@link #modules()} (with their dependencies) before the JVM starts, and runs the class there.
 * {@code ./j4l test --vm} with no class names runs every class carrying this annotation.
 *
 * <pre>{@code
 * @NeedsKernel(modules = {"cuse", "uinput"}, paths = {"/dev/cuse", "/dev/uinput"})
 * class UinputTest { ... }
 *
 * @NeedsKernel(config = "GPIO_SIM", paths = "/sys/kernel/config/gpio-sim")   // only the j4l kernel has it
 * class GpioSimTest { ... }
 * }</pre>
 *
 * <p>In the VM tier (system property {@value NeedsKernelCondition#VM_PROPERTY} set) a requirement still
 * missing fails the class instead of skipping it: the tier promised it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(NeedsKernelCondition.class)
public @interface NeedsKernel {
    /**
     * Kernel config options that must be built in or available as modules, without the {@code CONFIG_} prefix
     * ({@code "GPIO_SIM"}). They are read from {@code /proc/config.gz}, {@code /boot/config-RELEASE} or, in the
     * VM tier's guest, {@code /run/j4l-vm/config}; a kernel whose config is unknown lacks them. They also choose
     * the VM tier's kernel.
     */
    String[] config() default {};

    /**
     * Kernel modules, as named for {@code modprobe} ({@code "i2c-stub"} and {@code "i2c_stub"} are one); a
     * name may be followed by module parameters after a space ({@code "i2c-stub chip_addr=0x50"}). On a host a
     * module counts as present when it is loaded ({@code /sys/module/NAME}) or built in
     * ({@code modules.builtin}).
     */
    String[] modules() default {};

    /** Paths that must exist, such as device nodes ({@code /dev/uinput}) or sysfs entries. */
    String[] paths() default {};
}
