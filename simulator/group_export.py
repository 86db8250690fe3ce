"""A masterclass's group data as CSV (one row per participant-round, skipped rounds included)
and as an HTML handout to print: every round against the band on one shared axis.

Pure: a ``GroupReport`` in, text out. No files, no clock; the group view writes the files.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass

from simulator.audio.pattern import Band
from simulator.coaching.group import (
    SKIPPED,
    GroupRound,
    Participation,
    RoundStats,
    stats_per_round,
    strip_scale_s,
    unmeasured_text,
)
from simulator.export import csv_text, html_page
from simulator.i18n import format_band, format_number, format_seconds, t
from simulator.text import visible

CSV_COLUMNS = (
    "date",
    "scenario",
    "language",
    "target_s",
    "band_min_s",
    "band_max_s",
    "participant",
    "round",
    "measured_s",
    "verdict",
    "reason",
)


@dataclass(frozen=True, slots=True)
class GroupReport:
    """What the group exports show: the scenario, the band, the date and every round."""

    scenario_id: str
    title: str
    language: str
    """The scenario's language (what the participants said)."""
    band: Band
    rounds: int
    date: str
    """The masterclass's start in the trainer's time zone, ``YYYY-MM-DD HH:MM``."""
    rows: tuple[GroupRound, ...]
    names: tuple[str, ...] = ()
    """Participants' names by entry order when the trainer chose to keep them; else codes."""

    @property
    def stats(self) -> tuple[RoundStats, ...]:
        return stats_per_round(self.rows, self.rounds, self.band)

    @property
    def participation(self) -> Participation:
        return Participation.of(self.rows)

    def label(self, code: str) -> str:
        """The name for a code (``P2``) when names are kept, else the code."""
        index = int(code[1:]) - 1
        return self.names[index] if 0 <= index < len(self.names) else code


def render_group_csv(report: GroupReport) -> str:
    """One row per participant-round, codes only; a skipped round has verdict ``skipped``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    band = report.band
    for r in report.rows:
        writer.writerow(
            (
                csv_text(report.date),
                csv_text(report.scenario_id),
                csv_text(report.language),
                f"{band.target_s:.2f}",
                f"{band.min_s:.2f}",
                f"{band.max_s:.2f}",
                r.code,
                r.round,
                "" if r.measured_s is None else f"{r.measured_s:.2f}",
                r.verdict,
                r.reason or "",
            )
        )
    return out.getvalue()


# --- HTML --------------------------------------------------------------------------------------

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: #1d1d1f; background: #fff;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
main { max-width: 48rem; margin: 2rem auto; padding: 0 1.25rem; }
h1 { font-size: 1.55rem; margin: 0 0 .3rem; line-height: 1.25; }
h2 { font-size: 1.1rem; margin: 1.1rem 0 .4rem; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: .4rem 0; }
.meta dt { font-weight: 600; } .meta dd { margin: 0; }
.compare { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; margin: .6rem 0; }
.compare div { border: 2px solid #2f6f4f; border-radius: 6px; padding: .4rem .8rem; }
.compare strong { display: block; font-size: 1.6rem; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0; }
th, td { border-bottom: 1px solid #d0d0d0; padding: .25rem .5rem; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.on { color: #1f6b3d; font-weight: 600; } .off { color: #8a4b00; } .skip { color: #777; }
figure { margin: .3rem 0; } figure svg { width: 100%; height: auto; display: block; }
figcaption { font-size: .85rem; color: #444; }
svg text { font-family: inherit; font-size: 13px; fill: #1d1d1f; }
svg .band { fill: #cfe8d6; stroke: #2f6f4f; stroke-dasharray: 4 3; }
svg .dot-on { fill: #1f6b3d; } svg .dot-off { fill: #c0640a; }
svg .median { stroke: #5b2a86; stroke-width: 3; } svg .lane { stroke: #ddd; }
svg .axis { stroke: #777; } svg .tick { font-size: 11px; fill: #555; }
footer { color: #555; font-size: .8rem; margin: 1.2rem 0 2rem; }
@page { size: A4; margin: 14mm 14mm; }
@media print {
  body { font-size: 10.5pt; } main { max-width: none; margin: 0; padding: 0; }
  section { break-inside: avoid; page-break-inside: avoid; }
  footer { margin-bottom: 0; }
}
""".strip()

SVG_WIDTH = 680
LABEL_W = 90
RIGHT_W = 12
LANE_H = 56
DOT_R = 7


