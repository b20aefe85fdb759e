"""Writing a file, or a set of files, whole: to temporary files in the target's own folder,
moved into place together by os.replace with SIGINT and SIGTERM held (replace_together), so a
reader sees the old files or the new ones, never a mix, an empty file or a temporary; and a
command line's SIGTERM turned into SystemExit so that its `finally` blocks run."""
import contextlib
import errno
import os
import secrets
import signal
import stat
import tempfile
import threading


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
