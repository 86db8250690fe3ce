"""The debrief handout: summary and rounds-against-the-band first, one scale for every round,
who and what was agreed, the playbook materials, one wording of a verdict, one A4 page."""

from __future__ import annotations

import html
import re
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from simulator.audio.result import Reason
from simulator.export import (
    SVG_WIDTH,
    Debrief,
    HandoutDetails,
    build_debrief,
    md_escape,
    render_html,
    render_markdown,
    with_details,
)
from simulator.scenarios.library import Library, load_library
from simulator.store.history import HistoryStore, RoundCoaching, export_session
from tests.unit.test_export import failed, sps

NBSP = "\u00a0"
DETAILS = HandoutDetails(
    teacher="Jantien <b>de Vries</b>",
    coach="Sacha Kneyber",
    date="4 December",
    next_step="Ask, count to three in your head, then say the name, in every lesson this week.",
)


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(user=Path("/nonexistent-coach-sim-user-dir"))


def coach_session(tmp_path: Path, library: Library, lang: str, details: HandoutDetails) -> Debrief:
    """A three-round coach-mode session: too short, name first, on target; notes and marks."""
    store = HistoryStore(tmp_path / f"history-{lang}.sqlite3")
    sid = store.start_session(
        "check-question",
        lang,
        started_at="2026-12-04T09:15:02+00:00",
        notes="Eyes on the clock; follow-up on Friday.",
    )
    first = RoundCoaching(2.5, "Looked at the board, not the class", ("name_first",))
    store.save_round(sid, 1, sps(1.2), coaching=first)
    store.save_round(sid, 2, failed(Reason.NAME_FIRST))
    store.save_round(sid, 3, sps(3.1, q_end_s=2.5), coaching=RoundCoaching(3.0, "Calm", ()))
    session = store.session(sid)
    assert session is not None
    scenario = library.find("check-question", lang)
    started = datetime.fromisoformat(session.started_at)
    return with_details(build_debrief(export_session(session), scenario, lang, started), details)


def order_of(page: str, *needles: str) -> list[int]:
    return [page.index(n) for n in needles]


def test_summary_and_chart_come_first_then_rounds_then_materials(
    tmp_path: Path, library: Library
) -> None:
    page = render_html(coach_session(tmp_path, library, "en", DETAILS))
    sections = re.findall(r'<section class="[^"]+" id="([^"]+)"', page)
    assert sections == ["summary", "round-1", "round-2", "round-3", "materials"]
    summary = re.search(r'<section class="summary".*?</section>', page, re.S)
    assert summary is not None
    assert '<svg class="chart"' in summary.group(0)
    assert "Agreed next step:</strong> Ask, count to three" in summary.group(0)
    positions = order_of(page, "<h1>", "Teacher", 'id="summary"', 'id="round-1"', 'id="materials"')
    assert positions == sorted(positions)


def test_teacher_coach_date_and_agreed_step_are_on_the_handout(
    tmp_path: Path, library: Library
) -> None:
    d = coach_session(tmp_path, library, "en", DETAILS)
    page = render_html(d)
    header = page[page.index("<header>") : page.index("</header>")]
    assert "<dt>Teacher</dt><dd>Jantien &lt;b&gt;de Vries&lt;/b&gt;</dd>" in header
    assert "<dt>Coach</dt><dd>Sacha Kneyber</dd>" in header
    assert "<dt>Date</dt><dd>4 December</dd>" in header
    md = render_markdown(d)
    assert "- **Teacher:** Jantien \\<b\\>de Vries\\</b\\>" in md
    assert "- **Coach:** Sacha Kneyber" in md and "- **Date:** 4 December" in md
    assert "**Agreed next step:** Ask, count to three" in md


def test_without_details_the_summary_step_leads_and_is_not_repeated(
    tmp_path: Path, library: Library
) -> None:
    d = coach_session(tmp_path, library, "en", HandoutDetails())
    assert d.summary is not None
    step = d.summary.next_step
    last = d.rounds[-1].feedback
    assert last is not None and last.next_step == step  # what the handout used to repeat
    assert render_html(d).count(html.escape(step)) == 1
    assert render_markdown(d).count(md_escape(step)) == 1
    assert "Your next step:</strong>" in render_html(d)
    assert "Agreed" not in render_html(d)


def test_every_round_is_drawn_on_one_scale(tmp_path: Path, library: Library) -> None:
    page = render_html(coach_session(tmp_path, library, "en", DETAILS))
    axes = []
    for n in (1, 2, 3):
        section = re.search(rf'<section class="round" id="round-{n}">.*?</section>', page, re.S)
        assert section is not None
        ticks = re.findall(r'class="tick" x="([\d.]+)"[^>]*>(\d+)<', section.group(0))
        axes.append(ticks)
    assert axes[0] == axes[1] == axes[2]
    assert len(axes[0]) >= 5