def _e(text: str) -> str:
    """Text as HTML content or attribute value; unsafe characters shown as codes."""
    return html.escape(visible(text), quote=True)


def _n(v: float) -> str:
    return f"{v:.1f}"


def _round_text(stats: RoundStats, lang: str) -> str:
    if stats.median_s is None:
        return unmeasured_text(stats, lang)
    return t(
        "masterclass.short_stats",
        lang,
        median=format_seconds(stats.median_s, lang),
        on=stats.on_target,
        taken=stats.taken,
    )


def svg_group_chart(report: GroupReport, lang: str) -> str:
    """Every round as a lane on one shared axis: the band shaded, a dot per participant (stacked
    when values are close), the median as a line."""
    band = report.band
    scale = strip_scale_s(report.rows, band)
    inner = SVG_WIDTH - LABEL_W - RIGHT_W
    stats = report.stats

    def x(sec: float) -> float:
        return LABEL_W + min(sec, scale) / scale * inner

    top = 8
    height = top + LANE_H * len(stats) + 34
    band_label = t("feedback.band_label", lang, band=format_band(band.min_s, band.max_s, lang))
    items = [
        f'<rect class="band" x="{_n(x(band.min_s))}" y="{top}" '
        f'width="{_n(x(band.max_s) - x(band.min_s))}" height="{LANE_H * len(stats)}">'
        f"<title>{_e(band_label)}</title></rect>"
    ]
    for i, s in enumerate(stats):
        y0 = top + i * LANE_H
        mid = y0 + LANE_H / 2
        items.append(
            f'<line class="lane" x1="{LABEL_W}" y1="{y0 + LANE_H}" '
            f'x2="{SVG_WIDTH - RIGHT_W}" y2="{y0 + LANE_H}"/>'
        )
        items.append(
            f'<text x="4" y="{_n(mid + 5)}" font-weight="600">'
            f"{_e(t('masterclass.round_label', lang, round=s.round))}</text>"
        )
        placed: list[tuple[float, int]] = []
        for v in s.values_s:
            cx = x(v)
            level = sum(1 for px, _ in placed if abs(px - cx) < 2 * DOT_R)
            placed.append((cx, level))
            cy = mid + 8 - level * (DOT_R + 3)
            cls = "dot-on" if band.min_s <= v <= band.max_s else "dot-off"
            items.append(
                f'<circle class="{cls}" cx="{_n(cx)}" cy="{_n(cy)}" r="{DOT_R}">'
                f"<title>{_e(format_seconds(v, lang))}</title></circle>"
            )
        if s.median_s is not None:
            mx = x(s.median_s)
            items.append(
                f'<line class="median" x1="{_n(mx)}" y1="{y0 + 4}" x2="{_n(mx)}" '
                f'y2="{y0 + LANE_H - 4}"><title>{_e(_round_text(s, lang))}</title></line>'
            )
    axis_y = top + LANE_H * len(stats)
    items.append(
        f'<line class="axis" x1="{LABEL_W}" y1="{axis_y}" x2="{SVG_WIDTH - RIGHT_W}" '
        f'y2="{axis_y}"/>'
    )
    step = 1 if scale <= 12 else 2 if scale <= 24 else 5
    tick = 0
    while tick <= scale + 1e-9:
        tx = x(tick)
        label = format_number(tick, lang, 0)
        if tick + step > scale + 1e-9:
            label += "\u00a0s"  # the unit once, on the last number
        items.append(
            f'<line class="axis" x1="{_n(tx)}" y1="{axis_y}" x2="{_n(tx)}" y2="{axis_y + 5}"/>'
            f'<text class="tick" x="{_n(tx)}" y="{axis_y + 18}" text-anchor="middle">'
            f"{_e(label)}</text>"
        )
        tick += step
    caption = "; ".join(
        f"{t('masterclass.round_label', lang, round=s.round)}: {_round_text(s, lang)}"
        for s in stats
    )
    return (
        f'<svg viewBox="0 0 {SVG_WIDTH} {height}" role="img" aria-label="{_e(caption)}">'
        f"<title>{_e(caption)}</title>" + "".join(items) + "</svg>"
    )


def _compare_box(stats: RoundStats, which: str, lang: str) -> str:
    heading = t(f"masterclass.{which}_heading", lang, round=stats.round)
    if stats.median_s is None:
        return f"<div>{_e(heading)}<strong>–</strong>{_e(unmeasured_text(stats, lang))}</div>"
    share = format_number(100 * (stats.on_target_share or 0.0), lang, 0)
    on = t("masterclass.on_target", lang, on=stats.on_target, taken=stats.taken, percent=share)
    return (
        f"<div>{_e(heading)}<strong>{_e(format_seconds(stats.median_s, lang))}</strong>"
        f"{_e(t('masterclass.room.median_word', lang))} · {_e(on)}</div>"
    )


