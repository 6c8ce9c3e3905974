package dev.j4l.testkit.posix;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The cases of j4l's POSIX semantics suite. Each case is a public static method taking an empty directory on
 * the filesystem under test (owned by root, mode 0755, the process running as root) and throwing when the
 * filesystem misbehaves, so the same cases run against any mounted directory: tmpfs as the reference, memfs,
 * or another driver. {@link PosixSuite} runs them.
 *
 * <p>Cases that act as an unprivileged user need the mount to let others in ({@code allow_other}) and the
 * kernel to check permissions ({@code default_permissions}).
 */
public final class PosixCases {
    private PosixCases() {}

    /** One case: its name and how to run it. */
    public record Case(String name, Method method) {
        public void run(Path dir) throws Throwable {
            try {
                method.invoke(null, dir);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    /** Every case, in source-name order. */
    public static List<Case> all() {
        List<Case> cases = new ArrayList<>();
        for (Method m : PosixCases.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers())
                    && m.getParameterCount() == 1 && m.getParameterTypes()[0] == Path.class) {
                cases.add(new Case(m.getName(), m));
            }
        }
        cases.sort(Comparator.comparing(Case::name));
        return cases;
    }

    // ------------------------------------------------------------------ files and directories

    public static void createReadWrite(Path dir) throws Exception {
        Python.run(dir, """
                write_file('f', b'hello world')
                assert read_file('f') == b'hello world'
                fd = os.open('f', os.O_RDWR)
                os.pwrite(fd, b'HELLO', 0)
                assert os.pread(fd, 100, 0) == b'HELLO world'
                assert os.pread(fd, 100, 6) == b'world'
                assert os.pread(fd, 100, 11) == b''
                os.close(fd)
                st = os.stat('f')
                assert stat.S_ISREG(st.st_mode) and st.st_size == 11, st
                os.mkdir('d', 0o750)
                assert stat.S_IMODE(os.stat('d').st_mode) == 0o750 & ~os.umask(0o022)
                assert sorted(os.listdir('.')) == ['d', 'f']
                big = os.urandom(3 * 1024 * 1024 + 17)
                write_file('big', big)
                assert read_file('big') == big
                """);
    }

    public static void oAppend(Path dir) throws Exception {
        Python.run(dir, """
                write_file('f', b'abc')
                fd = os.open('f', os.O_WRONLY | os.O_APPEND)
                os.lseek(fd, 0, os.SEEK_SET)
                os.write(fd, b'def')
                os.close(fd)
                assert read_file('f') == b'abcdef'
                # two processes appending fixed-size records: none may be lost or torn
                code = "import os\\nfd=os.open('log', os.O_WRONLY|os.O_APPEND|os.O_CREAT, 0o644)\\n" + \\
                       "for i in range(500): os.write(fd, (sys.argv[1]*63+'\\\\n').encode())\\n"
                code = 'import sys\\n' + code
                ps = [subprocess.Popen([sys.executable, '-c', code, c]) for c in 'xy']
                assert all(p.wait() == 0 for p in ps)
                lines = read_file('log').split(b'\\n')[:-1]
                assert len(lines) == 1000, len(lines)
                assert all(l in (b'x' * 63, b'y' * 63) for l in lines)
                """);
    }

    public static void oExclAndTrunc(Path dir) throws Exception {
        Python.run(dir, """
                write_file('f', b'content')
                expect('EEXIST', os.open, 'f', os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
                os.symlink('f', 'link')
                expect('EEXIST', os.open, 'link', os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
                fd = os.open('new', os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                os.close(fd)
                m0 = os.stat('f').st_mtime_ns
                tick()
                fd = os.open('f', os.O_WRONLY | os.O_TRUNC)
                os.close(fd)
                st = os.stat('f')
                assert st.st_size == 0 and st.st_mtime_ns > m0, st
                """);
    }

    public static void nameMaxAndPathMax(Path dir) throws Exception {
        Python.run(dir, """
                n255 = 'a' * 255
                write_file(n255, b'x')
                assert n255 in os.listdir('.')
                assert read_file(n255) == b'x'
                expect('ENAMETOOLONG', os.open, 'b' * 256, os.O_CREAT | os.O_WRONLY, 0o644)
                expect('ENAMETOOLONG', os.mkdir, 'c' * 256)
                multi = '\\u00e9' * 127  # 254 bytes of UTF-8
                os.mkdir(multi)
                assert multi in os.listdir('.')
                expect('ENAMETOOLONG', os.mkdir, '\\u00e9' * 128)
                # a path of 4095 bytes resolves; 4096 and more do not
                p = '/'.join(['d' * 200] * 20)  # 4019 bytes
                os.makedirs(p)
                leaf = 'f' * (4095 - len(p) - 1)
                full = p + '/' + leaf
                assert len(full.encode()) == 4095
                write_file(full, b'deep')
                assert read_file(full) == b'deep'
                expect('ENAMETOOLONG', os.stat, './' + full + 'x')
                """);
    }

