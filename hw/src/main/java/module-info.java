/**
 * The hardware-device framework: what a user-space daemon for a kernel hardware interface needs, on
 * {@code dev.j4l.kernel} only and without native access. The hardware random number generator: read
 * {@code /dev/hwrng} ({@link dev.j4l.hw.HardwareRng}), check it as FIPS 140-2 says ({@link dev.j4l.hw.Fips140}),
 * feed the kernel's pool ({@link dev.j4l.hw.EntropyPool}, {@link dev.j4l.hw.EntropyFeeder}: an rngd). Devices
 * through UIO ({@link dev.j4l.hw.UioDevice}: registers and interrupts; the example driver
 * {@link dev.j4l.hw.edu.EduDevice}) and I2C buses through i2c-dev ({@link dev.j4l.hw.I2cBus}; the example driver
 * {@link dev.j4l.hw.eeprom.Eeprom24c02}). GPIO chips and lines through the GPIO character device
 * ({@link dev.j4l.hw.gpio.GpioChip}).
 */
module dev.j4l.hw {
    requires transitive dev.j4l.kernel;
    exports dev.j4l.hw;
    exports dev.j4l.hw.edu;
    exports dev.j4l.hw.eeprom;
    exports dev.j4l.hw.gpio;
}
