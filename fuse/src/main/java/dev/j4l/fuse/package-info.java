/**
 * Write a Linux filesystem in Java: the FUSE driver API.
 *
 * <p>Implement {@link dev.j4l.fuse.FuseFilesystem} (only the operations you support; the rest answer ENOSYS,
 * which the kernel handles per operation), then mount it with {@link dev.j4l.fuse.FuseMount#mount}:
 *
 * {@snippet class=dev.j4l.fuse.MountExample region=mount}
 *
 * <p>The example drivers ({@code dev.j4l.drivers}) are a ladder to read in order: {@code hello} (a read-only
 * filesystem of one file), {@code memfs} (an in-memory POSIX filesystem), {@code passthrough}
 * (a mirror of a host directory).
 *
 * <p>What the framework does for the driver:
 * <ul>
 *   <li>Node ids and file handles: the driver returns its own node objects ({@link dev.j4l.fuse.Entry}) and
 *       handle objects ({@link dev.j4l.fuse.Opened}); the framework numbers them, counts the kernel's lookups
 *       (LOOKUP, CREATE, MKNOD, MKDIR, SYMLINK, LINK, TMPFILE, READDIRPLUS) and forgets, and calls
 *       {@link dev.j4l.fuse.FuseFilesystem#forget} once the kernel holds no reference.</li>
 *   <li>Errors: throw {@link dev.j4l.kernel.ErrnoException}; anything else becomes EIO and a log line naming
 *       the operation, node and request, and the filesystem keeps serving.</li>
 *   <li>Threads: requests are served on dedicated platform threads (one per cloned {@code /dev/fuse}
 *       descriptor), concurrently; the same JVM may use the mount. {@link dev.j4l.fuse.Request#defer()} lets a
 *       driver answer from any thread later.</li>
 *   <li>Zero-copy data: a read fills a window of the reply buffer ({@link dev.j4l.fuse.DataSink}), a write
 *       sees a window of the request buffer ({@link dev.j4l.fuse.DataSource}); the hot paths allocate
 *       nothing per request.</li>
 *   <li>Kernel caches: {@link dev.j4l.fuse.FuseNotifier}; passthrough: {@link
 *       dev.j4l.fuse.FuseConnection#openBacking}.</li>
 * </ul>
 */
package dev.j4l.fuse;