    /**
     * NAME_MAX counts the kernel's bytes, also in a name that is not UTF-8: each such byte is one byte (not the
     * three its escape char would take in UTF-8), and so are the names of extended attributes.
     */
    public static void nameMaxCountsBytesThatAreNotUtf8(Path dir) throws Exception {
        Python.run(dir, """
                n255 = b'\\xff' * 255
                write_file(n255, b'x')
                assert n255 in os.listdir(b'.')
                expect('ENAMETOOLONG', os.open, b'\\xfe' * 256, os.O_CREAT | os.O_WRONLY, 0o644)
                expect('ENAMETOOLONG', os.mkdir, b'\\xfe' * 256)
                expect('ENAMETOOLONG', os.rename, n255, b'\\xfe' * 256)
                # valid UTF-8 mixed in: '\\xc3\\xa9' is two bytes; a truncated sequence is one byte a piece
                os.mkdir(b'\\xc3\\xa9' + b'\\xe2\\x82' * 126 + b'z')  # 2 + 252 + 1 = 255 bytes
                expect('ENAMETOOLONG', os.mkdir, b'\\xc3\\xa9' + b'\\xe2\\x82' * 127)  # 256 bytes
                os.rename(n255, b'\\x80' * 255)
                assert read_file(b'\\x80' * 255) == b'x'
                os.setxattr(b'\\x80' * 255, b'user.' + b'\\xff' * 250, b'v')  # a 255-byte attribute name
                assert os.getxattr(b'\\x80' * 255, b'user.' + b'\\xff' * 250) == b'v'
                expect('ERANGE', os.setxattr, b'\\x80' * 255, b'user.' + b'\\xff' * 251, b'v')
                """);
    }

    public static void namesAreBytes(Path dir) throws Exception {
        Python.run(dir, """
                for name in (b'caf\\xc3\\xa9', b'\\xff\\xfe-latin1', b'tab\\there', b'new\\nline'):
                    fd = os.open(name, os.O_CREAT | os.O_WRONLY, 0o644)
                    os.write(fd, name)
                    os.close(fd)
                    assert name in os.listdir(b'.'), (name, os.listdir(b'.'))
                    assert read_file(name) == name
                # Symlink targets and xattr names are bytes too.
                for target in (b'\\xff\\xfe/caf\\xc3\\xa9', b'\\xed\\xa0\\x80', b'\\xc0\\xaf'):
                    os.symlink(target, b'l')
                    assert os.readlink(b'l') == target, (target, os.readlink(b'l'))
                    assert os.lstat(b'l').st_size == len(target)
                    os.unlink(b'l')
                write_file('x')
                for xname in (b'user.\\xff\\xfe', b'user.caf\\xc3\\xa9'):
                    os.setxattr(b'x', xname, b'v')
                    assert os.getxattr(b'x', xname) == b'v'
                    assert xname in [n.encode('utf-8', 'surrogateescape') for n in os.listxattr(b'x')], os.listxattr(b'x')
                """);
    }

    public static void errnoForBadInput(Path dir) throws Exception {
        Python.run(dir, """
                write_file('f')
                os.mkdir('d')
                write_file('d/x')
                os.mkdir('e')
                expect('ENOENT', os.stat, 'missing')
                expect('ENOENT', os.rmdir, 'missing')
                expect('ENOENT', os.unlink, 'missing')
                expect('ENOTDIR', os.stat, 'f/x')
                expect('ENOTDIR', os.open, 'f/x', os.O_CREAT | os.O_WRONLY, 0o644)
                expect('ENOTDIR', os.rmdir, 'f')
                expect('EISDIR', os.open, 'd', os.O_WRONLY)
                expect('EISDIR', os.unlink, 'd')
                expect('ENOTEMPTY', os.rmdir, 'd')
                expect('EEXIST', os.mkdir, 'd')
                expect('EEXIST', os.mkdir, 'f')
                expect('EEXIST', os.link, 'f', 'd/x')
                expect('EEXIST', os.symlink, 'anything', 'f')
                expect('EPERM', os.link, 'd', 'dlink')
                expect('EINVAL', os.rename, 'd', 'd/sub')
                expect('EINVAL', os.rmdir, 'd/.')
                os.symlink('loop1', 'loop2')
                os.symlink('loop2', 'loop1')
                expect('ELOOP', os.stat, 'loop1')
                expect('ELOOP', os.open, 'loop1', os.O_RDONLY | os.O_NOFOLLOW)
                expect('EXDEV', os.rename, 'f', '/dev/shm/j4l-posix-exdev')
                expect('EXDEV', os.link, 'f', '/dev/shm/j4l-posix-exdev')
                expect('OK', os.rmdir, 'e')
                """);
    }

    public static void symlinks(Path dir) throws Exception {
        Python.run(dir, """
                write_file('target', b'data')
                os.symlink('target', 'l')
                assert os.readlink('l') == 'target'
                assert read_file('l') == b'data'
                st = os.lstat('l')
                assert stat.S_ISLNK(st.st_mode) and st.st_size == len('target'), st
                os.symlink('dangling/nowhere', 'dl')
                expect('ENOENT', os.stat, 'dl')
                long_target = 'x' * 1000
                os.symlink(long_target, 'long')
                assert os.readlink('long') == long_target
                expect('EINVAL', os.readlink, 'target')
                os.mkdir('sub')
                os.symlink('../target', 'sub/up')
                assert read_file('sub/up') == b'data'
                """);
    }

    public static void symlinkTargetNearPathMax(Path dir) throws Exception {
        Python.run(dir, """
                target = 'x/' * 2047 + 'x'  # 4095 bytes: the longest target symlink(2) takes
                os.symlink(target, 'l')
                assert os.readlink('l') == target and os.lstat('l').st_size == 4095
                expect('ENAMETOOLONG', os.symlink, target + 'y', 'l2')
                """);
    }

    // ------------------------------------------------------------------ rename

