package dev.j4l.block;

import dev.j4l.kernel.ErrnoException;
import dev.j4l.kernel.Fs;
import dev.j4l.kernel.OwnedFd;

/**
 * {@link BlockDriver#extents} for a driver whose bytes are a file's: the file's holes, found with
 * {@code lseek(SEEK_DATA/SEEK_HOLE)}, are reported as {@link Allocation#HOLE} and the rest as
 * {@link Allocation#DATA}. A file system without hole support reports everything as data, which is true.
 */
public final class FileExtents {
    private FileExtents() {}

    /**
     * Reports {@code [fileOffset, fileOffset+length)} of {@code file} into {@code sink}; returns false when the
     * sink wanted no more.
     */
    public static boolean report(OwnedFd file, long fileOffset, long length, ExtentSink sink)
            throws ErrnoException {
        long end = fileOffset + length;
        for (long at = fileOffset; at < end; ) {
            long data = Fs.seek(file, at, Fs.SEEK_DATA); // -1: no data from here on
            long dataAt = data < 0 ? end : Math.min(data, end);
            if (dataAt > at && !sink.extent(dataAt - at, Allocation.HOLE)) return false;
            if (dataAt >= end) return true;
            long hole = Fs.seek(file, dataAt, Fs.SEEK_HOLE); // the end of the file counts as a hole
            long holeAt = hole < 0 ? end : Math.min(hole, end);
            if (!sink.extent(holeAt - dataAt, Allocation.DATA)) return false;
            at = holeAt;
        }
        return true;
    }
}
