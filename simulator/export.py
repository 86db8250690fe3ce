"""The debrief export: a stored practice session as Markdown, HTML or CSV text.

Pure: a stored session (and the scenario, when it is still available) in, text out. No files, no
clock; the command (``simulator/commands/export.py``) reads the history and writes the file.

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
from dataclasses import dataclass
from datetime import datetime

from simulator.audio.pattern import Band, Pattern, Phase, PhaseKind, Shape
from simulator.audio.result import (
    ANALYSIS_RATE_HZ,
    Levels,
    LevelWarning,
    Reason,
    RoundMeasurement,
    Segment,
    Verdict,
)
from simulator.coaching.feedback import RoundFeedback, round_feedback
from simulator.coaching.summary import SessionSummary, summarize
from simulator.coaching.timeline import Timeline
from simulator.history import StoredRound, StoredSession
from simulator.i18n import format_band, format_number, format_seconds, has, t
from simulator.scenarios.model import Scenario
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
)

UNKNOWN_LEVELS = Levels(
    peak_dbfs=math.nan, speech_dbfs=None, noise_floor_dbfs=math.nan, clipped_fraction=0.0
)
"""For rounds saved before the history kept levels; see the module docstring."""

FEEL_TOLERANCE_S = 0.3
"""A felt pause this close to the measured one counts as a good sense of the pause."""

BAR_CHARS_PER_S = 4
BAR_MAX_CHARS = 48

MAX_STORED_S = 24 * 3600.0
"""No round is longer than a day: a stored time beyond it (``1e300``) or not a number at all is
a damaged row, read back as unreadable rather than drawn."""


@dataclass(frozen=True, slots=True)
class DebriefRound:
    stored: StoredRound
    measurement: RoundMeasurement | None
    """``None`` when the stored round could not be read back (e.g. written by a newer version)."""
    feedback: RoundFeedback | None


@dataclass(frozen=True, slots=True)
class Debrief:
    """Everything an export shows, in the export's language."""

    session: StoredSession
    lang: str
    title: str
    action_step: str | None
    date: str
    rounds: tuple[DebriefRound, ...]
    summary: SessionSummary | None


# --- from stored rounds back to measurements ---------------------------------------------------


def _samples(seconds: float) -> int:
    return round(seconds * ANALYSIS_RATE_HZ)


def measurement_from_stored(r: StoredRound) -> RoundMeasurement:
    """Rebuild the round's measurement from the stored columns.

    Raises ``ValueError`` for values this version does not know (a newer shape or reason) and
    for times that are not a number or out of range (see ``MAX_STORED_S``).
    """
    _check_times(r)
    span: tuple[int, int] | None = None
    if r.span_start_s is not None and r.span_end_s is not None:
        span = (_samples(r.span_start_s), _samples(r.span_end_s))
    reason = None if r.reason is None else Reason(r.reason)
    if span is None and reason is None:
        reason = Reason.NO_SPEECH
    return RoundMeasurement(
        shape=Shape(r.shape),
        band=Band(r.target_s, r.min_s, r.max_s),
        segments=tuple(Segment(_samples(a), _samples(b)) for a, b in r.segments_s),
        span=span,
        reason=reason,
        levels=UNKNOWN_LEVELS
        if r.peak_dbfs is None
        else Levels(
            peak_dbfs=r.peak_dbfs,
            speech_dbfs=r.speech_dbfs,
            noise_floor_dbfs=r.noise_floor_dbfs if r.noise_floor_dbfs is not None else math.nan,
            clipped_fraction=r.clipped_fraction or 0.0,
        ),
        warnings=tuple(LevelWarning(w) for w in r.warnings),
        duration_samples=_samples(r.audio_s),
    )