    public static void renameOverFileAndDirs(Path dir) throws Exception {
        Python.run(dir, """
                write_file('a', b'A')
                write_file('b', b'B')
                ino = os.stat('a').st_ino
                os.rename('a', 'b')
                assert not os.path.exists('a') and read_file('b') == b'A' and os.stat('b').st_ino == ino
                os.mkdir('d1'); os.mkdir('d2'); write_file('d1/inside')
                os.rename('d1', 'd2')  # over an empty directory
                assert os.listdir('d2') == ['inside'] and not os.path.exists('d1')
                os.mkdir('d3'); write_file('d3/x')
                os.mkdir('d4'); write_file('d4/y')
                assert err(os.rename, 'd3', 'd4') in ('ENOTEMPTY', 'EEXIST')
                expect('EISDIR', os.rename, 'b', 'd2')
                expect('ENOTDIR', os.rename, 'd2', 'b')
                os.link('b', 'b2')
                os.rename('b', 'b2')  # two names of one inode: nothing happens
                assert os.path.exists('b') and os.path.exists('b2') and os.stat('b').st_nlink == 2
                os.mkdir('p'); os.mkdir('p/q')
                expect('EINVAL', os.rename, 'p', 'p/q/r')
                os.rename('p/q', 'q')  # move a directory up: link counts follow
                assert os.stat('p').st_nlink == 2 and os.stat('q').st_nlink == 2
                """);
    }

    public static void renameNoreplaceAndExchange(Path dir) throws Exception {
        Python.run(dir, """
                write_file('a', b'A')
                write_file('b', b'B')
                expect('EEXIST', renameat2, 'a', 'b', RENAME_NOREPLACE)
                renameat2('a', 'c', RENAME_NOREPLACE)
                assert read_file('c') == b'A' and not os.path.exists('a')
                os.mkdir('d'); write_file('d/in', b'I')
                renameat2('c', 'd', RENAME_EXCHANGE)  # a file and a directory swap places
                assert stat.S_ISDIR(os.stat('c').st_mode) and read_file('c/in') == b'I'
                assert read_file('d') == b'A'
                expect('ENOENT', renameat2, 'd', 'nothing', RENAME_EXCHANGE)
                expect('EINVAL', renameat2, 'd', 'b', RENAME_EXCHANGE | RENAME_NOREPLACE)
                os.mkdir('x'); os.mkdir('x/y')
                expect('EINVAL', renameat2, 'x', 'x/y', RENAME_EXCHANGE)
                os.mkdir('o1'); os.mkdir('o1/sub'); os.mkdir('o2')
                renameat2('o1', 'o2', RENAME_EXCHANGE)
                assert os.listdir('o2') == ['sub'] and os.listdir('o1') == []
                """);
    }

    // ------------------------------------------------------------------ links and counts

    public static void linkCounts(Path dir) throws Exception {
        Python.run(dir, """
                write_file('f', b'x')
                c0 = os.stat('f').st_ctime_ns
                tick()
                os.link('f', 'g')
                st = os.stat('g')
                assert st.st_nlink == 2 and os.stat('f').st_nlink == 2, st
                assert st.st_ctime_ns > c0
                c1 = st.st_ctime_ns
                tick()
                os.unlink('f')
                st = os.stat('g')  # through the other name: new count and ctime at once
                assert st.st_nlink == 1, st
                assert st.st_ctime_ns > c1, (st.st_ctime_ns, c1)
                fd = os.open('g', os.O_RDONLY)
                os.unlink('g')
                assert os.fstat(fd).st_nlink == 0
                assert os.read(fd, 10) == b'x'  # an unlinked open file keeps its data
                os.close(fd)
                os.mkdir('d')
                assert os.stat('d').st_nlink == 2
                os.mkdir('d/s1'); os.mkdir('d/s2')
                assert os.stat('d').st_nlink == 4
                os.rmdir('d/s1')
                assert os.stat('d').st_nlink == 3
                os.mkdir('e')
                os.rename('d/s2', 'e/s2')
                assert os.stat('d').st_nlink == 2 and os.stat('e').st_nlink == 3
                write_file('m', b'm')
                os.link('m', 'e/m2')
                os.chmod('e/m2', 0o600)
                assert stat.S_IMODE(os.stat('m').st_mode) == 0o600  # mode through the other name
                """);
    }

    public static void hardLinkAttributesAgree(Path dir) throws Exception {
        Python.run(dir, """
                write_file('a', b'1')
                os.link('a', 'b')
                fd = os.open('a', os.O_WRONLY | os.O_APPEND)
                os.write(fd, b'2345')
                os.close(fd)
                sa, sb = os.stat('a'), os.stat('b')
                assert sa.st_ino == sb.st_ino and sb.st_size == 5 and sa.st_mtime_ns == sb.st_mtime_ns, (sa, sb)
                os.chown('b', 123, 456)
                assert (os.stat('a').st_uid, os.stat('a').st_gid) == (123, 456)
                os.utime('a', ns=(10**9, 2 * 10**9))
                assert os.stat('b').st_mtime_ns == 2 * 10**9
                os.setxattr('a', 'user.k', b'v')
                assert os.getxattr('b', 'user.k') == b'v'
                os.truncate('b', 2)
                assert read_file('a') == b'12'
                os.mkdir('d')
                os.link('a', 'd/c')
                os.rename('d/c', 'd/e')
                assert os.stat('a').st_nlink == 3 and os.stat('d/e').st_ino == sa.st_ino
                c0 = os.stat('a').st_ctime_ns
                tick()
                os.unlink('b')
                assert os.stat('d/e').st_nlink == 2 and os.stat('a').st_ctime_ns > c0
                """);
    }

