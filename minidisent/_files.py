"""Reading a file that is hostile until checked: a regular file (a FIFO or a folder is never
read), a zip archive whose directory, names and declared sizes are checked before anything is
inflated, and .npy members read without pickle. Used by saving.py (and the digits loader).
Writing a file, or a set of files, whole: to temporary files in the target's folder, moved into
place together by os.replace with SIGINT and SIGTERM held (replace_together)."""
import contextlib
import errno
import io
import math
import os
import secrets
import signal
import stat
import struct
import tempfile
import threading
import zipfile

import numpy as np


def regular_file(path):
    """path opened for binary reading, or a ValueError naming it if it is not a regular file (a
    FIFO, a device, a folder: reading could block or never end). Never blocks: opened with
    O_NONBLOCK, then its type read from the open descriptor (no race with a swapped file)."""
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    mode = os.fstat(handle).st_mode
    if not stat.S_ISREG(mode):
        os.close(handle)
        kind = {stat.S_IFDIR: "folder", stat.S_IFIFO: "FIFO (named pipe)",
                stat.S_IFCHR: "character device", stat.S_IFBLK: "block device",
                stat.S_IFSOCK: "socket"}.get(stat.S_IFMT(mode), "special file")
        raise ValueError(f"{path}: expected a regular file, got a {kind} "
                         "(not read: it could block or never end)")
    return os.fdopen(handle, "rb")


def npy_header(head):
    """(shape, fortran_order, dtype, data offset) from the first bytes `head` of a .npy
    stream (any header version); a ValueError if they do not start a .npy array."""
    fp = io.BytesIO(head)
    try:
        version = np.lib.format.read_magic(fp)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(
                fp, max_header_size=len(head))
        elif version in ((2, 0), (3, 0)):  # 3.0 differs only by a UTF-8 header (ASCII here)
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(
                fp, max_header_size=len(head))
        else:
            raise ValueError(f"unknown .npy version {version}")
    except Exception as error:  # ValueError, SyntaxError, struct.error... of a malformed header
        raise ValueError(f"not a .npy header ({type(error).__name__}: {error})") from None
    return shape, fortran, dtype, fp.tell()


def npy_member(archive, info, header=10_000):
    """(shape, dtype) of the .npy entry `info` of a zipfile.ZipFile, inflating at most `header`
    bytes, after checking that its declared size is exactly that of such an array. A
    ValueError for a bad header or stream, an object or record dtype (never unpickled)."""
    try:
        with archive.open(info) as f:
            shape, _, dtype, start = npy_header(f.read(min(info.file_size, header)))
    except Exception as error:  # a bad header, CRC or deflate stream
        raise ValueError(f"entry {info.filename!r}: {type(error).__name__}: {error}") from None
    if dtype.hasobject or dtype.fields is not None or dtype.shape != ():
        raise ValueError(f"entry {info.filename!r} holds Python objects or records "
                         f"(dtype {dtype}), never unpickled")
    if info.file_size != start + math.prod(shape) * dtype.itemsize:
        raise ValueError(f"entry {info.filename!r} declares {info.file_size} bytes, expected "
                         f"{start + math.prod(shape) * dtype.itemsize} for an array {shape} "
                         f"of {dtype}")
    return shape, dtype


def npy_array(archive, info):
    """The array in the .npy entry `info` of a zipfile.ZipFile, never unpickled; ValueError if
    unreadable."""
    try:
        with archive.open(info) as f:
            return np.lib.format.read_array(f, allow_pickle=False)
    except Exception as error:  # CRC, deflate, truncation, pickle refused
        raise ValueError(f"entry {info.filename!r}: {type(error).__name__}: {error}") from None


def zip_members(f, limit, most):
    """(zipfile.ZipFile, {name: ZipInfo}) of the zip file f, checked from its directory alone:
    at most `most` entries in a directory of at most 1024·most bytes (both read from the real end
    record, zip64 included, by zip_directory before zipfile parses anything), no
    name twice, every name with limit(name) not None, stored or deflated, unencrypted,
    declaring at most limit(name) bytes and no more than deflate can give from its compressed
    size (1032:1). A ValueError naming the problem; zipfile.BadZipFile if f is no zip file."""
    declared = zip_directory(f)
    if declared is not None and (declared[0] > most or declared[1] > 1024 * most):
        raise ValueError(f"a zip directory declaring {declared[0]} entries in {declared[1]} bytes, "
                         f"expected at most {most} entries in at most {1024 * most} bytes "
                         "(not parsed)")
    f.seek(0)
    try:
        archive = zipfile.ZipFile(f)
    except Exception as error:  # zipfile's, struct's and zlib's errors on a foreign file
        raise zipfile.BadZipFile(f"{type(error).__name__}: {error}") from None
    infos = archive.infolist()
    names = [i.filename for i in infos]
    problem = (f"{len(infos)} entries, expected at most {most}" if len(infos) > most
               else "the same entry twice" if len(set(names)) < len(names) else None)
    for i in infos if problem is None else ():
        bound = limit(i.filename)
        problem = (f"an unexpected entry {i.filename[:80]!r}" if bound is None else
                   f"entry {i.filename!r} encrypted or compressed by method {i.compress_type}"
                   if i.flag_bits & 1
                   or i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) else
                   f"entry {i.filename!r} declaring {i.file_size} bytes, more than its bound "
                   f"{bound}" if i.file_size > bound else
                   f"entry {i.filename!r} declaring {i.file_size} bytes from {i.compress_size} "
                   "compressed (more than deflate can give)"
                   if i.file_size > 1040 * i.compress_size + 64 else None)
        if problem:
            break
    if problem:
        archive.close()
        raise ValueError(problem)
    return archive, dict(zip(names, infos))