def _check_times(r: StoredRound) -> None:
    times = [r.target_s, r.min_s, r.max_s, r.audio_s, *(v for pair in r.segments_s for v in pair)]
    optional = (r.pause_s, r.measured_s, r.question_end_s, r.name_start_s, r.perceived_s)
    times += [v for v in (r.span_start_s, r.span_end_s, *optional) if v is not None]
    for value in times:
        if not in_range(value):
            raise ValueError(f"stored time out of range: {value!r}")


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
    session: StoredSession,
    scenario: Scenario | None,
    lang: str,
    started: datetime | None = None,
) -> Debrief:
    """Regenerate the feedback and summary of a stored session.

    ``scenario`` gives the title, action step, phase labels and feedback overrides; it is used
    for labels and overrides only when it is in ``lang`` and measures the same shape.
    ``started`` is the session's start in the reader's time zone (the command converts it).
    """
    rounds: list[DebriefRound] = []
    measurements: list[RoundMeasurement] = []
    pattern: Pattern | None = None
    texts_scenario: Scenario | None = None
    for stored in session.rounds:
        try:
            m = measurement_from_stored(stored)
        except ValueError:
            rounds.append(DebriefRound(stored, None, None))
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
        fb = round_feedback(pattern, measurements, lang, texts_scenario)
        if fb.problem is Reason.TOO_QUIET and stored.speech_dbfs is None:
            fb = _replace_praise(fb, t("export.too_quiet_praise", lang))
        rounds.append(DebriefRound(stored, m, fb))
    summary = None
    if measurements and pattern is not None:
        summary = summarize(pattern, measurements, lang, texts_scenario)
    date = started.strftime("%Y-%m-%d %H:%M") if started is not None else session.started_at
    return Debrief(
        session=session,
        lang=lang,
        title=scenario.title if scenario is not None else session.scenario,
        action_step=scenario.action_step.strip() if scenario is not None else None,
        date=date,
        rounds=tuple(rounds),
        summary=summary,
    )


def _replace_praise(fb: RoundFeedback, praise: str) -> RoundFeedback:
    return dataclasses.replace(fb, praise=praise)


# --- shared wording ----------------------------------------------------------------------------


def _verdict_text(r: StoredRound, lang: str) -> str:
    key = f"verdict.{r.verdict}"
    return t(key, lang) if r.verdict in {v.value for v in Verdict} else r.verdict


def _reason_text(r: StoredRound, lang: str) -> str:
    if r.reason in {x.value for x in Reason}:
        return t(f"reason.{r.reason}", lang)
    return r.reason or t("verdict.no_measurement", lang)


def measurement_line(r: StoredRound, lang: str) -> str:
    """E.g. "Measured 2.1 s · target 3.0 s, range 2.5–4.0 s" (without the verdict)."""
    if not (in_range(r.min_s) and in_range(r.max_s) and in_range(r.target_s)):
        return t("export.unreadable", lang)
    band = format_band(r.min_s, r.max_s, lang)
    target = format_seconds(r.target_s, lang)
    if r.measured_s is None or not in_range(r.measured_s):
        return t(
            "export.no_measurement", lang, reason=_reason_text(r, lang), target=target, band=band
        )
    value = format_seconds(r.measured_s, lang)
    return t("export.measured", lang, value=value, target=target, band=band)


def perception_text(
    perceived_s: float, measured_s: float | None, lang: str, *, timed_turn: bool = False
) -> str:
    """Coach mode: "You felt 3.0 s; it was 1.6 s." and what that difference means (for a
    timed turn, about its length rather than a silence)."""
    felt = format_seconds(perceived_s, lang)
    if measured_s is None:
        return t("coach_mode.perceived_unmeasured", lang, perceived=felt)
    line = t(
        "coach_mode.perceived_line",
        lang,
        perceived=felt,
        measured=format_seconds(measured_s, lang),
    )
    difference_s = perceived_s - measured_s
    if abs(difference_s) <= FEEL_TOLERANCE_S:
        key = "right"
    else:
        key = "longer" if difference_s > 0 else "shorter"
    if timed_turn:
        return f"{line} {t(f'coach.felt.turn_{key}', lang)}"
    return f"{line} {t(f'coach_mode.felt_{key}', lang)}"