    public static void openUnlinkedFiles(Path dir) throws Exception {
        Python.run(dir, """
                write_file('f', b'0123456789')
                fd = os.open('f', os.O_RDWR)
                other = os.open('f', os.O_RDONLY)
                os.unlink('f')
                assert 'f' not in os.listdir('.')
                st = os.fstat(fd)
                assert st.st_nlink == 0 and st.st_size == 10, st
                os.pwrite(fd, b'abc', 10)
                assert os.pread(other, 100, 0) == b'0123456789abc'
                os.ftruncate(fd, 4)
                assert os.fstat(other).st_size == 4
                os.fchmod(fd, 0o600)
                assert stat.S_IMODE(os.fstat(other).st_mode) == 0o600
                write_file('f', b'a new file')  # the name again, for another file
                time.sleep(1.2)  # past attribute caches: the kernel must ask again, by the open file
                st = os.fstat(fd)
                assert st.st_nlink == 0 and st.st_size == 4, st
                assert os.pread(fd, 100, 0) == b'0123'
                assert read_file('f') == b'a new file'
                os.close(fd)
                assert os.pread(other, 100, 0) == b'0123'  # the last descriptor still holds the data
                os.close(other)
                """);
    }

    public static void renameOverOpenFile(Path dir) throws Exception {
        Python.run(dir, """
                write_file('old', b'old data')
                write_file('new', b'new data!')
                fd = os.open('old', os.O_RDWR)
                ino = os.fstat(fd).st_ino
                os.rename('new', 'old')
                assert read_file('old') == b'new data!' and os.stat('old').st_ino != ino
                st = os.fstat(fd)
                assert st.st_nlink == 0 and st.st_size == 8 and st.st_ino == ino, st
                assert os.pread(fd, 100, 0) == b'old data'
                os.pwrite(fd, b'OLD', 0)
                assert read_file('old') == b'new data!'
                time.sleep(1.2)  # past attribute caches
                st = os.fstat(fd)
                assert st.st_size == 8 and st.st_nlink == 0, st
                assert os.pread(fd, 100, 0) == b'OLD data'
                os.close(fd)
                """);
    }

    // ------------------------------------------------------------------ programs

    public static void execFromFilesystem(Path dir) throws Exception {
        Python.run(dir, """
                import shutil, tempfile
                shutil.copy('/bin/true', 'prog')
                os.chmod('prog', 0o755)
                assert subprocess.call(['./prog']) == 0
                write_file('script', b'#!/bin/sh\\necho ran "$1"\\n', 0o755)
                os.chmod('script', 0o755)
                assert subprocess.check_output(['./script', 'x']) == b'ran x\\n'
                shutil.copy('/bin/sleep', 'sleeper')
                os.chmod('sleeper', 0o755)
                p = subprocess.Popen(['./sleeper', '5'])
                try:
                    time.sleep(0.3)
                    expect('ETXTBSY', os.open, 'sleeper', os.O_WRONLY)  # a running program is not written
                finally:
                    p.kill(); p.wait()
                os.chmod('prog', 0o644)
                expect('EACCES', subprocess.call, ['./prog'])
                os.chmod('prog', 0o755)
                # through a read-only view of the same directory (a read-only bind mount)
                ro = tempfile.mkdtemp(prefix='j4l-conform-ro-')
                subprocess.check_call(['mount', '--bind', '.', ro])
                try:
                    subprocess.check_call(['mount', '-o', 'remount,bind,ro', ro])
                    assert subprocess.call([ro + '/prog']) == 0
                    assert subprocess.check_output([ro + '/script', 'y']) == b'ran y\\n'
                    expect('EROFS', os.open, ro + '/prog', os.O_WRONLY)
                finally:
                    subprocess.call(['umount', ro])
                    os.rmdir(ro)
                """);
    }

    // ------------------------------------------------------------------ timestamps

    public static void timestampsNanoseconds(Path dir) throws Exception {
        Python.run(dir, """
                write_file('f', b'x')
                os.utime('f', ns=(1234567890123456789, 1000000001))
                st = os.stat('f')
                assert st.st_atime_ns == 1234567890123456789 and st.st_mtime_ns == 1000000001, st
                utimens('f', (5, UTIME_OMIT), (7, 999999999))
                st = os.stat('f')
                assert st.st_atime_ns == 1234567890123456789 and st.st_mtime_ns == 7999999999, st
                utimens('f', (0, UTIME_NOW), (0, UTIME_OMIT))
                st = os.stat('f')
                assert abs(st.st_atime_ns - time.time_ns()) < 5e9 and st.st_mtime_ns == 7999999999, st
                before = time.time_ns()
                subprocess.check_call(['touch', '-m', '-d', '@1500000000.123456789', 'f'])
                st = os.stat('f')
                assert st.st_mtime_ns == 1500000000123456789, st
                assert st.st_ctime_ns >= before - 10_000_000, (st.st_ctime_ns, before)
                """);
    }

