"""The app's few settings, kept as a small JSON file in the user's folder (see ``paths``).

A missing file means the defaults. A broken file never stops the app: it is read as the defaults
with ``problems`` saying what was wrong (in either language), and the next save writes a good file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from simulator.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from simulator.store.files import make_private_folder, read_regular, replace_atomically


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
class SettingsProblem:
    """One thing wrong with the settings file: a ``settings_file.*`` catalog key and its values."""

    key: str
    params: Mapping[str, object] = field(default_factory=dict)

    def message(self, lang: str) -> str:
        return t(f"settings_file.{self.key}", lang, **self.params)


@dataclass(frozen=True, slots=True)
class LoadedSettings:
    settings: Settings
    problems: tuple[SettingsProblem, ...] = ()
    """What could not be used (those values fall back to the defaults); empty when all is well."""
    path: Path | None = None

    def describe(self, lang: str) -> str | None:
        """The problems as one line in ``lang`` (with the file), or ``None``."""
        if not self.problems:
            return None
        text = "; ".join(p.message(lang) for p in self.problems)
        return f"{self.path}: {text}" if self.path is not None else text

    @property
    def problem(self) -> str | None:
        """The problems in English (for logs and tests), or ``None``."""
        return self.describe(DEFAULT_LANGUAGE)


def parse_settings(text: str) -> LoadedSettings:
    """Settings from the file's text; unknown keys are ignored, bad values fall back."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problem = SettingsProblem("not_json", {"line": exc.lineno, "detail": exc.msg})
        return LoadedSettings(Settings(), (problem,))
    if not isinstance(data, dict):
        return LoadedSettings(Settings(), (SettingsProblem("not_object"),))
    problems: list[SettingsProblem] = []
    language = data.get("language")
    if language is not None and language not in LANGUAGES:
        problems.append(SettingsProblem("bad_language", {"languages": ", ".join(LANGUAGES)}))
        language = None
    microphone = data.get("microphone")
    if isinstance(microphone, int) and not isinstance(microphone, bool):
        microphone = str(microphone)
    if microphone is not None and not isinstance(microphone, str):
        problems.append(SettingsProblem("bad_microphone"))
        microphone = None
    live_timer = data.get("live_timer", False)
    if not isinstance(live_timer, bool):
        problems.append(SettingsProblem("not_switch", {"name": "live_timer"}))
        live_timer = False
    keep_audio = data.get("keep_audio", False)
    if not isinstance(keep_audio, bool):
        problems.append(SettingsProblem("not_switch", {"name": "keep_audio"}))
        keep_audio = False
    reflection = data.get("reflection", False)
    if not isinstance(reflection, bool):
        problems.append(SettingsProblem("not_switch", {"name": "reflection"}))
        reflection = False
    return LoadedSettings(
        Settings(language, microphone or None, live_timer, keep_audio, reflection=reflection),
        tuple(problems),
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
        problem = SettingsProblem("cannot_read", {"reason": str(exc)})
        return LoadedSettings(Settings(), (problem,))
    loaded = parse_settings(text)
    if loaded.problems:
        return LoadedSettings(loaded.settings, loaded.problems, path)
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
