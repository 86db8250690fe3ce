"""The debrief export: a stored practice session as Markdown, HTML or CSV text.

Pure: a session in plain values (``ExportSession``, which the store builds from the history)
and the scenario, when it is still available, in; text out. No files, no clock; the command
(``simulator/commands/export_session.py``) reads the history and writes the file.

The feedback is regenerated from the stored rounds with the same coaching functions the app
uses, so the export says what the teacher saw. Rounds saved before the history kept input levels
(schema version 2) have none, so for them the one text that quotes a level (the praise of a
round that was too quiet to measure) is replaced by a version without the number.
"""

from __future__ import annotations

import csv
import dataclasses
import enum
import html
import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from simulator.audio.pattern import Band, Pattern, Phase, PhaseKind, Shape
from simulator.audio.result import (
    Reason,
    RoundMeasurement,
    Verdict,
)
from simulator.coaching.feedback import RoundFeedback, round_feedback
from simulator.coaching.plan import StepKind, failure_code
from simulator.coaching.summary import SessionSummary, summarize
from simulator.coaching.timeline import Timeline
from simulator.i18n import format_band, format_number, format_seconds, has, t
from simulator.scenarios.model import Material, Scenario
from simulator.text import visible


class Format(enum.Enum):
    MARKDOWN = "md"
    HTML = "html"
    CSV = "csv"


CSV_COLUMNS = (
    "session_id",
    "scenario",
    "language",
    "started_at",
    "participant",
    "round",
    "attempt",
    "replaced_by",
    "recorded_at",
    "measured_s",
    "pause_s",
    "target_s",
    "min_s",
    "max_s",
    "verdict",
    "reason",
    "question_end_s",
    "name_start_s",
    "perceived_s",
    "coach_note",
    "marks",
    "reflection",
    "own_line",
    "own_name",
)

BAR_CHARS_PER_S = 4
BAR_MAX_CHARS = 48

MAX_STORED_S = 24 * 3600.0
"""No round is longer than a day: a stored time beyond it (``1e300``) or not a number at all is
a damaged row, read back as unreadable rather than drawn."""


@dataclass(frozen=True, slots=True)
class ExportRound:
    """One round as the exports show it: plain values, built from the history by the store
    (``simulator.store.history.export_session``). Times are as stored and may be out of range
    in a damaged row; the renderers check them (``in_range``) before showing them."""

    round: int
    measurement: RoundMeasurement | None
    """``None`` when the stored round could not be read back (e.g. written by a newer version)."""
    measured_s: float | None
    pause_s: float | None
    verdict: str
    """A ``Verdict`` value, or a newer version's code shown as written."""
    reason: str | None
    question_end_s: float | None
    name_start_s: float | None
    target_s: float
    min_s: float
    max_s: float
    speech_dbfs: float | None = None
    """``None`` for rounds saved before the history kept input levels."""
    perceived_s: float | None = None
    coach_note: str | None = None
    marks: tuple[str, ...] = ()
    reflection: str | None = None
    own_line: str | None = None
    own_name: str | None = None
    replaced: RoundMeasurement | None = None
    """For a redone round, the attempt it replaced, which its feedback compares it with as the
    app did; ``None`` for a round done once and when that attempt could not be read back."""
    attempt: int = 1
    """Which attempt at the round this is: 1 for a round done once, 3 for one redone twice."""
    recorded_at: str | None = None
    """When this attempt was recorded (ISO-8601 in UTC, as the history keeps it)."""
    earlier: tuple[ExportRound, ...] = ()
    """Every attempt at the round that a redo replaced and that could be read, oldest first,
    each with its own ``attempt`` (their notes went with them: only what was measured)."""


@dataclass(frozen=True, slots=True)
class ExportSession:
    """A practice session as the exports show it (see ``ExportRound``)."""

    id: int
    scenario: str
    language: str
    started_at: str
    """ISO-8601 in UTC, as the history keeps it."""
    participant: str | None
    notes: str | None
    rounds: tuple[ExportRound, ...]
    step_kind: StepKind | None = None
    """The kind of action step kept with the session; ``None`` when the history has none (a
    session saved before version 5, or a kind this version does not know)."""


@dataclass(frozen=True, slots=True)
class DebriefRound:
    record: ExportRound
    feedback: RoundFeedback | None
    """``None`` when the round could not be read back."""

    @property
    def measurement(self) -> RoundMeasurement | None:
        return self.record.measurement


@dataclass(frozen=True, slots=True)
class HandoutDetails:
    """What the teacher and coach fill in before exporting: who, when, and the step they agreed.

    Empty or ``None`` fields are left out of the handout; without an agreed step the summary's
    next step is shown."""

    teacher: str | None = None
    coach: str | None = None
    date: str | None = None
    next_step: str | None = None


@dataclass(frozen=True, slots=True)
class Debrief:
    """Everything an export shows, in the export's language."""

    session: ExportSession
    lang: str
    title: str
    action_step: str | None
    date: str
    rounds: tuple[DebriefRound, ...]
    summary: SessionSummary | None
    materials: tuple[Material, ...] = ()
    """The scenario's playbook materials, for the coach to hand on."""
    details: HandoutDetails = HandoutDetails()


def with_details(d: Debrief, details: HandoutDetails) -> Debrief:
    """The debrief with the names, date and agreed step the teacher and coach filled in."""
    return replace(d, details=details)