    public static void timestampsFollowOperations(Path dir) throws Exception {
        Python.run(dir, """
                os.mkdir('d')
                d0 = os.stat('d')
                tick()
                write_file('d/f', b'1')
                d1 = os.stat('d')
                assert d1.st_mtime_ns > d0.st_mtime_ns and d1.st_ctime_ns > d0.st_ctime_ns, 'create -> parent m/ctime'
                f0 = os.stat('d/f')
                tick()
                fd = os.open('d/f', os.O_WRONLY)
                os.write(fd, b'22')
                os.close(fd)
                f1 = os.stat('d/f')
                assert f1.st_mtime_ns > f0.st_mtime_ns and f1.st_ctime_ns > f0.st_ctime_ns, 'write -> m/ctime'
                tick()
                os.chmod('d/f', 0o600)
                f2 = os.stat('d/f')
                assert f2.st_ctime_ns > f1.st_ctime_ns and f2.st_mtime_ns == f1.st_mtime_ns, 'chmod -> ctime only'
                tick()
                os.rename('d/f', 'd/g')
                f3 = os.stat('d/g')
                d2 = os.stat('d')
                assert d2.st_mtime_ns > d1.st_mtime_ns, 'rename -> dir mtime'
                assert f3.st_ctime_ns > f2.st_ctime_ns and f3.st_mtime_ns == f2.st_mtime_ns, 'rename -> ctime'
                tick()
                os.truncate('d/g', 100)
                f4 = os.stat('d/g')
                assert f4.st_mtime_ns > f3.st_mtime_ns and f4.st_size == 100, 'truncate -> mtime'
                tick()
                os.setxattr('d/g', 'user.k', b'v')
                f5 = os.stat('d/g')
                assert f5.st_ctime_ns > f4.st_ctime_ns and f5.st_mtime_ns == f4.st_mtime_ns, 'setxattr -> ctime'
                tick()
                os.unlink('d/g')
                d3 = os.stat('d')
                assert d3.st_mtime_ns > d2.st_mtime_ns, 'unlink -> dir mtime'
                """);
    }

    public static void atimeOnRead(Path dir) throws Exception {
        Python.run(dir, """
                write_file('f', b'data')
                os.utime('f', ns=(1_000_000_000, 2_000_000_000))  # atime older than mtime
                fd = os.open('f', os.O_RDONLY)
                os.read(fd, 10)
                os.close(fd)
                assert os.stat('f').st_atime_ns > 2_000_000_000, 'relatime: a read moves an atime older than mtime'
                """);
    }

    // ------------------------------------------------------------------ permissions and ownership

    public static void ownershipOfNewFiles(Path dir) throws Exception {
        Python.run(dir, "os.chmod('.', 0o777)");
        Python.runAsNobody(dir, """
                write_file('mine', b'x')
                os.mkdir('mydir')
                os.symlink('mine', 'mylink')
                for p in ('mine', 'mydir'):
                    st = os.stat(p)
                    assert (st.st_uid, st.st_gid) == (65534, 65534), (p, st)
                st = os.lstat('mylink')
                assert (st.st_uid, st.st_gid) == (65534, 65534), st
                """);
        Python.run(dir, """
                write_file('rootfile', b'r')
                st = os.stat('rootfile')
                assert (st.st_uid, st.st_gid) == (0, 0)
                """);
    }

    public static void permissionsAsUnprivilegedUser(Path dir) throws Exception {
        Python.run(dir, """
                write_file('secret', b's', 0o600)
                os.chmod('secret', 0o600)
                write_file('public', b'p', 0o644)
                os.chmod('public', 0o644)
                os.mkdir('closed', 0o755)
                os.chmod('closed', 0o755)
                os.mkdir('noexec', 0o700)
                os.chmod('noexec', 0o700)
                write_file('noexec/f', b'x')
                os.mkdir('open', 0o777)
                os.chmod('open', 0o777)
                """);
        Python.runAsNobody(dir, """
                expect('EACCES', os.open, 'secret', os.O_RDONLY)
                assert read_file('public') == b'p'
                expect('EACCES', os.open, 'public', os.O_WRONLY)
                expect('EACCES', os.open, 'closed/new', os.O_CREAT | os.O_WRONLY, 0o644)
                expect('EACCES', os.mkdir, 'closed/sub')
                expect('EACCES', os.stat, 'noexec/f')
                expect('EACCES', os.listdir, 'noexec')
                expect('EPERM', os.chmod, 'public', 0o666)
                expect('EPERM', os.chown, 'public', 65534, 65534)
                expect('EPERM', os.utime, 'public', (1, 1))
                expect('EACCES', os.utime, 'public', None)  # "now" needs write access or ownership
                expect('EACCES', os.unlink, 'public')  # no write permission on the directory
                write_file('open/mine', b'm')
                os.chmod('open/mine', 0o640)
                assert stat.S_IMODE(os.stat('open/mine').st_mode) == 0o640
                os.utime('open/mine', (5, 6))
                expect('EPERM', os.chown, 'open/mine', 0, 0)
                os.chmod('open/mine', 0o000)
                expect('EACCES', os.open, 'open/mine', os.O_RDONLY)
                """);
        Python.run(dir, """
                os.chown('public', 1234, 5678)
                st = os.stat('public')
                assert (st.st_uid, st.st_gid) == (1234, 5678)
                assert read_file('open/mine') == b'm'  # root reads anything
                """);
    }

    public static void suidClearedOnChownAndWrite(Path dir) throws Exception {
        Python.run(dir, """
                write_file('s', b'x')
                os.chmod('s', 0o6755)
                os.chown('s', 1000, 1000)
                assert stat.S_IMODE(os.stat('s').st_mode) & 0o6000 == 0, oct(os.stat('s').st_mode)
                write_file('w', b'x')
                os.chmod('w', 0o4777)
                os.chmod('.', 0o777)
                """);
        Python.runAsNobody(dir, """
                fd = os.open('w', os.O_WRONLY)
                os.write(fd, b'y')
                os.close(fd)
                assert stat.S_IMODE(os.stat('w').st_mode) & 0o4000 == 0, oct(os.stat('w').st_mode)
                """);
    }

