"""The one atomic file writer: every file the package writes goes through here.

A file is written to a temporary file in the destination folder, flushed and fsync'ed, then
moved over the destination with ``os.replace`` (atomic on POSIX and Windows). Readers see the
old file or the new one, never a partial one; after any error (``KeyboardInterrupt`` included)
the temporary file is removed and the old file is untouched.

The new file gets the permissions ``open(path, "w")`` would give it: ``0o666 & ~umask`` for a
new file (the temporary file is created with ``os.open(..., 0o666)``, so the kernel applies the
umask; the umask is never read or changed, which would race with other threads), and the old
file's permission bits when it replaces an existing file.
"""
from __future__ import annotations

import contextlib
import errno
import os
import stat
import uuid
from typing import BinaryIO, Callable, Iterator, Union

__all__ = ["atomic_open", "atomic_write"]

PathLike = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]
Data = Union[bytes, bytearray, memoryview, str, Callable[[BinaryIO], object]]

_FLAGS = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


def _target(path: PathLike) -> str:
    """``path`` as a str; a symlink is followed (``open()`` writes through it, so do we)."""
    path = os.fspath(path)
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not path:
        raise FileNotFoundError(errno.ENOENT, "atomic write: empty file name", path)
    if os.path.islink(path):
        path = os.path.realpath(path)
    return path


def _fsync_folder(folder: str) -> None:
    """Make the rename itself durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_open(path: PathLike, *, makedirs: bool = False) -> Iterator[BinaryIO]:
    """Open a binary file that replaces ``path`` atomically when the ``with`` block ends without error.

    Raising inside the block (for instance on a failed checksum) discards what was written and
    leaves ``path`` as it was; the temporary file never outlives the block.

    Parameters
    ----------
    path : str or os.PathLike
        The destination file.
    makedirs : bool
        Create the missing folders of ``path`` first (else a missing folder raises
        ``FileNotFoundError`` naming it).

    Example
    -------
    >>> with atomic_open("weights.npz") as f:
    ...     np.savez(f, w=np.zeros(3))
    """
    path = _target(path)
    folder = os.path.dirname(os.path.abspath(path))
    if makedirs:
        os.makedirs(folder, exist_ok=True)
    try:
        old_mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        old_mode = None
    if os.path.isdir(path):
        raise IsADirectoryError(errno.EISDIR, f"cannot write {path!r}: it is a directory", path)
    tmp = None
    try:
        while tmp is None:
            name = os.path.join(folder, f".{os.path.basename(path)}.{uuid.uuid4().hex[:12]}.tmp")
            try:
                # 0o666 through the kernel's umask: exactly the mode open() gives a new file
                fd = os.open(name, _FLAGS, 0o666)
            except FileExistsError:
                continue
            except FileNotFoundError:
                if not os.path.isdir(folder):
                    raise FileNotFoundError(
                        errno.ENOENT, f"cannot write {path!r}: the folder {folder!r} does not exist", path
                    ) from None
                raise
            tmp = name
        with os.fdopen(fd, "wb") as f:
            if old_mode is not None and hasattr(os, "fchmod"):
                os.fchmod(f.fileno(), old_mode)  # open() keeps an existing file's permissions
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        tmp = None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    _fsync_folder(folder)


def atomic_write(path: PathLike, data: Data, *, makedirs: bool = False, encoding: str = "utf-8") -> str:
    """Write ``data`` to ``path`` atomically (see ``atomic_open``); return ``path`` as a str.

    Parameters
    ----------
    path : str or os.PathLike
        The destination file; it gets the mode ``open()`` would give it.
    data : bytes, str or callable
        The content: bytes as they are, a str encoded with ``encoding`` (newlines are not
        translated), or a callable ``data(f)`` that writes to the binary file object ``f``.
    makedirs : bool
        Create the missing folders of ``path`` first.
    encoding : str
        Encoding of a str ``data``.

    Example
    -------
    >>> atomic_write("history.csv", "epoch,loss\\n1,0.5\\n")
    'history.csv'
    >>> atomic_write("fig.png", lambda f: fig.savefig(f, format="png"))
    'fig.png'
    """
    if isinstance(data, str):
        data = data.encode(encoding)
    if not isinstance(data, (bytes, bytearray, memoryview)) and not callable(data):
        raise TypeError(f"atomic_write: data must be bytes, str or a callable(file), got {type(data).__name__}")
    with atomic_open(path, makedirs=makedirs) as f:
        if callable(data):
            data(f)
        else:
            f.write(data)
    return os.fsdecode(os.fspath(path))