def in_range(value: float | None) -> bool:
    """A stored time that can be shown: a number from 0 to ``MAX_STORED_S`` (so not nan)."""
    return isinstance(value, int | float) and 0.0 <= value <= MAX_STORED_S


def generic_pattern(shape: Shape, band: Band, lang: str) -> Pattern:
    """A pattern with the catalog's phase names, for a session whose scenario is gone."""

    def phase(kind: PhaseKind, key: str, measured: bool = False) -> Phase:
        return Phase(kind, t(f"export.phase.{key}", lang), band if measured else None)

    phases: tuple[Phase, ...]
    if shape is Shape.SPEECH_PAUSE_SPEECH:
        phases = (
            phase(PhaseKind.SPEECH, "question"),
            phase(PhaseKind.PAUSE, "pause", True),
            phase(PhaseKind.SPEECH, "name"),
        )
    elif shape is Shape.CUE_PAUSE_SPEECH:
        phases = (
            phase(PhaseKind.CUE, "cue"),
            phase(PhaseKind.PAUSE, "wait", True),
            phase(PhaseKind.SPEECH, "response"),
        )
    else:
        phases = (phase(PhaseKind.SPEECH, "turn", True),)
    return Pattern(phases)


def build_debrief(
    session: ExportSession,
    scenario: Scenario | None,
    lang: str,
    started: datetime | None = None,
) -> Debrief:
    """Regenerate the feedback and summary of a stored session.

    ``scenario`` gives the title, action step, phase labels and feedback overrides; it is used
    for labels and overrides only when it is in ``lang`` and measures the same shape; otherwise
    the kind of step kept with the session words the feedback (a compliment stays a compliment).
    ``started`` is the session's start in the reader's time zone (the command converts it).
    A redone round is compared with the attempt it replaced (``ExportRound.replaced``), as the
    round's feedback in the app was.
    """
    rounds: list[DebriefRound] = []
    measurements: list[RoundMeasurement] = []
    pattern: Pattern | None = None
    texts_scenario: Scenario | None = None
    for record in session.rounds:
        m = record.measurement
        if m is None:
            rounds.append(DebriefRound(record, None))
            continue
        if pattern is None or pattern.shape is not m.shape:
            usable = (
                scenario is not None
                and scenario.language == lang
                and scenario.pattern.shape is m.shape
            )
            texts_scenario = scenario if usable else None
            pattern = (
                scenario.pattern if usable and scenario else generic_pattern(m.shape, m.band, lang)
            )
        measurements.append(m)
        fb = round_feedback(
            pattern,
            measurements,
            lang,
            texts_scenario,
            record.replaced,
            stored_kind=session.step_kind,
        )
        if fb.problem is Reason.TOO_QUIET and record.speech_dbfs is None:
            fb = _replace_praise(fb, t("export.too_quiet_praise", lang))
        rounds.append(DebriefRound(record, fb))
    summary = None
    if measurements and pattern is not None:
        summary = summarize(
            pattern, measurements, lang, texts_scenario, stored_kind=session.step_kind
        )
    date = started.strftime("%Y-%m-%d %H:%M") if started is not None else session.started_at
    return Debrief(
        session=session,
        lang=lang,
        title=scenario.title if scenario is not None else session.scenario,
        action_step=scenario.action_step.strip() if scenario is not None else None,
        date=date,
        rounds=tuple(rounds),
        summary=summary,
        materials=scenario.materials if scenario is not None else (),
    )


def _replace_praise(fb: RoundFeedback, praise: str) -> RoundFeedback:
    return dataclasses.replace(fb, praise=praise)


# --- shared wording ----------------------------------------------------------------------------


def _verdict_text(r: ExportRound, lang: str) -> str:
    key = f"verdict.{r.verdict}"
    return t(key, lang) if r.verdict in {v.value for v in Verdict} else r.verdict


def _reason_text(r: ExportRound, lang: str) -> str:
    if r.measurement is not None and r.measurement.span is None:
        return t(f"reason.{failure_code(r.measurement)}", lang)
    if r.reason in {x.value for x in Reason}:
        return t(f"reason.{r.reason}", lang)
    return r.reason or t("verdict.no_measurement", lang)


VERDICT_MARK = "\x00"
"""Stands in for the verdict while the measurement line is worded (never in catalog text)."""


def measurement_parts(r: ExportRound, lang: str) -> tuple[str, str | None, str]:
    """The round's result in words, split around its verdict.

    E.g. ``("Measured 2.1 s: ", "too short", ". Target 3.0 s, band 2.5–4.0 s.")``: the one
    wording of a result for every export (HTML marks the verdict, Markdown makes it bold). The
    verdict is ``None`` when the round has no measurement.
    """
    if not (in_range(r.min_s) and in_range(r.max_s) and in_range(r.target_s)):
        return t("export.unreadable", lang), None, ""
    band = format_band(r.min_s, r.max_s, lang)
    target = format_seconds(r.target_s, lang)
    if r.measured_s is None or not in_range(r.measured_s):
        text = t(
            "handout.not_measured", lang, reason=_reason_text(r, lang), target=target, band=band
        )
        return text, None, ""
    value = format_seconds(r.measured_s, lang)
    line = t("handout.measured", lang, value=value, verdict=VERDICT_MARK, target=target, band=band)
    before, _, after = line.partition(VERDICT_MARK)
    return before, _verdict_text(r, lang), after


def measurement_line(r: ExportRound, lang: str) -> str:
    """E.g. "Measured 2.1 s: too short. Target 3.0 s, band 2.5–4.0 s." """
    before, verdict, after = measurement_parts(r, lang)
    return before + (verdict or "") + after


