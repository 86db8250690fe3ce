"""Round audio kept with ``--keep-audio``: one 16-bit WAV file per round, on this computer only.

Layout: ``<recordings>/<session>/round-<n>.wav``, where ``<recordings>`` is
``paths.recordings_dir()`` (under ``$COACH_SIM_HOME`` when set) and ``<session>`` is the practice
history's session id. A round whose session could not be saved in the history yet goes into
``unsaved-<start time>``. The history stores nothing about audio: the file name is the link.

Every file is written atomically (a temporary file in the same folder, flushed to disk, then
renamed over the old one), so a full disk or a crash never leaves a half-written round behind; a
redone round replaces its file. Nothing here touches the screen: failures raise
``RecordingError``, whose ``message(lang)`` tells the teacher what happened and what to do.
"""

from __future__ import annotations

import enum
import errno
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from simulator.audio.result import ANALYSIS_RATE_HZ
from simulator.audio.wav import WavError, read_wav, wav_bytes_pcm16
from simulator.store.files import FileProblemError, make_private_folder, replace_atomically

ROUND_FILE = re.compile(r"^round-([1-9][0-9]*)\.wav$")
TEMP_PREFIX = ".round-"
UNSAVED_PREFIX = "unsaved-"


class RecordingProblem(enum.Enum):
    READ_ONLY = "read_only"
    DISK_FULL = "disk_full"
    NOT_A_FOLDER = "not_a_folder"
    MISSING = "missing"
    UNREADABLE = "unreadable"
    IO = "io"


class RecordingError(FileProblemError):
    """A round's audio could not be kept or read back; ``message(lang)`` says why."""

    CATALOG = "listen.error"
    problem: RecordingProblem


def _problem_for(exc: OSError) -> RecordingProblem:
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return RecordingProblem.READ_ONLY
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return RecordingProblem.DISK_FULL
    if exc.errno in (errno.ENOTDIR, errno.EEXIST, errno.EISDIR):
        return RecordingProblem.NOT_A_FOLDER
    return RecordingProblem.IO


@dataclass(frozen=True, slots=True)
class KeptRound:
    """One kept round's audio file."""

    session: str
    """The session's folder name: its history id, or ``unsaved-…``."""
    round: int
    path: Path
    size_bytes: int

    @property
    def session_id(self) -> int | None:
        """The practice history's session id, or ``None`` for an unsaved session."""
        return int(self.session) if self.session.isdigit() else None


@dataclass(frozen=True, slots=True, eq=False)
class RoundAudio:
    """A finished round's audio as the feedback screen gets it (only with ``--keep-audio``).

    ``samples`` stay in memory for listening back even when the file could not be written
    (``path`` is then ``None``), so a full disk costs the file, not the listening.
    """

    samples: npt.NDArray[np.float32]
    sample_rate_hz: int
    path: Path | None

    @property
    def duration_s(self) -> float:
        return int(self.samples.size) / self.sample_rate_hz


def session_folder(session_id: int | None, started_at: str) -> str:
    """The folder name for a session: its history id, else ``unsaved-<digits of started_at>``."""
    if session_id is not None:
        if session_id < 1:
            raise ValueError("session ids start at 1")
        return str(session_id)
    digits = re.sub(r"[^0-9]", "", started_at)[:14]
    if not digits:
        raise ValueError(f"started_at {started_at!r} holds no date")
    return UNSAVED_PREFIX + digits


def round_audio_path(root: Path, session: str, round_number: int) -> Path:
    """Where a round's audio is kept (the file may not exist)."""
    if round_number < 1:
        raise ValueError("rounds are numbered from 1")
    if not session or "/" in session or "\\" in session or session.startswith("."):
        raise ValueError(f"not a session folder name: {session!r}")
    return root / session / f"round-{round_number}.wav"


def save_round_audio(
    root: Path,
    session: str,
    round_number: int,
    samples: npt.NDArray[np.floating],
    sample_rate_hz: int = ANALYSIS_RATE_HZ,
) -> Path:
    """Write the round's audio as 16-bit mono WAV, atomically; returns the file's path.

    Raises ``RecordingError`` (read-only folder, full disk, …); then no file is left behind and
    an earlier file for the same round is untouched.
    """
    path = round_audio_path(root, session, round_number)
    mono = np.asarray(samples, dtype=np.float32)
    if mono.ndim != 1:
        raise ValueError(f"round audio must be mono (1-D), not shape {mono.shape}")
    try:
        make_private_folder(path.parent)
    except OSError as exc:
        raise RecordingError(_problem_for(exc), path, exc.strerror or str(exc)) from exc
    try:
        replace_atomically(path, wav_bytes_pcm16(mono, sample_rate_hz), temp_prefix=TEMP_PREFIX)
    except OSError as exc:
        raise RecordingError(_problem_for(exc), path, exc.strerror or str(exc)) from exc
    return path


