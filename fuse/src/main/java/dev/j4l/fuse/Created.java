package dev.j4l.fuse;

import java.util.Objects;

/** The answer to create and tmpfile: the new node and its open file. */
public record Created<N, H>(Entry<N> entry, Opened<H> opened) {
    public Created {
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(opened, "opened");
        if (entry.isNegative()) throw new IllegalArgumentException("create must answer with a positive entry");
    }

    public static <N, H> Created<N, H> of(Entry<N> entry, Opened<H> opened) {
        return new Created<>(entry, opened);
    }
}