def shown_next_step(d: Debrief) -> tuple[str, str] | None:
    """``(heading, text)`` of the step the handout leads with: the one the teacher and coach
    agreed, else the summary's."""
    agreed = (d.details.next_step or "").strip()
    if agreed:
        return t("handout.agreed_step", d.lang), agreed
    if d.summary is not None:
        return t("summary.next_heading", d.lang), d.summary.next_step
    return None


def people(d: Debrief) -> list[tuple[str, str]]:
    """``(label, value)`` for the handout's header: teacher, coach, date, scenario."""
    lang = d.lang
    s = d.session
    items: list[tuple[str, str]] = []
    for key, value in (("teacher", d.details.teacher), ("coach", d.details.coach)):
        if value and value.strip():
            items.append((t(f"handout.{key}", lang), value.strip()))
    if s.participant and not (d.details.teacher or "").strip():
        items.append((t("export.participant", lang), s.participant))
    date = (d.details.date or "").strip() or d.date
    items.append((t("export.date", lang), date))
    items.append((t("export.scenario", lang), f"{s.scenario} ({s.language})"))
    return items


def material_lines(d: Debrief) -> list[str]:
    """The playbook materials in words, as the briefing shows them."""
    return [
        t(
            "briefing.material_item",
            d.lang,
            title=m.title,
            kind=t(f"briefing.material_kind_{m.kind}", d.lang)
            if has(f"briefing.material_kind_{m.kind}", d.lang)
            else m.kind,
            reference=m.reference,
        )
        for m in d.materials
    ]


@dataclass(frozen=True, slots=True)
class ChartRow:
    round: int
    measured_s: float | None
    verdict: str
    """A ``Verdict`` value (``no_measurement`` also for unreadable rounds)."""
    text: str
    """The value and verdict in words, or why there is none."""


def chart_rows(d: Debrief) -> tuple[Band, list[ChartRow]] | None:
    """Every round's measured phase against the session's band; ``None`` with nothing measured."""
    if d.summary is None:
        return None
    lang = d.lang
    rows: list[ChartRow] = []
    for dr in d.rounds:
        r = dr.record
        if dr.measurement is None:
            rows.append(
                ChartRow(r.round, None, "no_measurement", t("handout.chart_unreadable", lang))
            )
        elif r.measured_s is None or not in_range(r.measured_s):
            rows.append(ChartRow(r.round, None, "no_measurement", _reason_text(r, lang)))
        else:
            verdict = r.verdict if r.verdict in {v.value for v in Verdict} else "no_measurement"
            value = f"{format_seconds(r.measured_s, lang)} — {_verdict_text(r, lang)}"
            rows.append(ChartRow(r.round, r.measured_s, verdict, value))
    return d.summary.band, rows


def chart_end_s(band: Band, rows: list[ChartRow]) -> float:
    longest = max((r.measured_s for r in rows if r.measured_s is not None), default=0.0)
    return float(math.ceil(max(band.max_s + 1.0, longest + 0.5)))


def perception_text(perceived_s: float, lang: str) -> str:
    """Coach mode, under the heading "Felt": "3.0 s.", next to the measured value in the
    feedback's first sentence and on the timeline. Two words, so the feedback screen stays
    within its word limit; what the difference means is for the coach and teacher to talk over."""
    return t("coach_mode.perceived_line", lang, perceived=format_seconds(perceived_s, lang))


def marks_text(marks: tuple[str, ...], lang: str) -> str:
    """The coach's marks in words ("name came first, narrated the wait")."""
    return ", ".join(
        t(f"coach_mode.mark.{m}", lang) if has(f"coach_mode.mark.{m}", lang) else m for m in marks
    )


def coach_items(r: ExportRound, lang: str) -> list[tuple[str, str]]:
    """``(label, text)`` for what the teacher and a coach added to a round: the teacher's own
    question and name, what they noticed, the felt pause, the coach's note and marks."""
    items: list[tuple[str, str]] = own_items(r, lang)
    if r.reflection and r.reflection.strip():
        items.append((t("reflection.export", lang), r.reflection.strip()))
    if r.perceived_s is not None and in_range(r.perceived_s):
        felt = format_seconds(r.perceived_s, lang)
        value = (
            t("export.perceived_unmeasured", lang, perceived=felt)
            if r.measured_s is None or not in_range(r.measured_s)
            else t(
                "export.perceived_value",
                lang,
                perceived=felt,
                measured=format_seconds(r.measured_s, lang),
            )
        )
        items.append((t("export.perceived", lang), value))
    if r.coach_note and r.coach_note.strip():
        items.append((t("export.coach_note", lang), r.coach_note.strip()))
    if r.marks:
        items.append((t("export.marks", lang), marks_text(r.marks, lang)))
    return items


def own_items(r: ExportRound, lang: str) -> list[tuple[str, str]]:
    """``(label, text)`` for the teacher's own question and student's name, when they typed them."""
    items: list[tuple[str, str]] = []
    if r.own_line and r.own_line.strip():
        items.append((t("own_words.export_line", lang), r.own_line.strip()))
    if r.own_name and r.own_name.strip():
        items.append((t("own_words.export_name", lang), r.own_name.strip()))
    return items


def _bar(duration_s: float, char: str) -> str:
    if duration_s <= 0:
        return ""
    return char * max(1, min(BAR_MAX_CHARS, round(duration_s * BAR_CHARS_PER_S)))


