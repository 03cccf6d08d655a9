"""The one way procflow reads a file it did not write: bounded, non-blocking, regular files only.

Opens first and looks at what was opened (no race between a check and the read), with
O_NONBLOCK so a named pipe cannot hang the open, refuses anything but a regular file, and
checks the size before reading a byte. Every refusal is a `LoadError` with one Diagnostic
(Y004, Y011, Y014). Imports no YAML: `status` reads pinned files' bytes through this too.
"""

from __future__ import annotations

import errno
import os
import stat
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from procflow.engine.base.diagnostic import Diagnostic

DEFAULT_MAX_BYTES = 1 << 20


class LoadError(Exception):
    """The file cannot be read as a procflow YAML document; `diagnostic` says why."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


def read_bytes(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most `max_bytes`; LoadError (Y004, Y011, Y014) otherwise."""
    # Open first, then look at what was opened: no race between a check and the read, and
    # O_NONBLOCK keeps a named pipe from blocking the open.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        if os.path.islink(path):
            raise error(path, 0, 0, "Y011", "is a symlink to a file that does not exist") from None
        raise error(path, 0, 0, "Y011", "no such file") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise error(path, 0, 0, "Y011", "is a symlink loop") from None
        if exc.errno == errno.ENOTDIR:
            raise error(path, 0, 0, "Y011", "no such file (a part of the path is not a directory)") from None
        if os.path.isdir(path):
            raise error(path, 0, 0, "Y011", "is a directory, not a file") from None
        raise _unreadable(path, exc) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise error(path, 0, 0, "Y011", "is a directory, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise error(path, 0, 0, "Y011", "is not a regular file (a device, pipe or socket)")
        if info.st_size > max_bytes:
            raise too_big(path, info.st_size, max_bytes)
        raw = _read_at_most(fd, max_bytes + 1)
    except OSError as exc:
        raise _unreadable(path, exc) from None
    finally:
        os.close(fd)
    if len(raw) > max_bytes:  # the file grew since fstat
        raise too_big(path, len(raw), max_bytes)
    return raw


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    while limit > 0:
        chunk = os.read(fd, limit)
        if not chunk:
            break
        chunks.append(chunk)
        limit -= len(chunk)
    return b"".join(chunks)


def _unreadable(path: str, exc: OSError) -> LoadError:
    return error(path, 0, 0, "Y014", f"cannot be read: {(exc.strerror or str(exc)).lower()}")


def too_big(path: str, size: int, max_bytes: int) -> LoadError:
    return error(path, 0, 0, "Y004", f"file is {size:,} bytes, over the limit of {max_bytes:,} bytes")


def error(path: str, line: int, col: int, code: str, message: str) -> LoadError:
    """A refusal of `path` at `line:col` (0:0 for the file as a whole)."""
    # status reads pinned files through this module on every run and never builds a finding:
    # the Diagnostic dataclass (~2 ms to import) loads only for a refusal
    from procflow.engine.base.diagnostic import Diagnostic, Severity

    return LoadError(Diagnostic(path, line, col, code, Severity.ERROR, message))
