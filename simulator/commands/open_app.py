"""``coach-sim`` without a subcommand: the rehearsal app."""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import TYPE_CHECKING

from simulator.commands import ui_language
from simulator.i18n import DEFAULT_LANGUAGE, t, tn
from simulator.text import shortened, visible_path

if TYPE_CHECKING:
    from simulator.app import SimulatorApp
    from simulator.scenarios.library import Library


def add_arguments(parser: argparse.ArgumentParser, lang: str = DEFAULT_LANGUAGE) -> None:
    """The app takes the global options (``--lang``, ``--device``, ``--scenarios``) and these."""
    add_app_switches(parser, lang)


def add_app_switches(parser: argparse.ArgumentParser, lang: str) -> None:
    """``--coach``, ``--keep-audio`` and ``--masterclass``: the app's on/off options, shared with
    ``practice``."""
    for flag, key in (
        ("--coach", "coach"),
        ("--keep-audio", "keep_audio"),
        ("--masterclass", "masterclass"),
    ):
        parser.add_argument(
            flag, action="store_true", default=argparse.SUPPRESS, help=t(f"cli.app.{key}", lang)
        )


def build_app(args: argparse.Namespace, scenario_id: str | None = None) -> SimulatorApp:
    """The app on the real world: the microphone, the history and settings in the data folder.

    Raises ``SystemExit`` with a clear message for an unknown scenario id.
    """
    from simulator.app import espeak_cue_player, make_app
    from simulator.audio.capture import MicrophoneSource, list_input_devices
    from simulator.audio.sources import AudioSource
    from simulator.i18n import resolve_language
    from simulator.scenarios.library import load_library
    from simulator.store.history import HistoryStore
    from simulator.store.paths import history_db_path, settings_path
    from simulator.store.settings import load_settings

    loaded = load_settings(settings_path())
    library = load_library(getattr(args, "scenarios", []) or [])
    lang = getattr(args, "lang", None)
    scenario = None
    if scenario_id is not None:
        language = resolve_language(lang or loaded.settings.language)
        scenario = library.find(scenario_id, language) or next(
            (s for s in library.scenarios if s.id == scenario_id), None
        )
        if scenario is None:
            raise SystemExit(_unknown_scenario(scenario_id, library, ui_language(args)))

    def open_microphone(device: str | None) -> AudioSource:
        return MicrophoneSource(device)

    def devices() -> list[tuple[str, str]]:
        return [(str(d.index), d.label) for d in list_input_devices()]

    return make_app(
        source_factory=open_microphone,
        device_lister=devices,
        library=library,
        store=HistoryStore(history_db_path()),
        settings=loaded.settings,
        settings_path=settings_path(),
        lang=lang,
        scenario=scenario,
        device=getattr(args, "device", None),
        cue_player=espeak_cue_player(),
        settings_problem=loaded.describe(resolve_language(lang or loaded.settings.language)),
        coach_mode=bool(getattr(args, "coach", False)),
        keep_audio=bool(getattr(args, "keep_audio", False)),
        masterclass=bool(getattr(args, "masterclass", False)),
    )


def _unknown_scenario(scenario_id: str, library: Library, lang: str) -> str:
    known = ", ".join(library.ids()) or t("cli.app.none", lang)
    return t("cli.app.unknown_scenario", lang, id=shortened(scenario_id), known=known)


def run_app(app: SimulatorApp) -> int:
    from simulator.termguard import stderr_to_log

    if not sys.stdin.isatty() or not sys.stdout.isatty():
        print(t("cli.app.needs_terminal", app.lang), file=sys.stderr)
        return 2
    with stderr_to_log():
        app.run()
    if app.unsaved_rounds:
        with contextlib.suppress(OSError):  # the terminal is gone when its window was closed
            print(_unsaved_message(app), file=sys.stderr)
        return 1
    # Textual sets a non-zero return code when the app ended with an error (a traceback).
    return app.return_code or 0


def _unsaved_message(app: SimulatorApp) -> str:
    """What became of the rounds the history could not take: the file they were written to,
    or the rounds themselves when no file could be written (only coach input left: lost)."""
    rescue, problem = app.rescue, app.unsaved_problem
    if rescue is None:
        count = app.unsaved_rounds
        return tn("app.unsaved_on_exit", app.lang, count, count=count, message=problem)
    count = rescue.rounds
    if rescue.path is not None:
        path = visible_path(rescue.path)
        return tn("app.unsaved_written", app.lang, count, count=count, message=problem, path=path)
    said = tn("app.unsaved_shown", app.lang, count, count=count, message=problem)
    return "\n".join((said, *rescue.lines))


def run(args: argparse.Namespace) -> int:
    return run_app(build_app(args))
