"""Writing a user's file completely or not at all.

Settings, exported debriefs and kept round audio all go through ``replace_atomically``: the
bytes go to a temporary file in the same folder, are flushed to disk, and only then replace the
target, so a full disk or a crash never leaves half a file, and an earlier file stays as it was.
Callers turn the ``OSError`` into their own message, usually a ``FileProblemError``.
"""

from __future__ import annotations

import contextlib
import enum
import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import ClassVar

from simulator.i18n import DEFAULT_LANGUAGE, t
from simulator.text import visible_path


class FileProblemError(Exception):
    """A user's file could not be read or written. ``problem`` names what went wrong and
    ``message(lang)`` says it, with what to do, from the catalog section ``CATALOG``."""

    CATALOG: ClassVar[str]

    def __init__(self, problem: enum.Enum, path: Path, detail: str = "") -> None:
        self.problem = problem
        self.path = path
        self.detail = detail
        super().__init__(self.message(DEFAULT_LANGUAGE))

    def message(self, lang: str) -> str:
        return t(
            f"{self.CATALOG}.{self.problem.value}",
            lang,
            path=visible_path(self.path),
            folder=visible_path(self.path.parent),
            detail=self.detail,
        )


def replace_atomically(
    path: Path, data: bytes, *, temp_prefix: str, mode: int | None = None
) -> None:
    """Write ``data`` to ``path`` atomically; raises ``OSError`` and removes the temporary file."""
    folder = path.parent if str(path.parent) else Path(".")
    fd, name = tempfile.mkstemp(prefix=temp_prefix, suffix=".tmp", dir=folder)
    tmp: str | None = name
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(name, mode)
        os.replace(name, path)
        tmp = None
        _sync_folder(folder)
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable where the platform allows it (not on Windows)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class NotRegularFileError(OSError):
    """A pipe, device or socket where a file was expected: reading it could wait forever
    (a FIFO) or never end (``/dev/zero``)."""


class FileTooLargeError(OSError):
    """A file larger than the reader accepts; ``size`` is what was found (at least)."""

    def __init__(self, size: int, max_bytes: int) -> None:
        super().__init__(f"{size} bytes; at most {max_bytes}")
        self.size = size
        self.max_bytes = max_bytes


def read_regular(path: Path, max_bytes: int) -> bytes:
    """The bytes of an ordinary file of at most ``max_bytes``, checked before it is read.

    A folder raises ``IsADirectoryError``; a FIFO, device or socket ``NotRegularFileError``
    (it is never opened for a blocking read); a larger file ``FileTooLargeError``, also when it
    grows while being read. Other failures are the ``OSError`` of the system.
    """
    info = os.stat(path)
    _check_regular(info, path)
    if info.st_size > max_bytes:
        raise FileTooLargeError(info.st_size, max_bytes)
    # O_NONBLOCK: if the path was swapped for a FIFO since the stat, the open does not wait.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "rb") as handle:
        _check_regular(os.fstat(fd), path)
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise FileTooLargeError(len(data), max_bytes)
    return data


def _check_regular(info: os.stat_result, path: Path) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
    if not stat.S_ISREG(info.st_mode):
        raise NotRegularFileError(errno.EINVAL, "not an ordinary file", str(path))


PRIVATE_FOLDER_MODE = 0o700


def make_private_folder(folder: Path) -> None:
    """Create ``folder`` (and any missing folders above it) readable by its owner only.

    The data folder holds names, coach notes and recordings on shared school laptops. A folder
    that exists already keeps its permissions: it may be one the user chose and shares.
    """
    missing: list[Path] = []
    current = folder
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):
            path.mkdir(mode=PRIVATE_FOLDER_MODE)
    if not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "Not a directory", str(folder))


EXPORT_MODE = 0o600
"""A new export is readable by its owner only: it holds names and coach notes, and school
laptops are shared."""


class WriteError(Exception):
    """The export file could not be written; nothing was left behind."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(key)

    def message(self, lang: str) -> str:
        return t(f"export.error.{self.key}", lang, **self.params)


def write_atomic(path: Path, data: bytes, *, example_name: str = "debrief.html") -> None:
    """Write ``data`` to ``path`` completely or not at all.

    The bytes go to a temporary file in the same folder, are flushed to disk, and only then
    replace ``path``; on any failure the temporary file is removed and ``WriteError`` says why.
    A device, pipe or socket at ``path`` is refused: the rename would put a file in its place
    (``/dev/null`` for a user allowed to write in ``/dev``), and so is a read-only file.
    ``example_name`` is the file name suggested when ``path`` is a folder.

    A symbolic link is written through, as a shell's ``>`` does: the file it points at is
    replaced (or made, if it is not there yet) and the link stays; a loop of links is refused.
    Messages name ``path`` as the user gave it.
    """
    shown = visible_path(path)
    if path.is_symlink():
        path = Path(os.path.realpath(path))
        if path.is_symlink():  # realpath stops where the links go round in a circle
            raise WriteError("link_loop", path=shown)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise WriteError("is_folder", path=shown, example=visible_path(path / example_name))
    if path.exists() and not path.is_file():
        raise WriteError("not_regular", path=shown)
    if not folder.is_dir():
        key = "folder_is_file" if folder.exists() else "folder_missing"
        raise WriteError(key, path=shown, folder=visible_path(folder))
    mode = path.stat().st_mode & 0o777 if path.is_file() else EXPORT_MODE
    if path.is_file() and not (mode & stat.S_IWUSR and os.access(path, os.W_OK)):
        # The rename would replace it all the same: a file made read-only is kept.
        raise WriteError("file_read_only", path=shown)
    try:
        replace_atomically(path, data, temp_prefix=f".{path.name}.", mode=mode)
    except OSError as exc:
        raise _write_error(exc, path, folder, example_name) from exc


def _write_error(exc: OSError, path: Path, folder: Path, example_name: str) -> WriteError:
    shown = visible_path(path)
    if exc.errno == errno.ELOOP:
        return WriteError("link_loop", path=shown)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return WriteError("disk_full", path=shown)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return WriteError("read_only", path=shown, folder=visible_path(folder))
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return WriteError("folder_missing", path=shown, folder=visible_path(folder))
    if exc.errno == errno.EISDIR:
        return WriteError("is_folder", path=shown, example=visible_path(path / example_name))
    return WriteError("io", path=shown, detail=exc.strerror or str(exc))
