"""``coach-sim history``: your practice sessions as a table, or as JSON with ``--json``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from simulator.coaching.plan import failure_code
from simulator.commands import ui_language
from simulator.i18n import DEFAULT_LANGUAGE, format_seconds, has, local_date, t
from simulator.store.history import (
    HistoryError,
    HistoryStore,
    Kind,
    StoredRound,
    StoredSession,
    describe_unreadable,
    measurement_from_stored,
)
from simulator.store.paths import history_db_path
from simulator.text import json_text, shortened, visible


def add_arguments(parser: argparse.ArgumentParser, lang: str = DEFAULT_LANGUAGE) -> None:
    parser.add_argument("--json", action="store_true", help=t("cli.history.json", lang))
    parser.add_argument(
        "--scenario",
        metavar=t("cli.history.scenario_metavar", lang),
        help=t("cli.history.scenario", lang),
    )


def session_record(session: StoredSession) -> dict[str, Any]:
    return {
        "id": session.id,
        "scenario": session.scenario,
        "language": session.language,
        "started_at": session.started_at,
        "participant": session.participant,
        "notes": session.notes,
        "rounds": [
            {
                "round": r.round,
                "pause_s": r.pause_s,
                "measured_s": r.measured_s,
                "verdict": r.verdict,
                "reason": r.reason,
                "perceived_s": r.perceived_s,
                "coach_note": r.coach_note,
                "marks": list(r.marks),
                "reflection": r.reflection,
                "own_line": r.own_line,
                "own_name": r.own_name,
            }
            for r in session.rounds
        ],
    }


def _code_text(section: str, code: str, lang: str) -> str:
    """The words for a stored code (``verdict.on_target``); a code this version does not know
    (a newer version's, or a damaged row's) is shown as written, shortened and made visible."""
    key = f"{section}.{code}"
    return t(key, lang) if has(key, lang) else shortened(code)


def _round_cell(r: StoredRound, lang: str) -> str:
    if r.measured_s is None:
        try:
            reason = t(f"reason.{failure_code(measurement_from_stored(r))}", lang)
        except ValueError:  # a newer version's code, or damaged values: shown as written
            reason = (
                _code_text("reason", r.reason, lang)
                if r.reason
                else t("verdict.no_measurement", lang)
            )
        return t("history.round_none", lang, round=r.round, reason=reason)
    return t(
        "history.round_cell",
        lang,
        round=r.round,
        value=format_seconds(r.measured_s, lang),
        verdict=_code_text("verdict", r.verdict, lang),
    )


def render_table(sessions: tuple[StoredSession, ...], lang: str) -> str:
    header = [
        "id",
        t("history.col_date", lang),
        t("history.col_scenario", lang),
        t("history.col_language", lang),
        t("history.col_rounds", lang),
    ]
    rows = [
        [
            str(s.id),
            local_date(s.started_at),
            visible(s.scenario),
            visible(s.language),
            "; ".join(_round_cell(r, lang) for r in s.rounds) or t("history.no_rounds", lang),
        ]
        for s in sessions
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=False)) + "  " + cells[4]

    rule = "  ".join("─" * w for w in widths) + "  " + "─" * len(header[4])
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


def run(args: argparse.Namespace) -> int:
    lang = ui_language(args)
    store = HistoryStore(history_db_path())
    try:
        read = store.read(scenario=args.scenario, kind=Kind.PRACTICE)
    except HistoryError as exc:
        print(f"coach-sim history: {exc.message(lang)}", file=sys.stderr)
        return 1
    sessions = read.sessions
    if warning := describe_unreadable(read.unreadable, lang):
        print(f"coach-sim history: {warning}", file=sys.stderr)
    if args.json:
        print(json_text([session_record(s) for s in sessions], indent=2))
    elif not sessions and args.scenario:
        print(_none_for_scenario(store, args.scenario, lang))
    elif not sessions:
        print(t("history.empty", lang))
    else:
        print(render_table(sessions, lang))
    return 0


def _none_for_scenario(store: HistoryStore, scenario: str, lang: str) -> str:
    """Nothing for ``--scenario``: said so, with the scenarios there is practice of (a typo in
    the id must not read as an empty history)."""
    practised = sorted({s.scenario for s in store.read(kind=Kind.PRACTICE).sessions})
    if not practised:
        return t("history.empty", lang)
    return t(
        "history.none_for_scenario",
        lang,
        scenario=shortened(scenario),
        practised=", ".join(visible(s) for s in practised),
    )
