"""Where coach-sim keeps the user's data: history, own scenarios, logs, settings.

Everything lives under one data folder: ``$COACH_SIM_HOME`` when set (tests, a trainer's laptop
with a USB stick), otherwise the platform's user data folder (platformdirs). These helpers only
compute paths; whoever writes a file creates its folder.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

APP_NAME = "coach-sim"
HOME_ENV = "COACH_SIM_HOME"


def _home_override(environ: Mapping[str, str] | None) -> Path | None:
    env = os.environ if environ is None else environ
    value = env.get(HOME_ENV, "").strip()
    return Path(value).expanduser() if value else None


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The user data folder: ``$COACH_SIM_HOME`` or platformdirs' user data dir."""
    override = _home_override(environ)
    if override is not None:
        return override
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def history_db_path(environ: Mapping[str, str] | None = None) -> Path:
    """The SQLite practice history."""
    return data_dir(environ) / "history.sqlite3"


def user_scenarios_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The teacher's own scenario files (they override built-in ones with the same id)."""
    return data_dir(environ) / "scenarios"


def recordings_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Round audio kept with ``--keep-audio`` (never leaves the machine)."""
    return data_dir(environ) / "recordings"


def logs_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Log files (e.g. PortAudio's own messages): ``<data>/logs`` under ``$COACH_SIM_HOME``,
    otherwise platformdirs' user log dir."""
    override = _home_override(environ)
    if override is not None:
        return override / "logs"
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def settings_path(environ: Mapping[str, str] | None = None) -> Path:
    """The settings file (JSON): ``<data>/settings.json`` under ``$COACH_SIM_HOME``, otherwise
    in platformdirs' user config dir."""
    override = _home_override(environ)
    if override is not None:
        return override / "settings.json"
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "settings.json"