def _cell(rows: Sequence[GroupRound], code: str, number: int, band: Band, lang: str) -> str:
    r = next((r for r in rows if r.code == code and r.round == number), None)
    if r is None:
        return '<td class="num skip">–</td>'
    if r.verdict == SKIPPED:
        return f'<td class="num skip">{_e(t("masterclass.room.skipped_cell", lang))}</td>'
    if r.measured_s is None:
        return f'<td class="num skip">{_e(t("verdict.no_measurement", lang))}</td>'
    cls = "on" if band.min_s <= r.measured_s <= band.max_s else "off"
    return f'<td class="num {cls}">{_e(format_seconds(r.measured_s, lang))}</td>'


def render_group_html(report: GroupReport, lang: str) -> str:
    """The handout: scenario, date, band; first against last round; the chart; the table."""
    band = report.band
    title = t("masterclass.room.handout_title", lang, title=report.title)
    stats = report.stats
    took = report.participation
    body = ["<main>", "<header>", f"<h1>{_e(title)}</h1>", '<dl class="meta">']
    meta = (
        (t("export.date", lang), report.date),
        (t("export.scenario", lang), f"{report.scenario_id} ({report.language})"),
        (t("masterclass.room.band_word", lang), format_band(band.min_s, band.max_s, lang)),
        (t("masterclass.room.participants_word", lang), f"{took.people}{took.note(lang)}"),
    )
    body += [f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in meta]
    body += ["</dl>", "</header>", "<section>"]
    body.append(f"<h2>{_e(t('masterclass.room.compare_heading', lang))}</h2>")
    body.append('<div class="compare">')
    body.append(_compare_box(stats[0], "first", lang))
    body.append(_compare_box(stats[-1], "last", lang))
    body += ["</div>", "</section>", "<section>"]
    body.append(f"<h2>{_e(t('masterclass.group_title', lang))}</h2>")
    body.append(
        f"<figure>{svg_group_chart(report, lang)}<figcaption>"
        f"{_e(t('masterclass.room.handout_legend', lang))}</figcaption></figure>"
    )
    body.append("<table><thead><tr>")
    body.append(f"<th>{_e(t('masterclass.room.round_word', lang))}</th>")
    for key in ("median_heading", "on_target_word", "spread_word"):
        body.append(f'<th class="num">{_e(t(f"masterclass.room.{key}", lang))}</th>')
    body.append("</tr></thead><tbody>")
    for s in stats:
        spread = (
            "–"
            if s.low_s is None or s.high_s is None
            else f"{format_seconds(s.low_s, lang)} – {format_seconds(s.high_s, lang)}"
        )
        median = "–" if s.median_s is None else format_seconds(s.median_s, lang)
        body.append(
            f"<tr><td>{s.round}</td><td class='num'>{_e(median)}</td>"
            f"<td class='num'>{s.on_target}/{s.taken}</td><td class='num'>{_e(spread)}</td></tr>"
        )
    body += ["</tbody></table>", "</section>", "<section>"]
    body.append(f"<h2>{_e(t('masterclass.room.per_participant', lang))}</h2>")
    body.append("<table><thead><tr>")
    body.append(f"<th>{_e(t('masterclass.room.participant_word', lang))}</th>")
    body += [
        f'<th class="num">{_e(t("masterclass.round_label", lang, round=n))}</th>'
        for n in range(1, report.rounds + 1)
    ]
    body.append("</tr></thead><tbody>")
    for code in dict.fromkeys(r.code for r in report.rows):
        if code in took.without_rounds:  # one cell across the rounds, not "skipped" in each
            none = t("masterclass.no_rounds.cell", lang)
            cells = f'<td class="skip" colspan="{report.rounds}">{_e(none)}</td>'
        else:
            cells = "".join(
                _cell(report.rows, code, n, band, lang) for n in range(1, report.rounds + 1)
            )
        body.append(f"<tr><td>{_e(report.label(code))}</td>{cells}</tr>")
    body += ["</tbody></table>", "</section>"]
    body += [f"<footer>{_e(t('export.footer', lang))}</footer>", "</main>"]
    return html_page(lang, title, _CSS, body)
