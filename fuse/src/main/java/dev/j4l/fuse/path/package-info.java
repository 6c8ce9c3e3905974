/**
 * Filesystems named by path: implement {@link dev.j4l.fuse.path.PathFilesystem} and mount it with
 * {@code FuseMount.mount(mountpoint, PathFilesystem.inodes(driver), options)}.
 *
 * {@snippet class=dev.j4l.fuse.path.PathExample region=mount}
 *
 * <p>The path layer is an inode-API driver ({@link dev.j4l.fuse.FuseFilesystem}) over yours: it keeps one node
 * per path the kernel has looked up, moves the paths beneath a renamed directory, drops nodes the kernel
 * forgets, keeps a file unlinked (or replaced by a rename) while open reachable through a hidden name until its
 * last close, and numbers inodes so {@code stat} and {@code readdir} agree. Renames, unlinks and rmdirs run
 * alone; every other call runs concurrently. Reads and writes allocate nothing in the layer.
 *
 * <h2>Porting from jnr-fuse or jfuse</h2>
 * <table class="striped">
 *   <caption>jnr-fuse / jfuse concepts and their j4l equivalents</caption>
 *   <thead><tr><th>jnr-fuse ({@code FuseStubFS}) / jfuse</th><th>j4l path API</th></tr></thead>
 *   <tbody>
 *     <tr><td>{@code extends FuseStubFS} / {@code implements FuseOperations}</td>
 *         <td>{@code implements PathFilesystem<H>}; unimplemented calls answer ENOSYS, changes EROFS</td></tr>
 *     <tr><td>{@code getattr(path, FileStat stat)} filling {@code stat}; {@code return 0}</td>
 *         <td>{@code Attr getattr(r, path, handle)} returning an immutable {@link dev.j4l.fuse.Attr}</td></tr>
 *     <tr><td>{@code return -ErrorCodes.ENOENT()}</td>
 *         <td>{@code throw new ErrnoException(Errno.ENOENT)}; any other exception answers EIO and is logged</td></tr>
 *     <tr><td>{@code readdir(path, buf, FuseFillDir filter, offset, fi)}, {@code filter.apply(buf, name, null, 0)}</td>
 *         <td>{@code readdir(r, path, PathFiller out)}, {@code out.add(name)}: the whole listing, no offsets;
 *             {@code .} and {@code ..} are added for you</td></tr>
 *     <tr><td>{@code FuseFileInfo.fh} (a number the driver manages)</td>
 *         <td>the handle object {@code H} that {@code open}/{@code create} return, passed back on every call</td></tr>
 *     <tr><td>{@code read(path, Pointer buf, size, offset, fi)}, {@code buf.put(...)}</td>
 *         <td>{@code read(r, path, handle, offset, size, DataSink out)}, {@code out.put(...)}: no return value</td></tr>
 *     <tr><td>{@code write(path, Pointer buf, size, offset, fi)}</td>
 *         <td>{@code int write(r, path, handle, offset, DataSource data)}</td></tr>
 *     <tr><td>{@code truncate}/{@code ftruncate}, {@code chmod}, {@code chown}, {@code utimens}</td>
 *         <td>the same names; {@code truncate} gets the handle of an {@code ftruncate}; times are
 *             {@link dev.j4l.fuse.SetAttr.TimeChange}s (omit, now, or a time)</td></tr>
 *     <tr><td>{@code getContext().uid} / {@code pid}</td>
 *         <td>the {@link dev.j4l.fuse.Request} argument: {@code r.uid()}, {@code r.pid()}, {@code r.umask()}</td></tr>
 *     <tr><td>{@code mount(path, blocking, debug, options)} / {@code umount()}</td>
 *         <td>{@code FuseMount.mount(mountpoint, PathFilesystem.inodes(fs), MountOptions)}, then
 *             {@code awaitUnmount()} or {@code close()}</td></tr>
 *     <tr><td>{@code link(from, to)}</td>
 *         <td>{@code link(r, from, to)}: each name is its own node, as in libfuse without {@code use_ino};
 *             {@code stat} shows the link count (and inode number, if set) the driver reports</td></tr>
 *     <tr><td>{@code mknod(path, mode, rdev)}</td>
 *         <td>{@code mknod(r, path, mode, rdev)} for fifos, sockets and devices; without it a regular file is
 *             made through {@code create} + {@code release} and other types get EPERM</td></tr>
 *     <tr><td>{@code setxattr(path, name, Pointer value, size, flags)}, {@code getxattr(path, name, value, size)},
 *             {@code listxattr(path, list, size)}, {@code removexattr(path, name)}</td>
 *         <td>{@code setxattr(r, path, name, byte[] value, flags)}, {@code byte[] getxattr(r, path, name)},
 *             {@code List<String> listxattr(r, path)}, {@code removexattr(r, path, name)}: the framework answers
 *             the size probes and ERANGE; throw ENODATA for a missing attribute, EOPNOTSUPP for a namespace
 *             not kept; leaving them out answers EOPNOTSUPP to every xattr call</td></tr>
 *     <tr><td>{@code fallocate(path, mode, off, length, fi)}; libfuse's {@code lseek(path, off, whence, fi)}</td>
 *         <td>{@code fallocate(r, path, handle, mode, offset, length)}, {@code long lseek(r, path, handle, offset,
 *             whence)} for SEEK_DATA/SEEK_HOLE (ENXIO past the end); leaving them out answers EOPNOTSUPP to
 *             fallocate and treats the whole file as data</td></tr>
 *     <tr><td>{@code access(path, mask)}</td>
 *         <td>{@code access(r, path, mask)}, the caller's {@code r.uid()}/{@code r.gid()}; asked only without
 *             {@code MountOptions.defaultPermissions}; leaving it out grants every access (libfuse's default)</td></tr>
 *     <tr><td>{@code copy_file_range(path_in, fi_in, off_in, path_out, fi_out, off_out, len, flags)}</td>
 *         <td>{@code long copyFileRange(r, pathIn, handleIn, offsetIn, pathOut, handleOut, offsetOut, length,
 *             flags)}; leaving it out, the kernel copies through read and write</td></tr>
 *     <tr><td>{@code lock(path, fi, cmd, struct flock)} with {@code fi->lock_owner};
 *             {@code flock(path, fi, op)}</td>
 *         <td>{@code getlk}/{@code setlk(r, path, handle, owner, FileLock, sleep)} and
 *             {@code flock(r, path, handle, owner, type, sleep)}, switched on by declaring
 *             {@code FuseCapability.POSIX_LOCKS}/{@code FLOCK_LOCKS} in {@code capabilities()} (not by overriding);
 *             ranges end inclusive ({@code FileLock.TO_END}); as in libfuse, each close drops the closer's POSIX
 *             locks through an {@code F_UNLCK} setlk; a waiting lock is best answered later
 *             ({@code r.defer()})</td></tr>
 *     <tr><td>{@code opendir}/{@code releasedir}/{@code fsyncdir} and {@code fi->fh} of a directory</td>
 *         <td>none: {@code readdir} hands over the whole listing and the layer pages it from its own snapshot,
 *             so no directory handle is needed; permission checks belong in {@code access} (or
 *             {@code defaultPermissions}); directories are never fsynced through the path API</td></tr>
 *     <tr><td>{@code -o hard_remove} off (libfuse's {@code .fuse_hidden} files)</td>
 *         <td>always on: an open file unlinked is renamed to {@code .j4l_hidden_N}, which lookups and listings
 *             never show</td></tr>
 *     <tr><td>JNR/Panama pointers, {@code Struct} fields</td>
 *         <td>none: lent {@code DataSink}/{@code DataSource}/{@code PathFiller} views, usable only during the call
 *             on its thread; the driver module needs no native access</td></tr>
 *   </tbody>
 * </table>
 *
 * <p>Not in the path API (use the inode API, {@link dev.j4l.fuse.FuseFilesystem}, for them): ioctl, poll,
 * bmap, passthrough, {@code O_TMPFILE}, and fsync of directories.
 */
package dev.j4l.fuse.path;