def text_timeline(timeline: Timeline, lang: str) -> str:
    """One line: ``question ████ | thinking pause ░░░░░ 2.1 s [2.5–4.0 s] | name ██``."""
    if not timeline.phases:
        if not timeline.speech_s:
            return t("export.heard_nothing", lang)
        cells: list[str] = []
        last_end = timeline.speech_s[0][0]
        for start, end in timeline.speech_s:
            cells.append(_bar(start - last_end, "░") + _bar(end - start, "█"))
            last_end = end
        return f"{t('export.heard', lang)} {''.join(cells)}"
    parts: list[str] = []
    band = format_band(timeline.band.min_s, timeline.band.max_s, lang)
    for phase in timeline.phases:
        if phase.measured:
            char = "░" if phase.kind is PhaseKind.PAUSE else "█"
            value = format_seconds(phase.duration_s, lang)
            parts.append(f"{phase.label} {_bar(phase.duration_s, char)} {value} [{band}]")
        else:
            bar = _bar(phase.duration_s, "▒" if phase.kind is PhaseKind.CUE else "█")
            parts.append(f"{phase.label} {bar}".rstrip())
    return " | ".join(parts)


# --- Markdown ----------------------------------------------------------------------------------

_MD_SPECIAL = frozenset("\\`*_[]<>#|!~")
"""Backslash-escaped wherever they appear: emphasis, code, links and images (``![``), raw HTML
(``<img>``, ``<iframe>``), headings, tables and strikethrough. (An entity such as ``&lt;img&gt;``
shows as text, never as an element, so ``&`` stays as it is.)"""
_MD_LINE_START = frozenset("-+=.)")
"""Escaped at the start of a line, where they would start a list or underline a heading."""


def md_escape(text: str, *, line_start: bool = True) -> str:
    """Untrusted or worded text (titles, names, notes, feedback) as literal Markdown on one line.

    Line breaks are folded into spaces, so a text can never start a heading or a block of its
    own, and unsafe characters are shown as codes. ``line_start=False`` for text that follows
    other text on its line.
    """
    out = ["\\" + c if c in _MD_SPECIAL else c for c in visible(text)]
    if line_start and out and out[0] in _MD_LINE_START:
        out[0] = "\\" + out[0]
    return "".join(out)


def _md_block(text: str) -> list[str]:
    return [md_escape(line) if line.strip() else "" for line in text.strip().splitlines()]


def _md_fence(text: str) -> str:
    """A code fence longer than any run of backticks in ``text``, so it cannot be closed early."""
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    return "`" * max(3, longest + 1)


def text_rounds_chart(band: Band, rows: list[ChartRow], lang: str) -> str:
    """Every round against the band on one axis, in monospace::

    0   1   2   3   4   5 s
    █████·····░░░░░░····  Round 1  1.2 s — too short
    """
    end_s = chart_end_s(band, rows)
    width = round(end_s * BAR_CHARS_PER_S)
    lo, hi = band.min_s * BAR_CHARS_PER_S, band.max_s * BAR_CHARS_PER_S
    ticks = "".join(f"{format_number(s, lang, 0):<{BAR_CHARS_PER_S}}" for s in range(int(end_s)))
    lines = [f"{ticks}{format_number(end_s, lang, 0)} s"]
    for row in rows:
        bar = round(row.measured_s * BAR_CHARS_PER_S) if row.measured_s is not None else 0
        cells = "".join(
            "█" if i < bar else "░" if lo <= i < hi else "·" for i in range(max(width, bar))
        )
        label = t("export.round", lang, round=row.round)
        lines.append(f"{cells}  {label}  {row.text}")
    band_words = t("feedback.band_label", lang, band=format_band(band.min_s, band.max_s, lang))
    lines.append(f"░ {band_words}")
    return visible("\n".join(lines), multiline=True)


def _md_round(dr: DebriefRound, lang: str, skip_step: str | None) -> list[str]:
    r = dr.record
    out = [f"### {t('export.round', lang, round=r.round)}", ""]
    before, verdict, after = measurement_parts(r, lang)
    shown = f"**{md_escape(verdict)}**" if verdict is not None else ""
    out += [md_escape(before) + shown + md_escape(after, line_start=False), ""]
    coached = coach_items(r, lang)
    if coached:
        out += [f"- **{label}:** {md_escape(text)}" for label, text in coached]
        out.append("")
    if dr.feedback is None:
        return out
    timeline = visible(text_timeline(dr.feedback.timeline, lang))
    fence = _md_fence(timeline)
    out += [f"{fence}text", timeline, fence, ""]
    fb = dr.feedback
    heading = fb.heading or t("feedback.praise_heading", lang)
    out.append(f"- **{heading}:** {md_escape(fb.praise)}")
    if fb.next_step.strip() != skip_step:
        out.append(f"- **{t('feedback.next_heading', lang)}:** {md_escape(fb.next_step)}")
    if fb.level_note:
        out.append(f"- **{t('feedback.level_heading', lang)}:** {md_escape(fb.level_note)}")
    out.append("")
    return out