def load_round_audio(path: Path) -> npt.NDArray[np.float32]:
    """A kept round's samples (mono, at the rate it was written; 16 kHz for the app's files)."""
    if not path.exists():
        raise RecordingError(RecordingProblem.MISSING, path)
    try:
        audio = read_wav(path)
    except WavError as exc:
        raise RecordingError(RecordingProblem.UNREADABLE, path, str(exc)) from exc
    return np.ascontiguousarray(audio.samples[:, 0])


def list_recordings(root: Path) -> tuple[KeptRound, ...]:
    """Every kept round under ``root``: saved sessions by id, then unsaved ones, rounds in order.

    Leftover temporary files and anything that is not ``round-<n>.wav`` are ignored.
    """
    if not root.is_dir():
        return ()
    found: list[KeptRound] = []
    for folder in root.iterdir():
        if not folder.is_dir() or folder.name.startswith("."):
            continue
        for file in folder.iterdir():
            match = ROUND_FILE.match(file.name)
            if match is None or not file.is_file():
                continue
            found.append(KeptRound(folder.name, int(match.group(1)), file, file.stat().st_size))

    def order(k: KeptRound) -> tuple[int, int, str, int]:
        sid = k.session_id
        return (0, sid, "", k.round) if sid is not None else (1, 0, k.session, k.round)

    return tuple(sorted(found, key=order))


@dataclass(frozen=True, slots=True)
class Deleted:
    """What deleting kept audio removed, and what it left because coach-sim did not make it."""

    removed: tuple[Path, ...] = ()
    """The round files removed (``round-<n>.wav``), in order."""
    left: tuple[Path, ...] = ()
    """Other entries found in a session folder: a user's own files, links, folders."""

    @property
    def rounds(self) -> int:
        return len(self.removed)

    def __add__(self, other: Deleted) -> Deleted:
        return Deleted(self.removed + other.removed, self.left + other.left)


def _is_ours(entry: Path) -> bool:
    """A round file or a leftover temporary file of one, as an ordinary file (not a link)."""
    if entry.is_symlink() or not entry.is_file():
        return False
    return bool(ROUND_FILE.match(entry.name)) or (
        entry.name.startswith(TEMP_PREFIX) and entry.name.endswith(".tmp")
    )


def _delete_folder(folder: Path) -> Deleted:
    """Remove the round files coach-sim wrote in one session folder, then the folder if empty.

    Nothing else is touched: not a file the user put there, not what a link points to.
    """
    if folder.is_symlink() or not folder.is_dir():
        return Deleted(left=(folder,) if folder.is_symlink() else ())
    removed: list[Path] = []
    left: list[Path] = []
    try:
        for entry in sorted(folder.iterdir(), key=_round_order):
            if not _is_ours(entry):
                left.append(entry)
                continue
            entry.unlink()
            if ROUND_FILE.match(entry.name):
                removed.append(entry)
        if not left:
            folder.rmdir()
    except OSError as exc:
        raise RecordingError(_problem_for(exc), folder, exc.strerror or str(exc)) from exc
    return Deleted(tuple(removed), tuple(left))


def _round_order(entry: Path) -> tuple[int, str]:
    match = ROUND_FILE.match(entry.name)
    return (int(match.group(1)), "") if match else (0, entry.name)


def delete_session_audio(root: Path, session: str) -> Deleted:
    """Delete one session's kept round files (and its folder once empty)."""
    return _delete_folder(round_audio_path(root, session, 1).parent)


def delete_all_audio(root: Path) -> Deleted:
    """Delete every kept round file; folders are removed once empty, other files stay."""
    if root.is_symlink() or not root.is_dir():
        return Deleted()
    total = Deleted()
    try:
        folders = sorted(root.iterdir())
    except OSError as exc:
        raise RecordingError(_problem_for(exc), root, exc.strerror or str(exc)) from exc
    for folder in folders:
        if folder.name.startswith(".") or folder.is_symlink() or not folder.is_dir():
            total += Deleted(left=(folder,))
            continue
        total += _delete_folder(folder)
    if not total.left:
        try:
            root.rmdir()
        except OSError as exc:
            raise RecordingError(_problem_for(exc), root, exc.strerror or str(exc)) from exc
    return total
