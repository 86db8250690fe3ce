"""The masterclass group files: the CSV (scenario, language, band, date, skipped rounds) and the
HTML handout (names escaped, every round on one shared axis)."""

from __future__ import annotations

import csv
import io
import re

from simulator.audio.pattern import Band
from simulator.coaching.group import SKIPPED, GroupRound
from simulator.group_export import CSV_COLUMNS, GroupReport, render_group_csv, render_group_html

BAND = Band(target_s=3.0, min_s=2.5, max_s=4.0)
ROWS = (
    GroupRound("P1", 1, 1.234, "too_short", None),
    GroupRound("P1", 2, 3.1, "on_target", None),
    GroupRound("P2", 1, None, "no_measurement", "no_speech"),
    GroupRound("P2", 2, None, SKIPPED, None),
)


def report(**changes: object) -> GroupReport:
    values: dict[str, object] = {
        "scenario_id": "check-question",
        "title": "Check question",
        "language": "nl",
        "band": BAND,
        "rounds": 2,
        "date": "2026-12-04 21:05",
        "rows": ROWS,
    }
    values.update(changes)
    return GroupReport(**values)  # type: ignore[arg-type]


def test_csv_has_scenario_language_band_date_and_a_row_per_skipped_round() -> None:
    parsed = list(csv.reader(io.StringIO(render_group_csv(report()))))
    assert tuple(parsed[0]) == CSV_COLUMNS
    context = ["2026-12-04 21:05", "check-question", "nl", "3.00", "2.50", "4.00"]
    assert parsed[1:] == [
        [*context, "P1", "1", "1.23", "too_short", ""],
        [*context, "P1", "2", "3.10", "on_target", ""],
        [*context, "P2", "1", "", "no_measurement", "no_speech"],
        [*context, "P2", "2", "", "skipped", ""],
    ]


def test_csv_keeps_a_pack_scenario_id_from_becoming_a_formula() -> None:
    text = render_group_csv(report(scenario_id="=HYPERLINK(1)", names=("Ayla", "Bo")))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["scenario"] == "'=HYPERLINK(1)"
    assert "Ayla" not in text  # the CSV has codes, also when names are kept


HOSTILE = '<script>alert("x")</script>\x1b[31m'


def test_handout_escapes_names_and_titles() -> None:
    page = render_group_html(report(names=(HOSTILE, "Bo & Co"), title=HOSTILE), "en")
    assert "<script>" not in page and "\x1b" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<td>Bo &amp; Co</td>" in page


def test_handout_shows_codes_without_names_and_every_round_on_one_axis() -> None:
    page = render_group_html(report(), "nl")
    assert "<td>P1</td>" in page and "<td>P2</td>" in page
    assert page.count("<circle") == 2  # the two measured values, nothing for the others
    assert "overgeslagen" in page and "Doelmarge" in page and "2,5–4,0" in page
    assert len(re.findall(r'<rect class="band"', page)) == 1  # one band across all rounds
    assert "Eerste ronde (ronde 1)" in page and "Laatste ronde (ronde 2)" in page
    assert "<strong>1,2\u00a0s</strong>" in page  # round 1's median, the only value


def test_handout_tells_an_unmeasured_round_from_one_nobody_took() -> None:
    rows = (
        GroupRound("P1", 1, None, "no_measurement", "no_speech"),
        GroupRound("P2", 1, None, "no_measurement", "name_first"),
        GroupRound("P1", 2, None, SKIPPED, None),
    )
    page = render_group_html(report(rows=rows), "nl")
    assert "Ronde 1: geen meting: 2 beurten niet te meten" in page
    assert "Ronde 2: nog niemand" in page