def marks_text(marks: tuple[str, ...], lang: str) -> str:
    """The coach's marks in words ("name came first, narrated the wait")."""
    return ", ".join(
        t(f"coach_mode.mark.{m}", lang) if has(f"coach_mode.mark.{m}", lang) else m for m in marks
    )


def coach_items(r: StoredRound, lang: str) -> list[tuple[str, str]]:
    """``(label, text)`` for what a coach added to a round: felt pause, note, marks."""
    items: list[tuple[str, str]] = []
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


def md_escape(text: str) -> str:
    """Untrusted or worded text (titles, names, notes, feedback) as literal Markdown on one line.

    Line breaks are folded into spaces, so a text can never start a heading or a block of its
    own, and unsafe characters are shown as codes.
    """
    out = ["\\" + c if c in _MD_SPECIAL else c for c in visible(text)]
    if out and out[0] in _MD_LINE_START:
        out[0] = "\\" + out[0]
    return "".join(out)


def _md_block(text: str) -> list[str]:
    return [md_escape(line) if line.strip() else "" for line in text.strip().splitlines()]


def _md_fence(text: str) -> str:
    """A code fence longer than any run of backticks in ``text``, so it cannot be closed early."""
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    return "`" * max(3, longest + 1)


def render_markdown(d: Debrief) -> str:
    lang = d.lang
    s = d.session
    out = [f"# {md_escape(t('export.title', lang, title=d.title))}", ""]
    if d.action_step:
        out += [f"**{t('export.action_step', lang)}:** {md_escape(d.action_step)}", ""]
    out.append(f"- **{t('export.date', lang)}:** {md_escape(d.date)}")
    out.append(
        f"- **{t('export.scenario', lang)}:** {md_escape(s.scenario)} ({md_escape(s.language)})"
    )
    if s.participant:
        out.append(f"- **{t('export.participant', lang)}:** {md_escape(s.participant)}")
    out.append("")
    if s.notes and s.notes.strip():
        out += [f"## {t('export.notes', lang)}", ""]
        out += [f"> {line}".rstrip() for line in _md_block(s.notes)]
        out.append("")
    if not d.rounds:
        out += [t("export.no_rounds", lang), ""]
    for dr in d.rounds:
        r = dr.stored
        out += [f"## {t('export.round', lang, round=r.round)}", ""]
        verdict = "" if r.measured_s is None else f" — **{md_escape(_verdict_text(r, lang))}**"
        out += [md_escape(measurement_line(r, lang)) + verdict, ""]
        coached = coach_items(r, lang)
        if coached:
            out += [f"- **{label}:** {md_escape(text)}" for label, text in coached]
            out.append("")
        if dr.feedback is None:
            out += [t("export.unreadable", lang), ""]
            continue
        timeline = visible(text_timeline(dr.feedback.timeline, lang))
        fence = _md_fence(timeline)
        out += [f"{fence}text", timeline, fence, ""]
        fb = dr.feedback
        heading = fb.heading or t("feedback.praise_heading", lang)
        out.append(f"- **{heading}:** {md_escape(fb.praise)}")
        out.append(f"- **{t('feedback.next_heading', lang)}:** {md_escape(fb.next_step)}")
        if fb.level_note:
            out.append(f"- **{t('feedback.level_heading', lang)}:** {md_escape(fb.level_note)}")
        out.append("")
    if d.summary is not None:
        out += [f"## {t('export.summary', lang)}", ""]
        out.append(f"- **{t('summary.trend_heading', lang)}:** {md_escape(d.summary.trend_text)}")
        if d.summary.went_well:
            well = md_escape(d.summary.went_well)
            out.append(f"- **{t('summary.well_heading', lang)}:** {well}")
        out.append(f"- **{t('summary.next_heading', lang)}:** {md_escape(d.summary.next_step)}")
        out.append("")
    out.append(f"*{t('export.footer', lang)}*")
    return "\n".join(out) + "\n"