END, END64, LOCATOR = b"PK\x05\x06", b"PK\x06\x06", b"PK\x06\x07"  # end record signatures


def zip_directory(f):
    """(entries, directory bytes) of the zip file f, read from the end record zipfile itself
    will use, before anything is parsed; None if there is none. The record is the last 22
    bytes if they start with its signature and declare no comment, else the last signature
    in the final 64 KiB (zipfile's own search, so a record whose fields spell the signature
    is read where it starts). A zip64 locator just before it points to the zip64 end record,
    whose counts replace the 16- and 32-bit ones: every candidate zipfile could read (the
    record just before the locator, the one at the locator's offset) counts, the largest wins."""
    f.seek(0, 2)
    size = f.tell()
    f.seek(max(0, size - 22 - 65536))  # zipfile's window: a comment of up to 64 KiB
    tail = f.read()
    if len(tail) >= 22 and tail[-22:-18] == END and tail[-2:] == b"\0\0":
        at = len(tail) - 22
    else:
        at = tail.rfind(END)
        if at < 0 or len(tail) - at < 22:
            return None
    entries, directory = struct.unpack("<HI", tail[at + 10:at + 16])
    record = size - len(tail) + at  # offset of the end record in the file
    if record < 20:
        return entries, directory
    f.seek(record - 20)
    locator = f.read(20)
    if locator[:4] != LOCATOR:
        return entries, directory
    found = [(entries, directory)]
    for where in {record - 20 - 56, struct.unpack("<Q", locator[8:16])[0]}:
        if 0 <= where <= size - 56:
            f.seek(where)
            zip64 = f.read(56)
            if zip64[:4] == END64:
                found.append(struct.unpack("<QQ", zip64[32:48]))  # entries, directory bytes
    return max(e for e, _ in found), max(d for _, d in found)


# Writing. Every file the package writes goes to a temporary file in the target's own folder
# and is moved into place by os.replace, so a reader sees the old file or the new one, whole.


def writable_target(path, what="path"):
    """The absolute path of a file this package may replace, or an OSError naming `what` and
    path: its folder must exist and be writable, path must not be a folder, and a file already
    there must be writable by its owner (a read-only file, even for root, was protected by
    someone: it is not replaced). A
    symbolic link is itself replaced by the new file, never written through: what it pointed
    at is left as it was."""
    path = os.path.abspath(os.fspath(path))
    folder = os.path.dirname(path)
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, f"{what}: expected a file name to write, got a "
                                "folder", path)
    if not os.path.isdir(folder):
        raise FileNotFoundError(errno.ENOENT, f"{what}: no folder {folder} to write the file into",
                                path)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(errno.EACCES, f"{what}: cannot write into the folder {folder}", path)
    protected = mode is not None and stat.S_ISREG(mode) and not (
        mode & stat.S_IWUSR and os.access(path, os.W_OK))
    if protected:
        raise PermissionError(errno.EACCES, f"{what}: the file is read-only (protected): not "
                              "replaced", path)
    return path


@contextlib.contextmanager
def signals_held():
    """Within the block, SIGINT and SIGTERM wait: blocked for this thread (pthread_sigmask)
    and, in the main thread, caught by a handler that only records them (a BLAS thread may
    take a process signal the main thread blocks). On leaving, each signal that came is
    raised again under the handlers of before (KeyboardInterrupt, SystemExit, or the end of
    the process), after the block has done its work."""
    signals = {signal.SIGINT, signal.SIGTERM}
    came, before = [], {}
    if threading.current_thread() is threading.main_thread():
        for number in signals:
            handler = signal.getsignal(number)
            if handler is not None:  # None: a handler not installed from Python, left alone
                before[number] = handler
                signal.signal(number, lambda n, frame: came.append(n))
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)  # pending ones reach the recorder
        for number, handler in before.items():
            signal.signal(number, handler)
        for number in dict.fromkeys(came):
            signal.raise_signal(number)


