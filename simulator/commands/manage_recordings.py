"""``coach-sim recordings``: the round audio kept on this computer, and deleting it.

* ``coach-sim recordings`` — where the audio is, and per session its rounds and size (with the
  date and scenario from the practice history when it has them).
* ``coach-sim recordings --json`` — the same as a JSON array.
* ``coach-sim recordings delete SESSION_ID...`` — delete those sessions' audio.
* ``coach-sim recordings delete --all`` — delete all of it (asks first; ``--yes`` for scripts).

Deleting audio never touches the practice history: the measurements stay.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from itertools import groupby
from pathlib import Path
from typing import Any

from simulator.commands import ui_language
from simulator.i18n import DEFAULT_LANGUAGE, LANGUAGES, format_number, local_date, t, tn
from simulator.store.history import HistoryError, HistoryStore, StoredSession, describe_unreadable
from simulator.store.paths import history_db_path, recordings_dir
from simulator.store.recordings import (
    Deleted,
    KeptRound,
    RecordingError,
    delete_all_audio,
    delete_session_audio,
    list_recordings,
)
from simulator.text import json_text, shortened, visible, visible_path


def add_arguments(parser: argparse.ArgumentParser, lang: str = DEFAULT_LANGUAGE) -> None:
    def h(key: str) -> str:
        return t(f"cli.recordings.{key}", lang)

    parser.add_argument("--json", action="store_true", help=h("json"))
    actions = parser.add_subparsers(dest="recordings_action", metavar=t("cli.action_metavar", lang))
    delete = actions.add_parser("delete", help=h("delete"), description=h("delete_description"))
    delete.add_argument("sessions", nargs="*", metavar=h("session_metavar"), help=h("sessions"))
    delete.add_argument("--all", action="store_true", help=h("all"))
    delete.add_argument("--yes", "-y", action="store_true", help=h("yes"))
    delete.add_argument(
        "--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=t("cli.lang_short", lang)
    )


def run(args: argparse.Namespace) -> int:
    lang = ui_language(args)
    root = recordings_dir()
    if getattr(args, "recordings_action", None) == "delete":
        return delete(args, root, lang)
    kept = list_recordings(root)
    sessions = _history_sessions(lang)
    if args.json:
        print(json_text(_records(kept, sessions), indent=2))
    elif not kept:
        print(t("recordings.empty", lang, folder=visible_path(root)))
    else:
        print(t("recordings.folder", lang, folder=visible_path(root)))
        print()
        print(_table(kept, sessions, lang))
    return 0


def _history_sessions(lang: str) -> dict[int, StoredSession]:
    """The practice history's sessions by id; empty when there is no readable history."""
    path = history_db_path()
    if not path.exists():
        return {}
    try:
        read = HistoryStore(path).read()
    except HistoryError:
        return {}
    if warning := describe_unreadable(read.unreadable, lang):
        print(f"coach-sim recordings: {warning}", file=sys.stderr)
    return {s.id: s for s in read.sessions}


def _by_session(kept: tuple[KeptRound, ...]) -> list[tuple[str, list[KeptRound]]]:
    return [(session, list(rounds)) for session, rounds in groupby(kept, key=lambda k: k.session)]


def _records(
    kept: tuple[KeptRound, ...], sessions: dict[int, StoredSession]
) -> list[dict[str, Any]]:
    out = []
    for session, rounds in _by_session(kept):
        stored = sessions.get(rounds[0].session_id or 0)
        out.append(
            {
                "session": session,
                "session_id": rounds[0].session_id,
                "scenario": stored.scenario if stored else None,
                "started_at": stored.started_at if stored else None,
                "size_bytes": sum(r.size_bytes for r in rounds),
                "rounds": [
                    {"round": r.round, "path": str(r.path), "size_bytes": r.size_bytes}
                    for r in rounds
                ],
            }
        )
    return out


def _size(n_bytes: int, lang: str) -> str:
    """``12 kB`` or ``1.5 MB`` (``1,5 MB`` in Dutch), the unit tied to the number."""
    if n_bytes < 1024 * 1024:
        return f"{max(1, round(n_bytes / 1024))}\u00a0kB"
    return f"{format_number(n_bytes / (1024 * 1024), lang)}\u00a0MB"


