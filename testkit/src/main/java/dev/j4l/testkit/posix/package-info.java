/**
 * The differential POSIX suite: {@link dev.j4l.testkit.posix.PosixCases} (what a filesystem must do, as
 * Python snippets making the exact system calls) and {@link dev.j4l.testkit.posix.PosixSuite} (runs each
 * case on a reference filesystem, kernel tmpfs, and then on the filesystems under test).
 */
package dev.j4l.testkit.posix;
