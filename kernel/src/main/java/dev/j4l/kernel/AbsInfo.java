package dev.j4l.kernel;

/**
 * What {@code struct input_absinfo} says of one absolute axis: its current value, its range, the noise the input
 * core filters out ({@code fuzz}: a change smaller than it is smoothed or dropped), the dead zone readers may ignore
 * around the centre ({@code flat}) and the resolution (units per millimetre, or per radian for rotations; 0 when
 * unknown). Checked as uinput checks it: {@code minimum <= maximum} and {@code 0 <= flat <= maximum - minimum}, and
 * here also {@code fuzz >= 0}, {@code resolution >= 0}.
 */
public record AbsInfo(int value, int minimum, int maximum, int fuzz, int flat, int resolution) {
    public AbsInfo {
        if (maximum < minimum) throw new IllegalArgumentException("axis maximum " + maximum + " below minimum " + minimum);
        long range = (long) maximum - minimum;
        if (flat < 0 || flat > range) throw new IllegalArgumentException("axis flat " + flat + " outside 0.." + range);
        if (fuzz < 0) throw new IllegalArgumentException("axis fuzz " + fuzz + " is negative");
        if (resolution < 0) throw new IllegalArgumentException("axis resolution " + resolution + " is negative");
    }

    /** An axis from {@code minimum} to {@code maximum}, starting at {@code value}, without fuzz, flat or resolution. */
    public static AbsInfo range(int minimum, int maximum, int value) {
        return new AbsInfo(value, minimum, maximum, 0, 0, 0);
    }

    /** Whether {@code v} lies within the axis's range. */
    public boolean contains(int v) {
        return v >= minimum && v <= maximum;
    }
}