    public static void stickyDirectory(Path dir) throws Exception {
        Python.run(dir, """
                os.mkdir('tmp')
                os.chmod('tmp', 0o1777)
                write_file('tmp/others', b'o')
                os.chown('tmp/others', 12345, 12345)
                write_file('tmp/roots', b'r')
                os.chmod('tmp/roots', 0o666)
                assert os.stat('tmp').st_mode & stat.S_ISVTX
                """);
        Python.runAsNobody(dir, """
                expect('EPERM', os.unlink, 'tmp/others')
                expect('EPERM', os.unlink, 'tmp/roots')
                expect('EPERM', os.rename, 'tmp/others', 'tmp/stolen')
                write_file('tmp/mine', b'm')
                os.rename('tmp/mine', 'tmp/mine2')
                os.unlink('tmp/mine2')
                """);
        Python.run(dir, """
                os.unlink('tmp/others')  # root may
                """);
    }

    public static void setgidDirectory(Path dir) throws Exception {
        Python.run(dir, """
                os.mkdir('g')
                os.chown('g', 0, 4321)
                os.chmod('g', 0o2777)
                write_file('g/f', b'x')
                os.mkdir('g/sub')
                st = os.stat('g/f')
                assert st.st_gid == 4321, st
                st = os.stat('g/sub')
                assert st.st_gid == 4321 and st.st_mode & stat.S_ISGID, st
                os.mkdir('plain')
                assert not os.stat('plain').st_mode & stat.S_ISGID
                """);
        Python.runAsNobody(dir, """
                write_file('g/nob', b'x')
                st = os.stat('g/nob')
                assert st.st_uid == 65534 and st.st_gid == 4321, st
                os.mkdir('g/nobdir')
                st = os.stat('g/nobdir')
                assert st.st_gid == 4321 and st.st_mode & stat.S_ISGID, st
                """);
    }

    // ------------------------------------------------------------------ xattrs

    public static void xattrs(Path dir) throws Exception {
        Python.run(dir, """
                write_file('f', b'x')
                os.setxattr('f', 'user.color', b'blue')
                v = os.getxattr('f', 'user.color')
                assert v == b'blue', (v, os.listxattr('f'))
                expect('EEXIST', os.setxattr, 'f', 'user.color', b'red', os.XATTR_CREATE)
                expect('ENODATA', os.setxattr, 'f', 'user.size', b'1', os.XATTR_REPLACE)
                os.setxattr('f', 'user.color', b'red', os.XATTR_REPLACE)
                assert os.getxattr('f', 'user.color') == b'red'
                os.setxattr('f', 'user.empty', b'')
                assert os.getxattr('f', 'user.empty') == b''
                os.setxattr('f', 'trusted.t', b'root only')
                os.setxattr('f', 'security.s', b'sec')
                names = set(os.listxattr('f'))
                assert {'user.color', 'user.empty', 'trusted.t'} <= names, names
                expect('ENODATA', os.getxattr, 'f', 'user.missing')
                # a buffer that is too small: ERANGE; a size probe returns the size
                buf = ctypes.create_string_buffer(2)
                n = libc.getxattr(b'f', b'user.color', buf, ctypes.c_size_t(2))
                assert n == -1 and ctypes.get_errno() == errno.ERANGE
                assert libc.getxattr(b'f', b'user.color', None, ctypes.c_size_t(0)) == 3
                big = os.urandom(60000)
                os.setxattr('f', 'user.big', big)
                assert os.getxattr('f', 'user.big') == big
                os.removexattr('f', 'user.color')
                expect('ENODATA', os.getxattr, 'f', 'user.color')
                expect('ENODATA', os.removexattr, 'f', 'user.color')
                expect('EOPNOTSUPP', os.setxattr, 'f', 'bogus.ns', b'1')
                os.mkdir('d')
                os.setxattr('d', 'user.dir', b'1')
                assert os.getxattr('d', 'user.dir') == b'1'
                os.symlink('f', 'l')
                expect('EPERM', os.setxattr, 'l', 'user.x', b'1', follow_symlinks=False)
                # the attr package's tools
                subprocess.check_call(['setfattr', '-n', 'user.tool', '-v', 'hello', 'f'])
                out = subprocess.check_output(['getfattr', '--only-values', '-n', 'user.tool', 'f'])
                assert out == b'hello', out
                os.chmod('f', 0o666)
                os.chmod('.', 0o777)
                """);
        Python.runAsNobody(dir, """
                assert os.getxattr('f', 'user.tool') == b'hello'
                expect('EPERM', os.setxattr, 'f', 'trusted.x', b'1')
                assert 'trusted.t' not in os.listxattr('f')
                write_file('own', b'')
                os.setxattr('own', 'user.mine', b'1')
                """);
    }

    // ------------------------------------------------------------------ locks

