"""A coach's note or a name without spaces (a pasted link, a long word) wraps inside the handout
instead of running off the printed page."""

from __future__ import annotations

import re
import subprocess
from datetime import datetime
from pathlib import Path

from simulator.export import HandoutDetails, build_debrief, render_html, with_details
from simulator.scenarios.library import load_library
from simulator.store.history import HistoryStore, RoundCoaching, export_session
from tests.unit.test_export import sps

A4_WIDTH_PX = 794
"""An A4 page's width at 96 pixels per inch, what a browser lays a printed page out on."""
MEASURE = (
    "<script>document.body.setAttribute('data-widest', "
    "String(document.documentElement.scrollWidth));</script></body>"
)


def long_text_handout(tmp_path: Path) -> str:
    store = HistoryStore(tmp_path / "history.sqlite3")
    sid = store.start_session("check-question", "en", started_at="2026-12-04T09:15:02+00:00")
    note = "See https://example.org/" + "a-very-long-path-without-any-space-" * 12
    store.save_round(sid, 1, sps(1.2), coaching=RoundCoaching(2.0, note, ()))
    store.save_round(sid, 2, sps(3.1))
    session = store.session(sid)
    assert session is not None
    library = load_library(user=Path("/nonexistent-coach-sim-user-dir"))
    scenario = library.find("check-question", "en")
    assert scenario is not None
    details = HandoutDetails("W" * 80, "Noor", "4 December", None)
    started = datetime.fromisoformat(session.started_at)
    debrief = build_debrief(export_session(session), scenario, "en", started)
    return render_html(with_details(debrief, details))


def test_a_long_unbroken_note_and_name_stay_within_an_a4_page(
    tmp_path: Path, chromium: str
) -> None:
    page = tmp_path / "handout.html"
    page.write_text(long_text_handout(tmp_path).replace("</body>", MEASURE), "utf-8")
    dom = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--window-size={A4_WIDTH_PX},1123",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    found = re.search(r'data-widest="(\d+)"', dom)
    assert found is not None, dom[:500]
    assert int(found.group(1)) <= A4_WIDTH_PX
