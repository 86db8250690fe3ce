"""``coach-sim export SESSION_ID``: a practice session for the debrief, as Markdown, HTML or CSV.

The text goes to standard output, or with ``--output FILE`` into a file that is written in full
or not at all (a temporary file in the same folder, then ``os.replace``).
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from simulator.commands import ui_language
from simulator.export import Format, HandoutDetails, build_debrief, render, with_details
from simulator.i18n import DEFAULT_LANGUAGE, LANGUAGES, local_date, t
from simulator.scenarios.library import load_library
from simulator.scenarios.model import Scenario
from simulator.store.files import WriteError, write_atomic
from simulator.store.history import (
    HistoryError,
    HistoryStore,
    StoredSession,
    describe_unreadable,
    export_session,
)
from simulator.store.paths import history_db_path
from simulator.text import shortened, visible_path

RECENT_SHOWN = 5
MAX_ID_DIGITS = 18


def add_arguments(parser: argparse.ArgumentParser, lang: str = DEFAULT_LANGUAGE) -> None:
    def h(key: str) -> str:
        return t(f"cli.export.{key}", lang)

    parser.add_argument("session_id", metavar=h("session_metavar"), help=h("session_id"))
    parser.add_argument(
        "--format",
        choices=[f.value for f in Format],
        default=Format.MARKDOWN.value,
        help=h("format"),
    )
    parser.add_argument("--output", "-o", metavar=t("cli.file_metavar", lang), help=h("output"))
    for flag in ("teacher", "coach", "date", "next_step"):
        parser.add_argument(
            "--" + flag.replace("_", "-"), metavar=h("text_metavar"), help=h(f"handout_{flag}")
        )
    parser.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=h("lang"))


def _local(iso: str) -> datetime | None:
    try:
        return datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return None


def unknown_session_message(session_id: int, sessions: tuple[StoredSession, ...], lang: str) -> str:
    """No such session: the most recent ones to choose from, from one's own practice only (the
    sessions `coach-sim history` lists; a masterclass's turns are kept apart from it)."""
    parts = [t("export.error.no_session", lang, id=session_id)]
    own = [s for s in sessions if s.masterclass_id is None]
    if not own:
        parts.append(t("export.error.no_history", lang))
    else:
        recent = sorted(own, key=lambda s: (s.started_at, s.id))[-RECENT_SHOWN:]
        items = ", ".join(
            t(
                "export.error.recent_item",
                lang,
                id=s.id,
                date=local_date(s.started_at),
                scenario=s.scenario,
            )
            for s in reversed(recent)
        )
        parts.append(t("export.error.recent", lang, items=items))
        parts.append(t("export.error.how_to_find", lang))
    return " ".join(parts)


def find_scenario(session: StoredSession, lang: str, extra_dirs: list[str]) -> Scenario | None:
    """The session's scenario in the export's language, else in the session's own language."""
    library = load_library(extra_dirs)
    return library.find(session.scenario, lang) or library.find(session.scenario, session.language)


def _fail(message: str) -> int:
    print(f"coach-sim export: {message}", file=sys.stderr)
    return 1


def run(args: argparse.Namespace) -> int:
    chosen: str | None = getattr(args, "lang", None)
    ui_lang = ui_language(args)
    raw_id = str(args.session_id).strip()
    # ASCII digits only: "²".isdigit() is true, but int("²") fails; and a short number, as
    # int() refuses more than a few thousand digits.
    if not (raw_id.isascii() and raw_id.isdigit() and len(raw_id) <= MAX_ID_DIGITS):
        return _fail(t("export.error.bad_id", ui_lang, value=shortened(raw_id)))
    if int(raw_id) < 1:
        return _fail(t("export.error.bad_id", ui_lang, value=raw_id))
    session_id = int(raw_id)
    store = HistoryStore(history_db_path())
    try:
        read = store.read()
    except HistoryError as exc:
        return _fail(exc.message(ui_lang))
    sessions = read.sessions
    if warning := describe_unreadable(read.unreadable, ui_lang):
        print(f"coach-sim export: {warning}", file=sys.stderr)
    session = next((s for s in sessions if s.id == session_id), None)
    if session is None:
        return _fail(unknown_session_message(session_id, sessions, ui_lang))

    lang = chosen if chosen in LANGUAGES else session.language
    if lang not in LANGUAGES:
        lang = ui_lang
    scenario = find_scenario(session, lang, list(getattr(args, "scenarios", None) or []))
    debrief = build_debrief(export_session(session), scenario, lang, _local(session.started_at))
    details = HandoutDetails(
        *(getattr(args, name, None) for name in ("teacher", "coach", "date", "next_step"))
    )
    text = render(Format(args.format), with_details(debrief, details))

    if args.output is not None and not args.output.strip():
        return _fail(t("export.error.empty_output", ui_lang))
    if not args.output:
        sys.stdout.write(text)
        return 0
    path = Path(args.output).expanduser()
    try:
        write_atomic(path, text.encode("utf-8"), example_name=f"debrief.{args.format}")
    except WriteError as exc:
        return _fail(exc.message(ui_lang))
    print(t("export.written", ui_lang, path=visible_path(path)))
    return 0
