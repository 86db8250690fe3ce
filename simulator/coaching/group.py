"""Masterclass group data: participants' rounds made anonymous, per-round statistics, and the
histogram the group view draws.

Pure: plain values in, plain values out (no Textual, no files). Participants are known to the
group view and the CSV only by a code in entry order (``P1``, ``P2``, …).
"""

from __future__ import annotations

import statistics
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from simulator.audio.pattern import Band
from simulator.audio.result import RoundMeasurement
from simulator.i18n import t

SKIPPED = "skipped"
"""The verdict of a round a participant did not take because the trainer skipped them."""
EIGHTHS = " ▁▂▃▄▅▆▇█"


def participant_code(index: int) -> str:
    """``P1`` for the first participant entered (``index`` 0), ``P2`` for the second, …"""
    return f"P{index + 1}"


def name_problem(name: str, existing: Sequence[str]) -> str | None:
    """Why ``name`` cannot be added: ``"empty"``, ``"duplicate"`` (case and spaces ignored),
    or ``None`` when it can."""
    cleaned = " ".join(name.split())
    if not cleaned:
        return "empty"
    if cleaned.casefold() in {" ".join(e.split()).casefold() for e in existing}:
        return "duplicate"
    return None


@dataclass(frozen=True, slots=True)
class GroupRound:
    """One participant-round, anonymous."""

    code: str
    round: int
    measured_s: float | None
    verdict: str
    reason: str | None


def group_rounds(
    results: Mapping[int, Sequence[RoundMeasurement]],
    *,
    skipped: Collection[int] = (),
    rounds: int = 0,
) -> tuple[GroupRound, ...]:
    """Every round by participant (index in entry order), then round number: the measured ones,
    and for a skipped participant each round up to ``rounds`` they did not take (``SKIPPED``)."""
    rows = []
    for index in sorted(set(results) | set(skipped)):
        taken = results.get(index, ())
        for number, m in enumerate(taken, start=1):
            rows.append(
                GroupRound(
                    participant_code(index),
                    number,
                    m.measured_s,
                    m.verdict.value,
                    m.reason.value if m.reason is not None else None,
                )
            )
        if index in skipped:
            for number in range(len(taken) + 1, rounds + 1):
                rows.append(GroupRound(participant_code(index), number, None, SKIPPED, None))
    return tuple(rows)


@dataclass(frozen=True, slots=True)
class Participation:
    """Whom the group's rows are about: every participant whose turn came, the one skipped
    before taking any round too (a trainer counts who was there), and how many of those took
    no round. The group view and the handout both count with this."""

    people: int
    without_rounds: tuple[str, ...]
    """The codes of participants who took no round (all their rounds skipped)."""

    @classmethod
    def of(cls, rows: Sequence[GroupRound]) -> Participation:
        took: dict[str, bool] = {}
        for r in rows:
            took[r.code] = took.get(r.code, False) or r.verdict != SKIPPED
        return cls(len(took), tuple(code for code, any_round in took.items() if not any_round))

    def note(self, lang: str) -> str:
        """`` (1 without rounds)`` after the count, or nothing when everyone took a round."""
        count = len(self.without_rounds)
        return t("masterclass.no_rounds.note", lang, count=count) if count else ""


@dataclass(frozen=True, slots=True)
class RoundStats:
    """The group's values for one round number."""

    round: int
    taken: int
    """Participant-rounds taken (measured or not)."""
    values_s: tuple[float, ...]
    """The measured values, sorted."""
    on_target: int
    median_s: float | None
    low_s: float | None
    """The lowest and highest measured value (the spread)."""
    high_s: float | None

    @property
    def measured(self) -> int:
        return len(self.values_s)

    @property
    def on_target_share(self) -> float | None:
        """On-target rounds among the rounds taken; ``None`` when none were taken."""
        return self.on_target / self.taken if self.taken else None


def round_stats(round_number: int, values_s: Sequence[float | None], band: Band) -> RoundStats:
    """Median, spread and share on target of one round's values (``None`` = not measured)."""
    measured = tuple(sorted(v for v in values_s if v is not None))
    on_target = sum(1 for v in measured if band.min_s <= v <= band.max_s)
    return RoundStats(
        round=round_number,
        taken=len(values_s),
        values_s=measured,
        on_target=on_target,
        median_s=statistics.median(measured) if measured else None,
        low_s=measured[0] if measured else None,
        high_s=measured[-1] if measured else None,
    )


def unmeasured_text(stats: RoundStats, lang: str) -> str:
    """What a round without a measured value says: nobody has taken it yet, or its turns were
    taken but none could be measured (which is not the same as "not done yet")."""
    if stats.taken == 0:
        return t("masterclass.lane_empty.nobody", lang)
    if stats.taken == 1:
        return t("masterclass.lane_empty.unmeasured_one", lang)
    return t("masterclass.lane_empty.unmeasured", lang, count=stats.taken)


def unmeasured_lines(stats: RoundStats, lang: str) -> tuple[str, ...]:
    """`unmeasured_text` in lines short enough for the group chart's label column."""
    if stats.taken == 0:
        return (t("masterclass.lane_empty.nobody", lang),)
    return (
        t("masterclass.lane_empty.chart_head", lang),
        t("masterclass.lane_empty.chart_count", lang, count=stats.taken),
    )


def stats_per_round(rows: Sequence[GroupRound], rounds: int, band: Band) -> tuple[RoundStats, ...]:
    """One ``RoundStats`` for each round number 1…``rounds``."""
    return tuple(
        round_stats(n, [r.measured_s for r in rows if r.round == n and r.verdict != SKIPPED], band)
        for n in range(1, rounds + 1)
    )


def strip_scale_s(rows: Sequence[GroupRound], band: Band) -> float:
    """The right end of the strips: twice the band's maximum, or further for a longer value."""
    longest = max((r.measured_s for r in rows if r.measured_s is not None), default=0.0)
    return max(2.0 * band.max_s, longest * 1.05, 1.0)


def histogram(values_s: Sequence[float], scale_s: float, bins: int) -> tuple[int, ...]:
    """How many values fall in each of ``bins`` equal slices of 0…``scale_s`` (values beyond
    the scale count in the last slice)."""
    counts = [0] * bins
    for v in values_s:
        counts[min(bins - 1, max(0, int(v / scale_s * bins)))] += 1
    return tuple(counts)


def bar_cells(count: int, tallest: int, height: int) -> tuple[str, ...]:
    """A column of ``height`` cells, bottom first, for ``count`` values: one full cell per value
    while the tallest column fits, otherwise scaled (in eighths) so that it just fits."""
    if count <= 0 or height <= 0:
        return (" ",) * max(height, 0)
    eighths = count * 8 if tallest <= height else max(1, round(count * height * 8 / tallest))
    cells = []
    for _ in range(height):
        cells.append(EIGHTHS[min(8, eighths)])
        eighths = max(0, eighths - 8)
    return tuple(cells)
