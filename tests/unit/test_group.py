"""Masterclass group data: per-round statistics, anonymous codes, CSV (pure)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from simulator.audio.pattern import Band
from simulator.coaching.group import (
    SKIPPED,
    GroupRound,
    Participation,
    bar_cells,
    group_rounds,
    histogram,
    name_problem,
    participant_code,
    round_stats,
    stats_per_round,
    strip_scale_s,
    unmeasured_text,
)
from tests.unit.test_history import sps

BAND = Band(target_s=3.0, min_s=2.5, max_s=4.0)


def test_round_stats_median_spread_and_share_on_target() -> None:
    s = round_stats(1, [1.0, 3.0, None, 2.6, 5.0], BAND)
    assert s.taken == 5 and s.measured == 4
    assert s.values_s == (1.0, 2.6, 3.0, 5.0)
    assert s.median_s == pytest.approx(2.8)
    assert (s.low_s, s.high_s) == (1.0, 5.0)
    assert s.on_target == 2  # 2.6 and 3.0; the band edges count as on target
    assert s.on_target_share == pytest.approx(0.4)
    assert round_stats(2, [2.5, 4.0], BAND).on_target == 2


def test_round_stats_without_values() -> None:
    s = round_stats(3, [None], BAND)
    assert s.median_s is None and s.low_s is None and s.on_target == 0
    assert s.on_target_share == 0.0
    assert round_stats(3, [], BAND).on_target_share is None


def test_a_round_taken_but_not_measured_says_so_not_that_nobody_took_it() -> None:
    unmeasured = round_stats(2, [None, None, None], BAND)
    assert unmeasured_text(unmeasured, "nl") == "geen meting: 3 beurten niet te meten"
    assert unmeasured_text(unmeasured, "en") == "no measurement: 3 turns could not be measured"
    assert unmeasured_text(round_stats(2, [None], BAND), "en") == (
        "no measurement: 1 turn could not be measured"
    )
    assert unmeasured_text(round_stats(3, [], BAND), "nl") == "nog niemand"
    assert unmeasured_text(round_stats(3, [], BAND), "en") == "nobody yet"


def test_stats_per_round_groups_by_round_number() -> None:
    rows = [
        GroupRound("P1", 1, 1.0, "too_short", None),
        GroupRound("P1", 2, 3.0, "on_target", None),
        GroupRound("P2", 1, 2.0, "too_short", None),
        GroupRound("P2", 2, None, "no_measurement", "name_first"),
    ]
    first, second, third = stats_per_round(rows, 3, BAND)
    assert first.values_s == (1.0, 2.0) and first.median_s == pytest.approx(1.5)
    assert second.values_s == (3.0,) and second.taken == 2 and second.on_target == 1
    assert third.taken == 0


def test_codes_and_names() -> None:
    assert [participant_code(i) for i in range(3)] == ["P1", "P2", "P3"]
    assert name_problem("  ", ["A"]) == "empty"
    assert name_problem("jantien ", ["Jantien"]) == "duplicate"
    assert name_problem("Jan  Tien", ["jan tien"]) == "duplicate"
    assert name_problem("JV", ["Jantien"]) is None


def test_histogram_slices_and_scale() -> None:
    assert histogram([0.1, 0.2, 2.9, 2.95, 6.0], 8.0, 32) == tuple(
        {0: 2, 11: 2, 24: 1}.get(i, 0) for i in range(32)
    )
    assert histogram([20.0], 8.0, 4) == (0, 0, 0, 1)  # beyond the scale: the last slice
    assert strip_scale_s([GroupRound("P1", 1, 9.0, "too_long", None)], BAND) == pytest.approx(9.45)
    assert strip_scale_s([], BAND) == 8.0


def test_bar_cells_one_block_per_value_until_it_must_scale() -> None:
    assert bar_cells(2, 3, 4) == ("█", "█", " ", " ")
    assert bar_cells(0, 3, 2) == (" ", " ")
    # 16 values in 4 rows: the tallest just fits, a smaller one in proportion (eighths)
    assert bar_cells(16, 16, 4) == ("█", "█", "█", "█")
    assert bar_cells(3, 16, 4) == ("▆", " ", " ", " ")
    assert bar_cells(1, 100, 2) == ("▁", " ")  # never drawn as nothing


def test_group_rounds_names_each_round_a_skipped_participant_did_not_take() -> None:
    rows = group_rounds({0: [sps(3.0)], 1: [sps(1.0)] * 3}, skipped={0, 2}, rounds=3)
    assert [(r.code, r.round, r.verdict) for r in rows] == [
        ("P1", 1, "on_target"),
        ("P1", 2, SKIPPED),
        ("P1", 3, SKIPPED),
        ("P2", 1, "too_short"),
        ("P2", 2, "too_short"),
        ("P2", 3, "too_short"),
        ("P3", 1, SKIPPED),
        ("P3", 2, SKIPPED),
        ("P3", 3, SKIPPED),
    ]
    first, second, _ = stats_per_round(rows, 3, BAND)
    assert first.taken == 2 and first.on_target == 1  # skipped rounds were not taken
    assert second.taken == 1


def test_a_participant_skipped_before_any_round_is_counted_as_without_rounds() -> None:
    rows = group_rounds({0: [sps(3.0)], 1: [sps(1.0)] * 3}, skipped={0, 2}, rounds=3)
    took = Participation.of(rows)
    assert took.people == 3 and took.without_rounds == ("P3",)  # P1 took one of three
    assert took.note("en") == " (1 without rounds)"
    assert Participation.of(rows[:6]).note("nl") == ""


def test_group_core_loads_no_ui_or_audio_hardware() -> None:
    code = (
        "import sys, simulator.coaching.group; "
        "print('textual' in sys.modules, 'sounddevice' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