    public static void posixLocksBetweenProcesses(Path dir) throws Exception {
        Python.run(dir, """
                write_file('f', b'0' * 100)
                fd = os.open('f', os.O_RDWR)
                fcntl.lockf(fd, fcntl.LOCK_EX, 10, 20)   # bytes 20..29
                child = '''
                import os, fcntl, struct, errno, sys
                fd = os.open('f', os.O_RDWR)
                try:
                    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 10, 25)
                    print('locked')
                except OSError as e:
                    print(errno.errorcode[e.errno])
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 10, 0)  # 0..9 is free
                fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB, 5, 40)  # 40..44 is free
                lk = struct.pack('hhqqi', fcntl.F_WRLCK, 0, 0, 100, 0)
                r = struct.unpack('hhqqi', fcntl.fcntl(fd, fcntl.F_GETLK, lk))
                print(r[0], r[2], r[3], r[4])
                '''
                out = subprocess.check_output([sys.executable, '-c', child]).decode().split('\\n')
                assert out[0] in ('EAGAIN', 'EACCES'), out
                t, start, length, pid = map(int, out[1].split())
                assert t == fcntl.F_WRLCK and start == 20 and length == 10 and pid == os.getpid(), out
                # a blocking lock waits until the holder lets go: the waiter is seen asleep in fcntl(2), however
                # long its interpreter took to start, and still there a moment later
                waiter = subprocess.Popen([sys.executable, '-c',
                    "import os, fcntl\\nfd = os.open('f', os.O_RDWR)\\nprint('ready', flush=True)\\n"
                    "fcntl.lockf(fd, fcntl.LOCK_EX, 10, 20)\\nprint('locked')"],
                    stdout=subprocess.PIPE)
                assert waiter.stdout.readline() == b'ready\\n'
                fcntl_nr = {'x86_64': 72, 'aarch64': 25}[os.uname().machine]
                def in_fcntl():
                    with open(f'/proc/{waiter.pid}/syscall') as f:
                        return f.read().split()[0] == str(fcntl_nr)
                while not in_fcntl():
                    assert waiter.poll() is None, 'F_SETLKW did not wait'
                    time.sleep(0.01)
                time.sleep(0.2)
                assert waiter.poll() is None and in_fcntl(), 'F_SETLKW did not wait'
                fcntl.lockf(fd, fcntl.LOCK_UN, 10, 20)
                assert waiter.communicate(timeout=10)[0] == b'locked\\n'
                # closing any descriptor of the file drops the process's locks
                fcntl.lockf(fd, fcntl.LOCK_EX, 0, 0)
                fd2 = os.open('f', os.O_RDONLY)
                os.close(fd2)
                out = subprocess.check_output([sys.executable, '-c',
                    "import os, fcntl\\nfd = os.open('f', os.O_RDWR)\\nfcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\\nprint('ok')"])
                assert out.strip() == b'ok', out
                os.close(fd)
                """.replace("\n                import os, fcntl, struct", "\nimport os, fcntl, struct"));
    }

    public static void flockBetweenProcesses(Path dir) throws Exception {
        Python.run(dir, """
                write_file('f', b'')
                fd = os.open('f', os.O_RDONLY)
                fcntl.flock(fd, fcntl.LOCK_EX)
                r = subprocess.run(['flock', '-n', 'f', 'true'])
                assert r.returncode != 0, 'flock -n got an exclusively locked file'
                r = subprocess.run(['flock', '-w', '0.3', 'f', 'true'])
                assert r.returncode != 0
                waiter = subprocess.Popen(['flock', 'f', 'true'])
                time.sleep(0.3)
                assert waiter.poll() is None
                fcntl.flock(fd, fcntl.LOCK_SH)  # downgrade: shared holders may join, the writer still waits
                assert subprocess.run(['flock', '-s', '-n', 'f', 'true']).returncode == 0
                os.close(fd)  # closing the last descriptor releases the flock
                assert waiter.wait(timeout=10) == 0
                # The waiter's own lock goes with its file. Over FUSE that is the file's RELEASE, which the kernel
                # sends without waiting for it, so the exited waiter's lock may outlive it by a moment.
                deadline = time.time() + 30
                while subprocess.run(['flock', '-n', 'f', 'true']).returncode != 0:
                    assert time.time() < deadline, 'the exited waiter still holds the lock after 30 s'
                    time.sleep(0.01)
                """);
    }

    // ------------------------------------------------------------------ sparse files

    public static void sparseFilesAndSeekHole(Path dir) throws Exception {
        Python.run(dir, """
                fd = os.open('s', os.O_RDWR | os.O_CREAT, 0o644)
                os.ftruncate(fd, 1 << 30)
                st = os.fstat(fd)
                assert st.st_size == 1 << 30 and st.st_blocks == 0, st
                os.pwrite(fd, b'x' * 4096, 1 << 20)
                assert os.lseek(fd, 0, os.SEEK_DATA) == 1 << 20
                assert os.lseek(fd, 1 << 20, os.SEEK_HOLE) == (1 << 20) + 4096
                assert os.lseek(fd, 0, os.SEEK_HOLE) == 0
                assert os.lseek(fd, (1 << 20) + 100, os.SEEK_DATA) == (1 << 20) + 100
                expect('ENXIO', os.lseek, fd, (1 << 20) + 8192, os.SEEK_DATA)
                expect('ENXIO', os.lseek, fd, 1 << 30, os.SEEK_DATA)
                expect('ENXIO', os.lseek, fd, (1 << 30) + 1, os.SEEK_HOLE)
                assert os.pread(fd, 10, 12345) == b'\\0' * 10
                assert os.pread(fd, 4, (1 << 20) + 4094) == b'xx\\0\\0'
                assert 0 < os.fstat(fd).st_blocks <= 64
                # punch a hole: the data is gone, the size stays
                os.pwrite(fd, b'y' * 65536, 2 << 20)
                b0 = os.fstat(fd).st_blocks
                fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 2 << 20, 65536)
                assert os.pread(fd, 65536, 2 << 20) == b'\\0' * 65536
                assert os.fstat(fd).st_blocks < b0 and os.fstat(fd).st_size == 1 << 30
                expect('ENXIO', os.lseek, fd, (1 << 20) + 4096, os.SEEK_DATA)
                # allocate without changing the size, then extend
                fallocate(fd, FALLOC_FL_KEEP_SIZE, (1 << 30) - 4096, 8192)
                assert os.fstat(fd).st_size == 1 << 30
                os.posix_fallocate(fd, 1 << 30, 4096)
                assert os.fstat(fd).st_size == (1 << 30) + 4096
                # shrink and grow again: the cut part reads as zeros
                os.ftruncate(fd, (1 << 20) + 10)
                os.ftruncate(fd, 1 << 21)
                assert os.pread(fd, 20, (1 << 20)) == b'x' * 10 + b'\\0' * 10
                os.close(fd)
                """);
    }

