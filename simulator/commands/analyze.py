"""``coach-sim analyze FILE...``: measure recorded rounds, one line (or JSON object) per file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from simulator.audio.pattern import Band, Pattern, Shape, question_pause_name
from simulator.audio.result import ANALYSIS_RATE_HZ, RoundMeasurement
from simulator.coaching.plan import ran_long, silence_after_s
from simulator.commands import report_skipped, ui_language
from simulator.i18n import DEFAULT_LANGUAGE, format_band, format_seconds, t, tn
from simulator.text import json_text, shortened, visible_path

LABELS = {
    Shape.SPEECH_PAUSE_SPEECH: ("pause", "question_end", "name_start"),
    Shape.CUE_PAUSE_SPEECH: ("pause", "cue_end_label", "response_start"),
    Shape.TIMED_TURN: ("turn", "turn_start", "turn_end"),
}
"""What is measured and where it starts and ends, as ``cli.analyze.*`` catalog keys."""


MAX_SECONDS = 3600.0


def seconds(text: str, lang: str = DEFAULT_LANGUAGE) -> float:
    """A number of seconds on the command line: ASCII digits, finite, 0 to an hour.

    ``float()`` alone would take ``nan``, ``inf``, ``1e999`` and digits of other scripts.
    """
    value = text.strip()
    try:
        if not value.isascii():
            raise ValueError(value)
        number = float(value)
    except ValueError:
        message = t("cli.analyze.not_seconds", lang, value=shortened(text))
        raise argparse.ArgumentTypeError(message) from None
    if not 0.0 <= number <= MAX_SECONDS:  # also false for nan; inf is above the hour
        raise argparse.ArgumentTypeError(
            t("cli.analyze.out_of_range", lang, value=shortened(text), max=f"{MAX_SECONDS:g}")
        )
    return number


def add_arguments(parser: argparse.ArgumentParser, lang: str = DEFAULT_LANGUAGE) -> None:
    def in_seconds(text: str) -> float:
        return seconds(text, lang)

    in_seconds.__name__ = "seconds"  # argparse names the type in its fallback message

    def h(key: str) -> str:
        return t(f"cli.analyze.{key}", lang)

    parser.add_argument(
        "files", nargs="+", metavar=t("cli.file_metavar", lang), type=Path, help=h("files")
    )
    parser.add_argument("--json", action="store_true", help=h("json"))
    parser.add_argument("--target", type=in_seconds, metavar="S", help=h("target"))
    parser.add_argument(
        "--band", type=in_seconds, nargs=2, metavar=("MIN_S", "MAX_S"), help=h("band")
    )
    parser.add_argument("--scenario", metavar="ID", help=h("scenario"))
    parser.add_argument("--cue-end", type=in_seconds, default=0.0, metavar="S", help=h("cue_end"))


def _pattern(args: argparse.Namespace, lang: str) -> Pattern:
    pattern = question_pause_name()
    if args.scenario:
        from simulator.scenarios.library import load_library

        library = load_library([Path(d) for d in args.scenarios])
        report_skipped(library.problems, lang)
        scenario = library.find(args.scenario, args.lang) if args.lang else None
        if scenario is None:
            matches = [s for s in library.scenarios if s.id == args.scenario]
            scenario = matches[0] if matches else None
        if scenario is None:
            known = ", ".join(sorted({s.id for s in library.scenarios}))
            raise SystemExit(
                t(
                    "cli.analyze.unknown_scenario",
                    lang,
                    id=shortened(args.scenario),
                    known=known or t("cli.app.none", lang),
                )
            )
        pattern = scenario.pattern
    if args.cue_end and pattern.shape is not Shape.CUE_PAUSE_SPEECH:
        raise SystemExit(t("cli.analyze.cue_end_unused", lang))
    band = pattern.band
    if args.target is not None or args.band is not None:
        target = args.target if args.target is not None else band.target_s
        if args.band is not None:
            lo, hi = args.band
        elif args.target is not None:
            # Keep the default band's shape: 2.5–4.0 around 3.0 scales with the target.
            lo, hi = target * band.min_s / band.target_s, target * band.max_s / band.target_s
        else:
            lo, hi = band.min_s, band.max_s
        if target <= 0:
            raise SystemExit(t("cli.analyze.target_positive", lang))
        try:
            pattern = pattern.with_band(Band(target_s=target, min_s=lo, max_s=hi))
        except ValueError:
            raise SystemExit(_band_problem(lo, hi, target, lang)) from None
    return pattern


def _band_problem(min_s: float, max_s: float, target_s: float, lang: str) -> str:
    """Why ``--band``/``--target`` make no band (the conditions ``Band`` checks)."""
    if not max_s > 0:
        return t("cli.analyze.band_not_positive", lang)
    if min_s > max_s:
        return t(
            "cli.analyze.band_min_above_max",
            lang,
            min=format_seconds(min_s, lang),
            max=format_seconds(max_s, lang),
        )
    return t(
        "cli.analyze.target_outside",
        lang,
        target=format_seconds(target_s, lang),
        band=format_band(min_s, max_s, lang),
    )


def _record(path: Path, m: RoundMeasurement) -> dict[str, Any]:
    def r(v: float | None) -> float | None:
        return None if v is None else round(v, 3)

    start, end = m.span_start_s, m.span_end_s
    shape = m.shape
    return {
        "file": str(path),
        "pattern": shape.value,
        "pause_s": r(m.pause_s),
        "measured_s": r(m.measured_s),
        "question_end_s": r(start) if shape is Shape.SPEECH_PAUSE_SPEECH else None,
        "name_start_s": r(end) if shape is Shape.SPEECH_PAUSE_SPEECH else None,
        "span_s": None if m.span is None else [r(start), r(end)],
        "verdict": m.verdict.value,
        "reason": None if m.reason is None else m.reason.value,
        "target_s": m.band.target_s,
        "band_s": [m.band.min_s, m.band.max_s],
        "segments": [[r(s.start_s), r(s.end_s)] for s in m.segments],
        "warnings": [w.value for w in m.warnings],
        "duration_s": r(m.audio_s),
        "error": None,
    }


def _human(path: Path, m: RoundMeasurement, lang: str) -> str:
    """One result line in ``lang``: ``file: pause 3.10 s (on target; target 3.0 s, …)``."""
    what, start_label, end_label = (t(f"cli.analyze.{key}", lang) for key in LABELS[m.shape])
    shown = visible_path(path)
    if m.span is None:
        if ran_long(m):
            code = "ran_long_cue" if m.shape is Shape.CUE_PAUSE_SPEECH else "ran_long"
            silence = format_seconds(silence_after_s(m), lang)
            reason = t(f"cli.analyze.reason.{code}", lang, silence=silence)
        else:
            reason = t(f"cli.analyze.reason.{m.reason.value if m.reason else 'other'}", lang)
        return t("cli.analyze.no_measurement", lang, file=shown, reason=reason)
    band = m.band

    def s(value: float | None) -> str:
        return format_seconds(value or 0.0, lang, 2)

    text = t(
        "cli.analyze.result",
        lang,
        file=shown,
        what=what,
        measured=s(m.measured_s),
        verdict=t(f"verdict.{m.verdict.value}", lang),
        target=format_seconds(band.target_s, lang),
        band=format_band(band.min_s, band.max_s, lang),
        start_label=start_label,
        start=s(m.span_start_s),
        end_label=end_label,
        end=s(m.span_end_s),
    )
    if m.warnings:
        warnings = ", ".join(t(f"cli.analyze.reason.{w.value}", lang) for w in m.warnings)
        text += t("cli.analyze.warning", lang, warnings=warnings)
    return text


def run(args: argparse.Namespace) -> int:
    from simulator.audio.analysis import analyze_samples
    from simulator.audio.level_floor import refuse_too_quiet
    from simulator.audio.wav import WavError, read_wav

    lang = ui_language(args)
    pattern = _pattern(args, lang)
    cue_end = int(round(args.cue_end * ANALYSIS_RATE_HZ))
    failed = beyond_end = 0
    for path in args.files:
        try:
            audio = read_wav(path)
        except WavError as exc:
            failed += 1
            print(f"coach-sim analyze: {visible_path(path)}: {exc.message(lang)}", file=sys.stderr)
            if args.json:
                print(json_text({"file": str(path), "pause_s": None, "error": str(exc)}))
            continue
        if args.cue_end > audio.duration_s:
            beyond_end += 1
            print(
                f"coach-sim analyze: {visible_path(path)}: {_beyond(args, audio.duration_s, lang)}",
                file=sys.stderr,
            )
            if args.json:
                error = _beyond(args, audio.duration_s, DEFAULT_LANGUAGE)
                print(json_text({"file": str(path), "pause_s": None, "error": error}))
            continue
        m = refuse_too_quiet(
            analyze_samples(
                audio.samples,
                audio.sample_rate_hz,
                pattern,
                cue_end_sample=cue_end,
                judge_pause_voices=True,
            )
        )
        if args.json:
            print(json_text(_record(path, m)))
        else:
            print(_human(path, m, lang))
        sys.stdout.flush()
    if failed:
        total = len(args.files)
        if total == 1:
            print(t("analyze.not_read_single", lang), file=sys.stderr)
        else:
            print(tn("analyze.not_read", lang, failed, failed=failed, total=total), file=sys.stderr)
        return 1
    return 1 if beyond_end else 0


def _beyond(args: argparse.Namespace, duration_s: float, lang: str) -> str:
    """``--cue-end`` past the end of a recording: nothing after the cue can be measured."""
    return t(
        "cli.analyze.cue_end_beyond",
        lang,
        cue_end=format_seconds(args.cue_end, lang),
        duration=format_seconds(duration_s, lang),
    )