def _unnamed_file(folder):
    """A descriptor of an unnamed file in folder (Linux O_TMPFILE: it disappears with the
    process, whatever kills it), or None where the system or the file system cannot."""
    if not hasattr(os, "O_TMPFILE") or not os.path.isdir("/proc/self/fd"):
        return None
    try:
        return os.open(folder, os.O_TMPFILE | os.O_WRONLY, 0o600)
    except OSError:  # EOPNOTSUPP, EISDIR on an old kernel...
        return None


def _link_unnamed(handle, target):
    """A fresh name next to target for the unnamed file `handle` (linkat through /proc)."""
    folder, name = os.path.split(target)
    descriptors = os.open("/proc/self/fd", os.O_RDONLY | os.O_DIRECTORY)
    try:
        while True:
            partial = os.path.join(folder, f".{name}.{os.getpid()}.{secrets.token_hex(4)}.partial")
            try:  # linkat(fd folder, "N", partial, AT_SYMLINK_FOLLOW): a name for the open file N
                os.link(str(handle), partial, src_dir_fd=descriptors, follow_symlinks=True)
                return partial
            except FileExistsError:
                continue
    finally:
        os.close(descriptors)


def _named_file(target, what):
    """(descriptor, path) of a new temporary file `.NAME.*.partial` next to target; an OSError
    naming target (not the temporary name) if the folder refuses it."""
    folder, name = os.path.split(target)
    try:
        return tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".partial")
    except OSError as error:
        raise type(error)(error.errno, f"{what}: cannot write into {folder}: {error.strerror}",
                          target) from None


def _new_mode(target):
    """The permissions of the file target replaces (kept), or rw-r--r-- for a new file."""
    try:
        mode = os.stat(target, follow_symlinks=False).st_mode
    except FileNotFoundError:
        return 0o644
    return stat.S_IMODE(mode) if stat.S_ISREG(mode) else 0o644


def _write_whole(handle, content, mode):
    """content (bytes, str or a function of a binary file) written to the open file `handle`,
    flushed to the disk, with the permissions `mode`."""
    with os.fdopen(handle, "wb", closefd=False) as temporary:
        if callable(content):
            content(temporary)
        else:
            temporary.write(content.encode() if isinstance(content, str) else content)
        temporary.flush()
        os.fsync(handle)
    os.fchmod(handle, mode)


def _discard(paths):
    for path in list(paths):
        try:
            os.remove(path)
        except FileNotFoundError:
            pass


def replace_together(contents, what="path"):
    """Write a set of files that belong together: contents {path: bytes, str (UTF-8) or a
    function writing to a binary file}. Every path is checked first (writable_target), then
    every file is written whole to a temporary file in its own folder (an unnamed O_TMPFILE on
    Linux, which no death of the process can leave behind; elsewhere a named `.NAME.*.partial`
    written while signals are held), synced, and only then are all moved into place by
    os.replace, with SIGINT and SIGTERM held (signals_held) so that the set is replaced
    together or not at all. On any failure before the replacing, every temporary file is
    removed and every old file is left as it was. (A replace failing half-way, which the
    checks make unlikely, leaves the ones before it replaced and raises.) Returns the paths."""
    targets = [writable_target(path, what) for path in contents]
    if len(set(targets)) < len(targets):
        raise ValueError(f"{what}: expected different files, got the same one twice: "
                         f"{list(contents)}")
    handles, partial = {}, {}
    try:
        for target in targets:
            handles[target] = _unnamed_file(os.path.dirname(target))
        held = signals_held() if None in handles.values() else contextlib.nullcontext()
        with held:
            try:
                for target, content in zip(targets, contents.values()):
                    if handles[target] is None:
                        handles[target], partial[target] = _named_file(target, what)
                    _write_whole(handles[target], content, _new_mode(target))
                with signals_held():
                    for target in targets:
                        if target not in partial:
                            partial[target] = _link_unnamed(handles[target], target)
                    for target in targets:
                        os.replace(partial.pop(target), target)
            except BaseException:
                _discard(partial.values())  # before a held signal may end the process
                raise
    finally:
        for handle in handles.values():
            if handle is not None:
                os.close(handle)
        _discard(partial.values())
    return targets


def exit_on_sigterm():
    """In a command-line entry point: SIGTERM raises SystemExit (status 143, as a shell
    reports a TERM) instead of ending the process at once, so that `finally` blocks run:
    temporary files are removed, child processes stopped. Python drops an exception raised
    where it cannot propagate (inside a weakref callback or a __del__: "Exception ignored
    in ..."), and the process would go on; so each TERM also sends itself another one 2 s
    later, which ends the process if the first was dropped (and is held, like the first, while
    a set of files is being replaced)."""
    def stop(number, frame):
        again = threading.Timer(2.0, os.kill, (os.getpid(), number))
        again.daemon = True
        again.start()
        raise SystemExit(128 + number)
    signal.signal(signal.SIGTERM, stop)