# --- HTML --------------------------------------------------------------------------------------

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: #1d1d1f;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
main { max-width: 46rem; margin: 2rem auto; padding: 0 1.25rem; }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; line-height: 1.25; }
h2 { font-size: 1.15rem; margin: 0 0 .4rem; }
.action-step { font-size: 1.05rem; border-left: 4px solid #2f6f4f; padding: .2rem 0 .2rem .8rem;
  margin: .8rem 0; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: 0 0 1rem; }
.meta dt { font-weight: 600; } .meta dd { margin: 0; }
.notes { background: #f6f6f2; border: 1px solid #deded6; border-radius: 6px; padding: .6rem .9rem;
  margin: 0 0 1rem; white-space: pre-wrap; }
section.round, section.summary { border-top: 1px solid #d0d0d0; padding: 1rem 0 .6rem;
  break-inside: avoid; page-break-inside: avoid; }
.measure { margin: 0 0 .5rem; }
.verdict { display: inline-block; padding: 0 .45rem; border-radius: 4px; font-weight: 600;
  border: 1px solid currentColor; }
.verdict-on_target { color: #1f6b3d; } .verdict-too_short, .verdict-too_long { color: #8a4b00; }
.verdict-no_measurement { color: #555; }
figure { margin: .3rem 0 .6rem; } figure svg { width: 100%; height: auto; display: block; }
figcaption { font-size: .85rem; color: #444; }
.fb dt { font-weight: 600; margin-top: .3rem; } .fb dd { margin: 0 0 .2rem; }
footer { color: #555; font-size: .8rem; margin: 1.5rem 0 2rem; }
svg text { font-family: inherit; font-size: 12px; fill: #1d1d1f; }
svg .band { fill: #cfe8d6; stroke: #2f6f4f; stroke-dasharray: 4 3; }
svg .speech { fill: #3b5b8c; } svg .cue { fill: #9aa7b8; }
svg .pause { fill: #f4d58d; stroke: #8a6d1d; }
svg .heard { fill: #8d8d8d; } svg .target { stroke: #2f6f4f; stroke-width: 2; }
svg .axis { stroke: #777; stroke-width: 1; } svg .tick { font-size: 10px; fill: #555; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; margin: 0; padding: 0; }
  h1 { font-size: 18pt; } h2 { font-size: 13pt; break-after: avoid; page-break-after: avoid; }
  footer { margin-bottom: 0; }
}
""".strip()

SVG_WIDTH = 640
SVG_LEFT = 12
SVG_RIGHT = 12


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


def svg_timeline(timeline: Timeline, lang: str, caption: str) -> str:
    """The round as an inline SVG: phases in seconds, the target band shaded behind the pause."""
    starts = [p.start_s for p in timeline.phases] + [a for a, _ in timeline.speech_s]
    ends = [p.end_s for p in timeline.phases] + [b for _, b in timeline.speech_s]
    if timeline.band_end_s is not None:
        ends.append(timeline.band_end_s)
    if not starts:
        return ""
    view_start = max(0.0, math.floor(min(starts) - 0.5))
    view_end = max(view_start + 1.0, math.ceil(max(ends) + 0.3))
    span = view_end - view_start
    inner = SVG_WIDTH - SVG_LEFT - SVG_RIGHT

    def x(sec: float) -> float:
        return SVG_LEFT + (sec - view_start) / span * inner

    bar_y, bar_h = 40, 26
    axis_y = bar_y + bar_h + 10
    height = axis_y + 20
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
            row_y, weight = (bar_y - 26, ' font-weight="600"') if p.measured else (bar_y - 10, "")
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
    items.append(
        f'<line class="axis" x1="{SVG_LEFT}" y1="{axis_y}" x2="{SVG_WIDTH - SVG_RIGHT}" '
        f'y2="{axis_y}"/>'
    )
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
    return (
        f'<svg viewBox="0 0 {SVG_WIDTH} {height}" '
        f'role="img" aria-label="{_e(caption)}">'
        f"<title>{_e(caption)}</title>" + "".join(items) + "</svg>"
    )


def render_html(d: Debrief) -> str:
    lang = d.lang
    s = d.session
    title = t("export.title", lang, title=d.title)
    body: list[str] = ["<main>", "<header>", f"<h1>{_e(title)}</h1>"]
    if d.action_step:
        body.append(
            f'<p class="action-step"><strong>{_e(t("export.action_step", lang))}:</strong> '
            f"{_e(d.action_step)}</p>"
        )
    meta = [
        (t("export.date", lang), d.date),
        (t("export.scenario", lang), f"{s.scenario} ({s.language})"),
    ]
    if s.participant:
        meta.append((t("export.participant", lang), s.participant))
    body.append('<dl class="meta">')
    body += [f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in meta]
    body += ["</dl>", "</header>"]
    if s.notes and s.notes.strip():
        body.append(f"<h2>{_e(t('export.notes', lang))}</h2>")
        body.append(f'<div class="notes">{_e(s.notes.strip())}</div>')
    if not d.rounds:
        body.append(f"<p>{_e(t('export.no_rounds', lang))}</p>")
    for dr in d.rounds:
        r = dr.stored
        body.append(f'<section class="round" id="round-{r.round}">')
        body.append(f"<h2>{_e(t('export.round', lang, round=r.round))}</h2>")
        badge = ""
        if r.measured_s is not None:
            verdict = r.verdict if r.verdict in {v.value for v in Verdict} else "no_measurement"
            badge = f' <span class="verdict verdict-{verdict}">{_e(_verdict_text(r, lang))}</span>'
        body.append(f'<p class="measure">{_e(measurement_line(r, lang))}{badge}</p>')
        coached = coach_items(r, lang)
        if coached:
            body.append('<dl class="fb coach">')
            body += [f"<dt>{_e(label)}</dt><dd>{_e(text)}</dd>" for label, text in coached]
            body.append("</dl>")
        if dr.feedback is None:
            body += [f"<p>{_e(t('export.unreadable', lang))}</p>", "</section>"]
            continue
        caption = timeline_description(dr.feedback.timeline, lang)
        svg = svg_timeline(dr.feedback.timeline, lang, caption)
        if svg:
            axis = t("export.axis", lang)
            body.append(f"<figure>{svg}<figcaption>{_e(axis)}</figcaption></figure>")
        else:
            body.append(f"<p>{_e(t('feedback.no_timeline', lang))}</p>")
        body.append('<dl class="fb">')
        heading = dr.feedback.heading or t("feedback.praise_heading", lang)
        body.append(f"<dt>{_e(heading)}</dt>")
        body.append(f"<dd>{_e(dr.feedback.praise)}</dd>")
        body.append(f"<dt>{_e(t('feedback.next_heading', lang))}</dt>")
        body.append(f"<dd>{_e(dr.feedback.next_step)}</dd>")
        if dr.feedback.level_note:
            body.append(f"<dt>{_e(t('feedback.level_heading', lang))}</dt>")
            body.append(f"<dd>{_e(dr.feedback.level_note)}</dd>")
        body += ["</dl>", "</section>"]
    if d.summary is not None:
        body.append('<section class="summary">')
        body.append(f"<h2>{_e(t('export.summary', lang))}</h2>")
        body.append('<dl class="fb">')
        for key, text in (
            ("summary.trend_heading", d.summary.trend_text),
            ("summary.well_heading", d.summary.went_well),
            ("summary.next_heading", d.summary.next_step),
        ):
            if text:
                body.append(f"<dt>{_e(t(key, lang))}</dt><dd>{_e(text)}</dd>")
        body += ["</dl>", "</section>"]
    body += [f"<footer>{_e(t('export.footer', lang))}</footer>", "</main>"]
    head = (
        "<!DOCTYPE html>\n"
        f'<html lang="{_e(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>\n{_CSS}\n</style>\n</head>\n<body>\n"
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


def render_csv(session: StoredSession) -> str:
    """One row per round; numbers with a decimal point, codes for verdict and reason."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_COLUMNS)
    for r in session.rounds:
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