def test_the_chart_puts_every_round_against_the_band_on_one_axis(
    tmp_path: Path, library: Library
) -> None:
    page = render_html(coach_session(tmp_path, library, "en", DETAILS))
    chart = re.search(r'<svg class="chart".*?</svg>', page, re.S)
    assert chart is not None
    svg = chart.group(0)
    ticks = [
        (float(x), int(s)) for x, s in re.findall(r'class="tick" x="([\d.]+)"[^>]*>(\d+)<', svg)
    ]
    (x0, s0), (x1, s1) = ticks[0], ticks[1]
    px_per_s = (x1 - x0) / (s1 - s0)
    assert s0 == 0
    bars = re.findall(r'class="bar-(\w+)" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
    assert [(v, float(x)) for v, x, _ in bars] == [("too_short", x0), ("on_target", x0)]
    assert [float(w) / px_per_s for _, _, w in bars] == pytest.approx([1.2, 3.1], abs=0.02)
    band = re.search(r'class="band" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
    assert band is not None
    assert (float(band.group(1)) - x0) / px_per_s == pytest.approx(2.5, abs=0.02)
    assert float(band.group(2)) / px_per_s == pytest.approx(1.5, abs=0.02)
    assert "the name came before the question" in svg  # round 2 has a row, without a bar
    # Its words sit in the value column, clear of the band: not over the axis.
    none = re.search(r'<text class="none" x="([\d.]+)"[^>]*><title>([^<]*)</title>([^<]*)<', svg)
    assert none is not None and none.group(3) == "no measurement"
    assert none.group(2) == "the name came before the question"
    assert float(none.group(1)) > float(band.group(1)) + float(band.group(2))
    md = render_markdown(coach_session(tmp_path / "md", library, "en", DETAILS))
    chart_md = md[md.index("```text") : md.index("```", md.index("```text") + 3)]
    row_1 = next(line for line in chart_md.splitlines() if "Round 1" in line)
    assert row_1.startswith("█" * 5 + "·" * 5 + "░" * 6)  # 1.2 s, then the band from 2.5 s


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_one_wording_of_the_verdict(tmp_path: Path, library: Library, lang: str) -> None:
    d = coach_session(tmp_path, library, lang, DETAILS)
    html_page, md = render_html(d), render_markdown(d)
    for page in (html_page, md):
        assert "on target between" not in page and "op doel tussen" not in page
    en = lang == "en"
    short, on = ("too short", "within the range") if en else ("te kort", "binnen de marge")
    measured = "Measured" if lang == "en" else "Gemeten"
    assert f"{measured} 1{'.' if lang == 'en' else ','}2{NBSP}s: **{short}**." in md
    assert f'<span class="verdict verdict-on_target">{on}</span>' in html_page


def test_the_playbook_materials_are_listed(tmp_path: Path, library: Library) -> None:
    d = coach_session(tmp_path, library, "en", DETAILS)
    assert d.materials
    page, md = render_html(d), render_markdown(d)
    for m in d.materials:
        assert html.escape(m.reference) in page
        assert f"- {m.title}" in md.replace("\\!", "!")
    assert "Playbook materials" in page and "## Playbook materials" in md


def _pdf_pages(chromium: str, html_path: Path) -> int:
    pdf = html_path.with_suffix(".pdf")
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            html_path.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf.read_bytes()))


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_a_three_round_coach_session_prints_on_one_a4_page(
    tmp_path: Path, library: Library, lang: str, chromium: str
) -> None:
    page = tmp_path / f"handout-{lang}.html"
    page.write_text(render_html(coach_session(tmp_path, library, lang, DETAILS)), "utf-8")
    assert _pdf_pages(chromium, page) == 1


def test_the_export_command_takes_the_handout_details(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from simulator.cli import main

    monkeypatch.setenv("COACH_SIM_HOME", str(tmp_path / "home"))
    from simulator.store.paths import history_db_path

    store = HistoryStore(history_db_path())
    sid = store.start_session("check-question", "en", started_at="2026-12-04T09:15:02+00:00")
    store.save_round(sid, 1, sps(1.2))
    args = ["export", str(sid), "--teacher", "Kim", "--coach", "=Noor", "--next-step", "Wait"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "- **Teacher:** Kim" in out and "- **Coach:** \\=Noor" in out
    assert "**Agreed next step:** Wait" in out


def test_each_rounds_value_sits_clear_of_its_bar_and_the_band(
    tmp_path: Path, library: Library
) -> None:
    """A short round's "1.3 s — too short" does not lie on the band, a long round's "6.3 s —
    too long" not on its own bar: every value starts right of every bar's end and the band."""
    store = HistoryStore(tmp_path / "history.sqlite3")
    sid = store.start_session("check-question", "en", started_at="2026-12-04T09:15:02+00:00")
    for n, value in enumerate((1.3, 6.3, 3.1), start=1):
        store.save_round(sid, n, sps(value))
    session = store.session(sid)
    assert session is not None
    scenario = library.find("check-question", "en")
    started = datetime.fromisoformat(session.started_at)
    page = render_html(build_debrief(export_session(session), scenario, "en", started))
    chart = re.search(r'<svg class="chart".*?</svg>', page, re.S)
    assert chart is not None
    svg = chart.group(0)
    bars = re.findall(r'class="bar-\w+" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)"', svg)
    band = re.search(r'class="band" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
    values = re.findall(r'<text class="value" x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)<', svg)
    assert band is not None and len(bars) == 3
    assert [text.replace(NBSP, " ") for _, _, text in values] == [
        "1.3 s — too short",
        "6.3 s — too long",
        "3.1 s — within the range",
    ]
    band_end = float(band.group(1)) + float(band.group(2))
    bar_ends = [float(x) + float(w) for x, _, w in bars]
    for (_, bar_y, _), (value_x, value_y, text) in zip(bars, values, strict=True):
        assert float(bar_y) < float(value_y) < float(bar_y) + 16  # on the bar's own row
        assert float(value_x) > max(*bar_ends, band_end)  # start clear of every bar and band
        assert float(value_x) + 8 * len(text) <= SVG_WIDTH  # and end inside the drawing