    public static void petabyteTruncate(Path dir) throws Exception {
        Python.run(dir, """
                PB = 1 << 50
                fd = os.open('huge', os.O_RDWR | os.O_CREAT, 0o644)
                os.ftruncate(fd, PB)
                assert os.fstat(fd).st_size == PB
                assert os.pread(fd, 16, PB - 16) == b'\\0' * 16
                os.pwrite(fd, b'end', PB - 3)
                assert os.pread(fd, 3, PB - 3) == b'end'
                assert os.lseek(fd, 0, os.SEEK_DATA) == ((PB - 3) & ~4095)
                assert os.fstat(fd).st_blocks <= 16
                os.ftruncate(fd, 0)
                assert os.fstat(fd).st_size == 0 and os.fstat(fd).st_blocks == 0
                os.close(fd)
                os.truncate('huge', PB)
                os.unlink('huge')
                """);
    }

    public static void mmapSharedAndTmpfile(Path dir) throws Exception {
        Python.run(dir, """
                import mmap
                write_file('m', b'a' * 8192)
                fd = os.open('m', os.O_RDWR)
                mm = mmap.mmap(fd, 8192, mmap.MAP_SHARED)
                mm[0:5] = b'hello'
                mm.flush()
                assert os.pread(fd, 5, 0) == b'hello', os.pread(fd, 5, 0)
                os.pwrite(fd, b'WORLD', 4096)
                assert mm[4096:4101] == b'WORLD', mm[4096:4101]
                mm.close()
                os.close(fd)
                assert read_file('m')[:5] == b'hello'
                # O_TMPFILE: a file without a name, given one later with linkat
                fd = os.open('.', os.O_TMPFILE | os.O_RDWR, 0o640)
                os.write(fd, b'anonymous')
                assert os.fstat(fd).st_nlink == 0
                check(libc.linkat(AT_FDCWD, b'/proc/self/fd/%d' % fd, AT_FDCWD, b'named', 0x400))  # AT_SYMLINK_FOLLOW
                assert read_file('named') == b'anonymous' and os.stat('named').st_nlink == 1
                os.close(fd)
                # copy_file_range (served by the filesystem or by the kernel's fallback)
                src = os.open('named', os.O_RDONLY)
                dst = os.open('copy', os.O_WRONLY | os.O_CREAT, 0o644)
                assert os.copy_file_range(src, dst, 100) == 9
                os.close(src); os.close(dst)
                assert read_file('copy') == b'anonymous'
                """);
    }

    // ------------------------------------------------------------------ special files

    public static void fifosSocketsAndDevices(Path dir) throws Exception {
        Python.run(dir, """
                os.mkfifo('fifo', 0o644)
                assert stat.S_ISFIFO(os.stat('fifo').st_mode)
                w = subprocess.Popen([sys.executable, '-c', "open('fifo', 'w').write('through the fifo')"])
                assert open('fifo').read() == 'through the fifo'
                assert w.wait() == 0
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.bind('sock')
                s.listen(1)
                assert stat.S_ISSOCK(os.stat('sock').st_mode)
                c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                c.connect('sock')
                a, _ = s.accept()
                c.sendall(b'ping')
                assert a.recv(4) == b'ping'
                a.close(); c.close(); s.close()
                os.mknod('null', 0o666 | stat.S_IFCHR, os.makedev(1, 3))
                st = os.stat('null')
                assert stat.S_ISCHR(st.st_mode) and os.major(st.st_rdev) == 1 and os.minor(st.st_rdev) == 3, st
                os.mknod('blk', 0o600 | stat.S_IFBLK, os.makedev(7, 200))
                st = os.stat('blk')
                assert stat.S_ISBLK(st.st_mode) and st.st_rdev == os.makedev(7, 200), st
                os.mknod('plain', 0o600 | stat.S_IFREG)
                assert stat.S_ISREG(os.stat('plain').st_mode)
                os.chmod('.', 0o777)
                """);
        Python.runAsNobody(dir, """
                expect('EPERM', os.mknod, 'dev2', 0o666 | stat.S_IFCHR, os.makedev(1, 3))
                os.mkfifo('myfifo')
                """);
    }

    // ------------------------------------------------------------------ directories

    public static void readdirWhileChanging(Path dir) throws Exception {
        Python.run(dir, """
                os.mkdir('d')
                for i in range(2000):
                    write_file('d/f%04d' % i)
                names = os.listdir('d')
                assert len(names) == 2000 and len(set(names)) == 2000
                # removing entries during a listing: every entry that stays is seen exactly once
                seen = []
                with os.scandir('d') as it:
                    for i, e in enumerate(it):
                        seen.append(e.name)
                        if i == 100:
                            for j in range(0, 2000, 2):
                                n = 'd/f%04d' % j
                                if os.path.basename(n) not in seen:
                                    os.unlink(n)
                kept = {'f%04d' % j for j in range(1, 2000, 2)}
                assert kept <= set(seen), len(kept - set(seen))
                assert len(seen) == len(set(seen))
                for e in os.scandir('d'):
                    assert e.is_file() and not e.is_dir()
                """);
    }

    public static void statfsReportsNames(Path dir) throws Exception {
        Python.run(dir, """
                s = os.statvfs('.')
                assert s.f_namemax == 255, s
                assert s.f_bsize > 0 and s.f_blocks > 0 and s.f_bfree <= s.f_blocks, s
                """);
    }
}