def render_markdown(d: Debrief) -> str:
    """The handout as Markdown, in the HTML's order: who and what, the summary with every
    round against the band, the rounds, the playbook materials."""
    lang = d.lang
    s = d.session
    out = [f"# {md_escape(t('export.title', lang, title=d.title))}", ""]
    out += [f"- **{label}:** {md_escape(value)}" for label, value in people(d)]
    out.append("")
    if d.action_step:
        out += [f"**{t('export.action_step', lang)}:** {md_escape(d.action_step)}", ""]
    step = shown_next_step(d)
    chart = chart_rows(d)
    if d.summary is not None or step is not None:
        out += [f"## {t('export.summary', lang)}", ""]
        if step is not None:
            out += [f"**{md_escape(step[0])}:** {md_escape(step[1])}", ""]
        if chart is not None:
            text = text_rounds_chart(*chart, lang)
            fence = _md_fence(text)
            out += [f"{fence}text", text, fence, ""]
        if d.summary is not None:
            trend, well = d.summary.trend_text, d.summary.went_well
            out.append(f"- **{t('summary.trend_heading', lang)}:** {md_escape(trend)}")
            if well:
                out.append(f"- **{t('summary.well_heading', lang)}:** {md_escape(well)}")
            out.append("")
    if s.notes and s.notes.strip():
        out += [f"## {t('export.notes', lang)}", ""]
        out += [f"> {line}".rstrip() for line in _md_block(s.notes)]
        out.append("")
    out += [f"## {t('handout.rounds', lang)}", ""]
    if not d.rounds:
        out += [t("export.no_rounds", lang), ""]
    skip = step[1].strip() if step is not None else None
    for dr in d.rounds:
        out += _md_round(dr, lang, skip)
        if dr.feedback is None:
            out += [t("export.unreadable", lang), ""]
    materials = material_lines(d)
    if materials:
        out += [f"## {t('handout.materials', lang)}", ""]
        out += [f"- {md_escape(line)}" for line in materials]
        out.append("")
    out.append(f"*{t('export.footer', lang)}*")
    return "\n".join(out) + "\n"


