"""Atomic file writes: readers see the old file or the whole new one, never a part, and no temporary is left.

`atomic_write(path, write)` calls `write(binary_file)` on a temporary file with a unique name in the target's own
folder (so the final rename never crosses a file system), flushes it to disk, gives it the permissions a plain
`open(path, "w")` would (the existing file's mode, else 0o666 less the umask), and renames it over `path` with
`os.replace` (atomic on POSIX and Windows). If anything fails, even a KeyboardInterrupt or a full disk, the
temporary file is removed and the old file is untouched. A read-only target is refused, as `open` would refuse
it, rather than silently replaced.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

#: the longest temporary-name decoration added to a file name (".", ".", 8 random characters, ".tmp")
TEMP_NAME_EXTRA = 14


def _umask() -> int:
    """The process umask, read without changing it where the system allows (Linux's /proc), else set back."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_file_mode(path: Path) -> int:
    """The mode `path` would get from a plain `open(path, "w")`: its current mode, else 0o666 less the umask."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return 0o666 & ~_umask()


def temp_name(path: Path) -> str:
    """A temporary-file prefix for `path` that keeps the whole name within 255 bytes (a hidden name)."""
    name = path.name
    room = 255 - TEMP_NAME_EXTRA
    encoded = name.encode("utf-8", "surrogateescape")
    if len(encoded) > room:
        name = encoded[:room].decode("utf-8", "ignore")
    return f".{name}."


def atomic_write(path: str | os.PathLike, write: Callable, *, replace_readonly: bool = False) -> None:
    """Write `path` atomically: `write(fh)` fills a binary temporary file in the same folder, then it is renamed.

    Raises:
        PermissionError: `path` exists and is read-only (unless `replace_readonly`); nothing is written.
        OSError / anything `write` raises: the temporary file is removed, `path` keeps its old content.
    """
    path = Path(path)
    if not replace_readonly and path.exists() and not os.access(path, os.W_OK):
        raise PermissionError(f"'{path}' is read-only: it was not replaced (make it writable, or choose "
                              f"another name)")
    mode = new_file_mode(path)
    fd, tmp = tempfile.mkstemp(prefix=temp_name(path), suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
