package dev.j4l.cli;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Option values with units, for picocli: a value it cannot read is a usage error naming the option. */
final class Units {
    private Units() {}

    /** A size in bytes: 4096, 64K, 512M, 1G (powers of 1024). */
    static final class Size implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return MemFsMountCommand.parseSize(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A time: 200us, 1ms, 0.5s (0 alone is no time). */
    static final class Time implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return value.equals("0") ? Duration.ZERO : BlockCommand.parseDuration(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