# --- HTML --------------------------------------------------------------------------------------

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
html { font-size: 15px; }
body { margin: 0; background: #fff; color: #1d1d1f; overflow-wrap: anywhere;
  font: 1rem/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
main { max-width: 50rem; margin: 2rem auto; padding: 0 1.25rem; }
h1 { font-size: 1.5rem; margin: 0 0 .4rem; line-height: 1.2; }
h2 { font-size: 1.1rem; margin: 0 0 .3rem; }
h3 { font-size: 1rem; margin: 0; }
.meta { display: flex; flex-wrap: wrap; gap: .1rem 1.6rem; margin: 0 0 .5rem; }
.meta div { display: flex; gap: .4rem; } .meta dt { font-weight: 600; } .meta dd { margin: 0; }
.action-step { border-left: 4px solid #2f6f4f; padding: .1rem 0 .1rem .7rem; margin: .4rem 0; }
.next-step { font-size: 1.05rem; background: #eef6f0; border: 1px solid #9cc7aa;
  border-radius: 6px; padding: .4rem .7rem; margin: .3rem 0 .4rem; }
.notes { background: #f6f6f2; border: 1px solid #deded6; border-radius: 6px; padding: .4rem .7rem;
  margin: 0 0 .5rem; white-space: pre-wrap; }
section { border-top: 1px solid #d0d0d0; padding: .5rem 0 .3rem;
  break-inside: avoid; page-break-inside: avoid; }
.round-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: .2rem 1rem; }
.measure { margin: 0; }
.verdict { display: inline-block; padding: 0 .4rem; border-radius: 4px; font-weight: 600;
  border: 1px solid currentColor; }
.verdict-on_target { color: #1f6b3d; } .verdict-too_short, .verdict-too_long { color: #8a4b00; }
.verdict-no_measurement { color: #555; }
figure { margin: .2rem 0 .3rem; } figure svg { width: 100%; height: auto; display: block; }
figcaption, .scale-note { font-size: .9rem; color: #444; margin: 0; }
dl.fb { display: grid; grid-template-columns: 1fr 1fr; gap: .1rem 1.2rem; margin: 0; }
dl.fb div { margin: 0; } dl.fb dt { font-weight: 600; } dl.fb dd { margin: 0; }
dl.coach { display: flex; flex-wrap: wrap; gap: 0 1.2rem; margin: 0 0 .2rem; }
dl.coach div { display: flex; gap: .4rem; } dl.coach dt { font-weight: 600; }
dl.coach dd { margin: 0; }
ul.materials { margin: .1rem 0 0; padding-left: 1.2rem; }
footer { color: #555; font-size: .75rem; margin: .6rem 0 2rem; }
svg text { font-family: inherit; font-size: 13px; fill: #1d1d1f; }
svg .band { fill: #cfe8d6; stroke: #2f6f4f; stroke-dasharray: 4 3; }
svg .speech { fill: #3b5b8c; } svg .cue { fill: #9aa7b8; }
svg .pause { fill: #f4d58d; stroke: #8a6d1d; }
svg .bar-on_target { fill: #2f8f57; } svg .bar-too_short, svg .bar-too_long { fill: #d08a2c; }
svg .heard { fill: #8d8d8d; } svg .target { stroke: #2f6f4f; stroke-width: 2; }
svg .axis { stroke: #777; stroke-width: 1; } svg .tick { font-size: 11px; fill: #555; }
svg .none { fill: #555; font-style: italic; }
svg .value { font-weight: 600; paint-order: stroke; stroke: #fff; stroke-width: 3px;
  stroke-linejoin: round; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
@page { size: A4; margin: 10mm 12mm; }
@media print {
  html { font-size: 8.5pt; }
  body { line-height: 1.25; }
  main { max-width: none; margin: 0; padding: 0; }
  footer { margin: .3rem 0 0; }
}
""".strip()

SVG_WIDTH = 800
SVG_LEFT = 12
SVG_RIGHT = 12
CHART_LABEL_W = 90
"""The rounds chart's left column, for "Round 1"."""
CHART_VALUE_W = 200
"""The rounds chart's right column, for "1.3 s — too short": clear of every bar and the band."""


def _e(text: str) -> str:
    """Text as HTML content or attribute value; unsafe characters shown as codes."""
    return html.escape(visible(text, multiline=True), quote=True)


def _num(v: float) -> str:
    return f"{v:.1f}"


def timeline_description(timeline: Timeline, lang: str) -> str:
    """The timeline in words, for screen readers: "question 1.7 s, pause 1.2 s, name 0.4 s"."""
    band = t(
        "feedback.band_label",
        lang,
        band=format_band(timeline.band.min_s, timeline.band.max_s, lang),
    )
    if not timeline.phases:
        return t("feedback.no_timeline", lang)
    phases = ", ".join(f"{p.label} {format_seconds(p.duration_s, lang)}" for p in timeline.phases)
    return f"{phases} ({band})"


def timeline_view(timelines: list[Timeline]) -> tuple[float, float] | None:
    """Whole seconds from before the first sound to after the last (or the band's end) of all
    ``timelines``: one scale for every round of a handout, so rounds can be compared."""
    starts = [p.start_s for tl in timelines for p in tl.phases]
    starts += [a for tl in timelines for a, _ in tl.speech_s]
    ends = [p.end_s for tl in timelines for p in tl.phases]
    ends += [b for tl in timelines for _, b in tl.speech_s]
    ends += [tl.band_end_s for tl in timelines if tl.band_end_s is not None]
    if not starts:
        return None
    view_start = max(0.0, math.floor(min(starts) - 0.5))
    return view_start, max(view_start + 1.0, math.ceil(max(ends) + 0.3))


def _svg_axis(
    x: Callable[[float], float],
    view: tuple[float, float],
    axis_y: float,
    left: float,
    lang: str,
    right: float = SVG_WIDTH - SVG_RIGHT,
) -> list[str]:
    """A seconds axis under a drawing: a line with a tick and number every 1, 2 or 5 s."""
    view_start, view_end = view
    span = view_end - view_start
    items = [
        f'<line class="axis" x1="{_num(left)}" y1="{axis_y}" x2="{_num(right)}" y2="{axis_y}"/>'
    ]
    step = 1 if span <= 12 else 2 if span <= 24 else 5 * math.ceil(span / 60)
    tick = math.ceil(view_start / step) * step
    while tick <= view_end + 1e-9:
        tx = x(tick)
        items.append(
            f'<line class="axis" x1="{_num(tx)}" y1="{axis_y}" x2="{_num(tx)}" y2="{axis_y + 4}"/>'
        )
        items.append(
            f'<text class="tick" x="{_num(tx)}" y="{axis_y + 15}" text-anchor="middle">'
            f"{_e(format_number(tick, lang, 0))}</text>"
        )
        tick += step
    return items


def svg_rounds_chart(band: Band, rows: list[ChartRow], lang: str, caption: str) -> str:
    """Every round's measured phase as a bar from 0 s, all on one axis, over the band; each
    measured round's value and verdict in a column of its own to the right of the axis."""
    view = (0.0, chart_end_s(band, rows))
    left = SVG_LEFT + CHART_LABEL_W
    right = SVG_WIDTH - SVG_RIGHT - CHART_VALUE_W
    inner = right - left

    def x(sec: float) -> float:
        return left + sec / view[1] * inner

    row_h, bar_h, top = 24, 16, 6
    axis_y = top + row_h * len(rows) + 4
    items = [
        f'<rect class="band" x="{_num(x(band.min_s))}" y="{top - 4}" '
        f'width="{_num(x(band.max_s) - x(band.min_s))}" height="{axis_y - top + 4}"/>'
    ]
    for i, row in enumerate(rows):
        y = top + i * row_h
        label = t("export.round", lang, round=row.round)
        items.append(f'<text x="{SVG_LEFT}" y="{y + bar_h - 3}">{_e(label)}</text>')
        if row.measured_s is None:
            # In the value column, not over the axis: a reason written across the shaded range
            # would read as a round inside it. The reason itself is in the round's section.
            items.append(
                f'<text class="none" x="{_num(right + 12)}" y="{y + bar_h - 3}">'
                f"<title>{_e(row.text)}</title>{_e(t('verdict.no_measurement', lang))}</text>"
            )
            continue
        end = x(row.measured_s)
        items.append(
            f'<rect class="bar-{row.verdict}" x="{_num(left)}" y="{y}" '
            f'width="{_num(max(end - left, 1.0))}" height="{bar_h}"/>'
        )
        items.append(
            f'<text class="value" x="{_num(right + 12)}" y="{y + bar_h - 3}">{_e(row.text)}</text>'
        )
    tx = x(band.target_s)
    items.append(
        f'<line class="target" x1="{_num(tx)}" y1="{top - 4}" x2="{_num(tx)}" y2="{axis_y}"/>'
    )
    items += _svg_axis(x, view, axis_y, left, lang, right)
    return (
        f'<svg class="chart" viewBox="0 0 {SVG_WIDTH} {axis_y + 18}" role="img" '
        f'aria-label="{_e(caption)}"><title>{_e(caption)}</title>' + "".join(items) + "</svg>"
    )


def svg_timeline(
    timeline: Timeline, lang: str, caption: str, view: tuple[float, float] | None = None
) -> str:
    """The round as an inline SVG: phases in seconds, the target band shaded behind the pause.

    ``view`` is the stretch of seconds drawn (see `timeline_view`); by default the round's own.
    """
    view = view or timeline_view([timeline])
    if view is None:
        return ""
    view_start, view_end = view
    span = view_end - view_start
    inner = SVG_WIDTH - SVG_LEFT - SVG_RIGHT

    def x(sec: float) -> float:
        return SVG_LEFT + (sec - view_start) / span * inner

    bar_y, bar_h = 30, 16
    axis_y = bar_y + bar_h + 6
    height = axis_y + 17
    items: list[str] = []
    band_label = t(
        "feedback.band_label",
        lang,
        band=format_band(timeline.band.min_s, timeline.band.max_s, lang),
    )
    if timeline.band_start_s is not None and timeline.band_end_s is not None:
        bx0, bx1 = x(timeline.band_start_s), x(timeline.band_end_s)
        items.append(
            f'<rect class="band" x="{_num(bx0)}" y="{bar_y - 6}" width="{_num(bx1 - bx0)}" '
            f'height="{bar_h + 12}"><title>{_e(band_label)}</title></rect>'
        )
    if timeline.phases:
        for p in timeline.phases:
            cls = {PhaseKind.SPEECH: "speech", PhaseKind.PAUSE: "pause", PhaseKind.CUE: "cue"}[
                p.kind
            ]
            x0, x1 = x(p.start_s), x(max(p.end_s, p.start_s))
            w = max(x1 - x0, 1.0)
            value = format_seconds(p.duration_s, lang)
            items.append(
                f'<rect class="{cls}" x="{_num(x0)}" y="{bar_y}" width="{_num(w)}" '
                f'height="{bar_h}"><title>{_e(f"{p.label}: {value}")}</title></rect>'
            )
            label = f"{p.label} {value}" if p.measured else p.label
            # The measured phase's label sits on its own row, so neighbours never overlap it.
            row_y, weight = (bar_y - 18, ' font-weight="600"') if p.measured else (bar_y - 5, "")
            items.append(
                f'<text x="{_num(x0 + w / 2)}" y="{row_y}" text-anchor="middle"{weight}>'
                f"{_e(label)}</text>"
            )
    else:
        for a, b in timeline.speech_s:
            items.append(
                f'<rect class="heard" x="{_num(x(a))}" y="{bar_y}" '
                f'width="{_num(max(x(b) - x(a), 1.0))}" height="{bar_h}"/>'
            )
    if timeline.target_s is not None:
        tx = x(timeline.target_s)
        items.append(
            f'<line class="target" x1="{_num(tx)}" y1="{bar_y - 6}" x2="{_num(tx)}" '
            f'y2="{bar_y + bar_h + 6}"/>'
        )
    items += _svg_axis(x, view, axis_y, SVG_LEFT, lang)
    return (
        f'<svg viewBox="0 0 {SVG_WIDTH} {height}" '
        f'role="img" aria-label="{_e(caption)}">'
        f"<title>{_e(caption)}</title>" + "".join(items) + "</svg>"
    )


def _html_dl(items: list[tuple[str, str]], cls: str) -> list[str]:
    out = [f'<dl class="{cls}">']
    out += [f"<div><dt>{_e(label)}</dt><dd>{_e(text)}</dd></div>" for label, text in items if text]
    return [*out, "</dl>"]


def _html_summary(d: Debrief) -> list[str]:
    lang = d.lang
    step = shown_next_step(d)
    chart = chart_rows(d)
    if d.summary is None and step is None:
        return []
    body = ['<section class="summary" id="summary">', f"<h2>{_e(t('export.summary', lang))}</h2>"]
    if step is not None:
        body.append(f'<p class="next-step"><strong>{_e(step[0])}:</strong> {_e(step[1])}</p>')
    if chart is not None:
        band, rows = chart
        caption = t(
            "handout.chart_caption",
            lang,
            band=format_band(band.min_s, band.max_s, lang),
            target=format_seconds(band.target_s, lang),
        )
        svg = svg_rounds_chart(band, rows, lang, caption)
        body.append(f"<figure>{svg}<figcaption>{_e(caption)}</figcaption></figure>")
    if d.summary is not None:
        body += _html_dl(
            [
                (t("summary.trend_heading", lang), d.summary.trend_text),
                (t("summary.well_heading", lang), d.summary.went_well),
            ],
            "fb",
        )
    return [*body, "</section>"]


def _html_round(
    dr: DebriefRound, lang: str, view: tuple[float, float] | None, skip_step: str | None
) -> list[str]:
    r = dr.record
    body = [f'<section class="round" id="round-{r.round}">', '<div class="round-head">']
    body.append(f"<h3>{_e(t('export.round', lang, round=r.round))}</h3>")
    before, verdict, after = measurement_parts(r, lang)
    if verdict is not None:
        code = r.verdict if r.verdict in {v.value for v in Verdict} else "no_measurement"
        verdict_html = f'<span class="verdict verdict-{code}">{_e(verdict)}</span>'
    else:
        verdict_html = ""
    body += [f'<p class="measure">{_e(before)}{verdict_html}{_e(after)}</p>', "</div>"]
    coached = coach_items(r, lang)
    if coached:
        body += _html_dl(coached, "coach")
    if dr.feedback is None:
        return [*body, f"<p>{_e(t('export.unreadable', lang))}</p>", "</section>"]
    fb = dr.feedback
    caption = timeline_description(fb.timeline, lang)
    svg = svg_timeline(fb.timeline, lang, caption, view)
    if svg:
        body.append(f"<figure>{svg}</figure>")
    else:
        body.append(f"<p>{_e(t('feedback.no_timeline', lang))}</p>")
    items = [(fb.heading or t("feedback.praise_heading", lang), fb.praise)]
    if fb.next_step.strip() != skip_step:
        items.append((t("feedback.next_heading", lang), fb.next_step))
    if fb.level_note:
        items.append((t("feedback.level_heading", lang), fb.level_note))
    return [*body, *_html_dl(items, "fb"), "</section>"]


def render_html(d: Debrief) -> str:
    """The handout: one A4 page for a three-round session.

    First who and what (teacher, coach, date, the action step), then the summary: the step
    the teacher and coach agreed and every round's measurement against the band on one axis.
    Then the rounds, their timelines all on one scale, and the scenario's playbook materials.
    """
    lang = d.lang
    s = d.session
    title = t("export.title", lang, title=d.title)
    body: list[str] = ["<main>", "<header>", f"<h1>{_e(title)}</h1>"]
    body += _html_dl(people(d), "meta")
    if d.action_step:
        body.append(
            f'<p class="action-step"><strong>{_e(t("export.action_step", lang))}:</strong> '
            f"{_e(d.action_step)}</p>"
        )
    body.append("</header>")
    body += _html_summary(d)
    if s.notes and s.notes.strip():
        body.append(f'<div class="notes"><strong>{_e(t("export.notes", lang))}:</strong> ')
        body[-1] += f"{_e(s.notes.strip())}</div>"
    if not d.rounds:
        body.append(f"<p>{_e(t('export.no_rounds', lang))}</p>")
    timelines = [dr.feedback.timeline for dr in d.rounds if dr.feedback is not None]
    view = timeline_view(timelines)
    if view is not None:
        body.append(f'<p class="scale-note">{_e(t("handout.timelines_note", lang))}</p>')
    step = shown_next_step(d)
    skip = step[1].strip() if step is not None else None
    for dr in d.rounds:
        body += _html_round(dr, lang, view, skip)
    materials = material_lines(d)
    if materials:
        body.append('<section class="materials" id="materials">')
        body.append(f"<h2>{_e(t('handout.materials', lang))}</h2>")
        body.append('<ul class="materials">')
        body += [f"<li>{_e(line)}</li>" for line in materials]
        body += ["</ul>", "</section>"]
    body += [f"<footer>{_e(t('export.footer', lang))}</footer>", "</main>"]
    return html_page(lang, title, _CSS, body)


def html_page(lang: str, title: str, css: str, body: list[str]) -> str:
    """A whole HTML document around ``body`` (lines of markup made safe already)."""
    head = (
        "<!DOCTYPE html>\n"
        f'<html lang="{_e(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>\n{css}\n</style>\n</head>\n<body>\n"
    )
    return head + "\n".join(body) + "\n</body>\n</html>\n"


# --- CSV ---------------------------------------------------------------------------------------


FORMULA_START = frozenset("=+-@\t\r")
"""A spreadsheet reads a cell starting with one of these as a formula (``=HYPERLINK(…)``)."""


def csv_text(text: str) -> str:
    """Text for a CSV cell that a spreadsheet shows as text: a leading ``'`` before anything that
    would start a formula, and unsafe characters as codes."""
    if text and text[0] in FORMULA_START:
        text = "'" + text
    return visible(text, multiline=True)


def _cell(v: float | int | str | None) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, int):
        return str(v)
    return csv_text(v)


def csv_rows(session: ExportSession) -> list[tuple[ExportRound, int | None]]:
    """Each attempt at each round, in order: per round the attempts a redo replaced (oldest
    first, each with the number of the attempt that replaced it: the next one), then the one
    that counts."""
    rows: list[tuple[ExportRound, int | None]] = []
    for r in session.rounds:
        rows += [(a, a.attempt + 1) for a in r.earlier]
        rows.append((r, None))
    return rows


def render_csv(session: ExportSession) -> str:
    """One row per attempt: a round done once has one, a redone round one more for each attempt
    a redo replaced (``replaced_by`` names the attempt that replaced it; the row with it empty
    is the one that counts). Numbers with a decimal point, codes for verdict and reason."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_COLUMNS)
    for r, replaced_by in csv_rows(session):
        writer.writerow(
            [
                _cell(v)
                for v in (
                    session.id,
                    session.scenario,
                    session.language,
                    session.started_at,
                    session.participant,
                    r.round,
                    r.attempt,
                    replaced_by,
                    r.recorded_at,
                    r.measured_s,
                    r.pause_s,
                    r.target_s,
                    r.min_s,
                    r.max_s,
                    r.verdict,
                    r.reason,
                    r.question_end_s,
                    r.name_start_s,
                    r.perceived_s,
                    r.coach_note,
                    ";".join(r.marks) or None,
                    r.reflection,
                    r.own_line,
                    r.own_name,
                )
            ]
        )
    return buf.getvalue()


def render(fmt: Format, debrief: Debrief) -> str:
    if fmt is Format.MARKDOWN:
        return render_markdown(debrief)
    if fmt is Format.HTML:
        return render_html(debrief)
    return render_csv(debrief.session)
