"""Reading a file that is hostile until checked: a regular file (a FIFO or a folder is never
read), a zip archive whose directory, names and declared sizes are checked before anything is
inflated, and .npy members read without pickle. Used by saving.py (and the digits loader).
Writing is _writing.py's."""
import io
import math
import os
import stat
import struct
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
