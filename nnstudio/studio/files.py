"""Safe save and load of design files inside one folder (the notebook's folder).

A name typed in the Studio is untrusted: it must name a plain file *inside* the folder. Absolute paths, ``..``
steps, drive letters, hidden or empty names (``designs/``), control characters (newlines, escapes, invisible
format characters), names too long for the file system and links that lead out of the folder are refused with a
message that says why. Saving never half-writes a file: the text goes to a temporary file with a unique name in
the same folder, is flushed to disk and then renamed over the target with ``os.replace`` (atomic on POSIX and
Windows); on any failure the temporary file is removed. A new file gets the permissions ``open()`` would give it
(0o666 less the umask), a replaced file keeps its own, and a read-only file is never replaced.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

from .._atomic_write import TEMP_NAME_EXTRA, atomic_write

#: the biggest design file we read back (a 1000-node design is well under 1 MB)
MAX_DESIGN_BYTES = 5 * 1024 * 1024
#: the longest name part (file or folder) in UTF-8 bytes, leaving room for the temporary name's decoration
MAX_PART_BYTES = 255 - TEMP_NAME_EXTRA
#: the longest whole name, in characters
MAX_NAME_CHARS = 1024


class UnsafePathError(ValueError):
    """A file name that would read or write outside the allowed folder, or is not a usable name."""


def safe_path(folder: str | os.PathLike, name: str, *, suffix: str = ".json") -> Path:
    """Resolve a user-typed file ``name`` to a path inside ``folder``, or raise :class:`UnsafePathError`.

    ``suffix`` is appended when the name has none. Sub-folders are allowed (``designs/mlp.json``) as long as the
    resolved path, with every link followed, stays inside ``folder``.
    """
    if not isinstance(name, str):
        raise UnsafePathError(f"file name must be text, got {type(name).__name__}")
    name = name.strip()
    if not name:
        raise UnsafePathError("type a file name first, e.g. my_model.json")
    if "\x00" in name:
        raise UnsafePathError("file name contains a NUL character")
    if len(name) > MAX_NAME_CHARS:
        raise UnsafePathError(f"file name is longer than {MAX_NAME_CHARS} characters")
    bad = next((c for c in name if unicodedata.category(c)[0] == "C"), None)
    if bad is not None:
        raise UnsafePathError(f"file name contains the control character {bad!r} (U+{ord(bad):04X}): use letters, "
                              f"digits, spaces, '-', '_' and '.'")
    pure = Path(name)
    if pure.is_absolute() or name.startswith(("/", "\\", "~")) or (len(name) > 1 and name[1] == ":"):
        raise UnsafePathError(f"'{name}' is an absolute path: give a name inside the notebook's folder")
    parts = name.replace("\\", "/").split("/")
    if not parts[-1].strip():
        raise UnsafePathError(f"'{name}' names a folder: add a file name, e.g. {name.rstrip('/')}/my_model.json")
    if any(p == ".." for p in parts):
        raise UnsafePathError(f"'{name}' leads outside the notebook's folder ('..' is not allowed)")
    if any(p.startswith(".") for p in parts if p):
        raise UnsafePathError(f"'{name}': hidden names (starting with '.') are not allowed")
    if suffix and not pure.suffix:
        name = name + suffix
    elif suffix and pure.suffix.lower() != suffix:
        raise UnsafePathError(f"'{name}': design files end in {suffix}")
    for part in name.replace("\\", "/").split("/"):
        if len(part.encode("utf-8", "surrogatepass")) > MAX_PART_BYTES:
            raise UnsafePathError(f"'{part[:40]}...' is too long: a file or folder name is at most "
                                  f"{MAX_PART_BYTES} bytes here")
    root = Path(folder).resolve()
    target = root / name
    # follow every link (of the file itself and of any folder on the way) and check we are still inside
    resolved = target.resolve()
    if resolved != root and root not in resolved.parents:
        raise UnsafePathError(f"'{name}' is a link that leads outside the notebook's folder")
    if target.is_symlink():
        raise UnsafePathError(f"'{name}' is a symbolic link: give the name of a plain file")
    return target


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see either the old file or the whole new one, never a part.

    Raises:
        PermissionError: ``path`` is read-only; it is left as it is.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    atomic_write(path, lambda fh: fh.write(data))


def save_text(folder: str | os.PathLike, name: str, text: str) -> Path:
    """Atomically write ``text`` to the file ``name`` inside ``folder``; return the path written."""
    path = safe_path(folder, name)
    if path.exists() and not path.is_file():
        raise UnsafePathError(f"'{name}' exists and is not a plain file")
    atomic_write_text(path, text)
    return path


def load_text(folder: str | os.PathLike, name: str) -> str:
    """Read the file ``name`` inside ``folder`` (refusing unsafe names, missing, huge or non-plain files)."""
    path = safe_path(folder, name)
    if not path.exists():
        raise FileNotFoundError(f"no file named '{path.name}' in the notebook's folder")
    if not path.is_file():
        raise UnsafePathError(f"'{name}' is not a plain file")
    size = path.stat().st_size
    if size > MAX_DESIGN_BYTES:
        raise UnsafePathError(f"'{name}' is {size:,} bytes; a design file is at most {MAX_DESIGN_BYTES:,} bytes")
    return path.read_text(encoding="utf-8")


def list_designs(folder: str | os.PathLike, limit: int = 200) -> list[str]:
    """The ``.json`` files directly inside ``folder`` (sorted, at most ``limit``), for the Load picker."""
    root = Path(folder)
    try:
        names = sorted(p.name for p in root.iterdir() if p.suffix == ".json" and p.is_file() and not p.is_symlink()
                       and not p.name.startswith("."))
    except OSError:
        return []
    return names[:limit]