def _table(kept: tuple[KeptRound, ...], sessions: dict[int, StoredSession], lang: str) -> str:
    header = [
        t("recordings.col_session", lang),
        t("history.col_date", lang),
        t("history.col_scenario", lang),
        t("recordings.col_rounds", lang),
        t("recordings.col_size", lang),
    ]
    rows = []
    for session, rounds in _by_session(kept):
        stored = sessions.get(rounds[0].session_id or 0)
        rows.append(
            [
                session,
                local_date(stored.started_at) if stored else "–",
                visible(stored.scenario) if stored else "–",
                ", ".join(str(r.round) for r in rounds),
                _size(sum(r.size_bytes for r in rounds), lang),
            ]
        )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    rule = "  ".join("─" * w for w in widths)
    total = _size(sum(k.size_bytes for k in kept), lang)
    return "\n".join(
        [line(header), rule, *(line(r) for r in rows), "", t("recordings.total", lang, size=total)]
    )


def _report_left(deleted: Deleted, lang: str) -> None:
    """Name what was not deleted because coach-sim did not make it."""
    if deleted.left:
        paths = ", ".join(visible_path(p) for p in deleted.left)
        print(t("recordings.left", lang, paths=paths), file=sys.stderr)


SESSION_ID = re.compile(r"[0-9]+|unsaved-[0-9]+", re.ASCII)
"""What ``coach-sim recordings`` lists in its Session column: a history id, or ``unsaved-…``."""
SESSIONS_NAMED = 10


def _no_audio(root: Path, session: str, lang: str) -> str:
    """No audio for ``session``: and which sessions do have some."""
    have = list(dict.fromkeys(k.session for k in list_recordings(root)))
    if not have:
        return t("recordings.no_audio", lang, session=session) + t(
            "recordings.unknown.nothing_kept", lang
        )
    named = ", ".join(have[:SESSIONS_NAMED]) + (", …" if len(have) > SESSIONS_NAMED else "")
    return t("recordings.no_audio", lang, session=session) + tn(
        "recordings.unknown.kept_for", lang, len(have), sessions=named
    )


def delete(
    args: argparse.Namespace,
    root: Path,
    lang: str,
    ask: Callable[[str], str] = input,
) -> int:
    sessions: list[str] = args.sessions
    if args.all and sessions:
        print(t("recordings.all_or_ids", lang), file=sys.stderr)
        return 2
    if not args.all and not sessions:
        print(t("recordings.which", lang), file=sys.stderr)
        return 2
    try:
        if args.all:
            kept = list_recordings(root)
            if not kept:
                print(t("recordings.empty", lang, folder=visible_path(root)))
                return 0
            if not args.yes:
                if not sys.stdin.isatty():
                    print(t("recordings.confirm_needed", lang), file=sys.stderr)
                    return 2
                count = len({k.session for k in kept})
                answer = ask(t("recordings.confirm", lang, rounds=len(kept), sessions=count))
                if answer.strip().lower() not in ("y", "yes", "j", "ja"):
                    print(t("recordings.kept", lang))
                    return 1
            deleted = delete_all_audio(root)
            print(
                t("recordings.deleted_all", lang, rounds=deleted.rounds, folder=visible_path(root))
            )
            _report_left(deleted, lang)
            return 0
        status = 0
        for session in sessions:
            if not SESSION_ID.fullmatch(session):
                print(
                    t("recordings.unknown.not_an_id", lang, value=shortened(session)),
                    file=sys.stderr,
                )
                status = 1
                continue
            deleted = delete_session_audio(root, session)
            if deleted.rounds == 0:
                print(_no_audio(root, session, lang), file=sys.stderr)
                status = 1
            else:
                files = ", ".join(p.name for p in deleted.removed)
                print(
                    t(
                        "recordings.deleted",
                        lang,
                        session=session,
                        rounds=deleted.rounds,
                        files=files,
                    )
                )
            _report_left(deleted, lang)
        return status
    except RecordingError as exc:
        print(f"coach-sim recordings: {exc.message(lang)}", file=sys.stderr)
        return 1
