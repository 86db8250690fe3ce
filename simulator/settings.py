"""The app's few settings, kept as a small JSON file in the user's folder (see ``paths``).

A missing file means the defaults. A broken file never stops the app: it is read as the defaults
with a ``problem`` saying what was wrong, and the next save writes a good file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from simulator.files import make_private_folder, read_regular, replace_atomically
from simulator.i18n import LANGUAGES


@dataclass(frozen=True, slots=True)
class Settings:
    language: str | None = None
    """``nl``, ``en``, or ``None`` to follow the computer's language."""
    microphone: str | None = None
    """A device name or index as text (``coach-sim devices``), or ``None`` for the default."""
    live_timer: bool = False
    """Show a running pause timer during a round (off: delayed feedback works better)."""
    keep_audio: bool = False
    """Keep each round's audio on this computer for listening back (off by default: privacy)."""
    reflection: bool = False
    """Ask "What did you notice?" after each round, before the measurement is shown."""


@dataclass(frozen=True, slots=True)
class LoadedSettings:
    settings: Settings
    problem: str | None = None
    """Why the file could not be used (the defaults apply), or ``None``."""


def parse_settings(text: str) -> LoadedSettings:
    """Settings from the file's text; unknown keys are ignored, bad values fall back."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return LoadedSettings(Settings(), f"not valid JSON (line {exc.lineno}): {exc.msg}")
    if not isinstance(data, dict):
        return LoadedSettings(Settings(), "expected a JSON object with the settings")
    problems: list[str] = []
    language = data.get("language")
    if language is not None and language not in LANGUAGES:
        problems.append(f"language must be one of {', '.join(LANGUAGES)} or null")
        language = None
    microphone = data.get("microphone")
    if isinstance(microphone, int) and not isinstance(microphone, bool):
        microphone = str(microphone)
    if microphone is not None and not isinstance(microphone, str):
        problems.append("microphone must be a device name, an index, or null")
        microphone = None
    live_timer = data.get("live_timer", False)
    if not isinstance(live_timer, bool):
        problems.append("live_timer must be true or false")
        live_timer = False
    keep_audio = data.get("keep_audio", False)
    if not isinstance(keep_audio, bool):
        problems.append("keep_audio must be true or false")
        keep_audio = False
    reflection = data.get("reflection", False)
    if not isinstance(reflection, bool):
        problems.append("reflection must be true or false")
        reflection = False
    return LoadedSettings(
        Settings(language, microphone or None, live_timer, keep_audio, reflection=reflection),
        "; ".join(problems) or None,
    )


MAX_SETTINGS_BYTES = 64 * 1024
"""The settings are four values; a larger file is not a settings file."""


def load_settings(path: Path) -> LoadedSettings:
    """The settings in ``path``; a file that cannot be used gives the defaults and a problem.

    Read through ``read_regular``: a FIFO or a device in its place would otherwise stop the app
    from starting.
    """
    try:
        text = read_regular(path, MAX_SETTINGS_BYTES).decode("utf-8")
    except FileNotFoundError:
        return LoadedSettings(Settings())
    except (OSError, UnicodeDecodeError) as exc:
        return LoadedSettings(Settings(), f"cannot be read: {exc}")
    loaded = parse_settings(text)
    if loaded.problem:
        return LoadedSettings(loaded.settings, f"{path}: {loaded.problem}")
    return loaded


def save_settings(settings: Settings, path: Path) -> None:
    """Write the settings atomically (a temporary file renamed over the old one).

    Raises ``OSError`` when the folder cannot be written; the caller tells the user.
    """
    make_private_folder(path.parent)
    data = {
        "language": settings.language,
        "microphone": settings.microphone,
        "live_timer": settings.live_timer,
        "keep_audio": settings.keep_audio,
        "reflection": settings.reflection,
    }
    text = json.dumps(data, indent=2) + "\n"
    replace_atomically(path, text.encode("utf-8"), temp_prefix=".settings-")
