"""``coach-sim analyze FILE...``: measure recorded rounds, one line (or JSON object) per file."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from simulator.audio.pattern import Band, Pattern, Shape, question_pause_name
from simulator.audio.result import ANALYSIS_RATE_HZ, RoundMeasurement
from simulator.i18n import resolve_language, t
from simulator.text import shortened, visible, visible_values

REASON_TEXT = {
    "no_speech": "no speech heard",
    "one_utterance": "only one utterance heard (no pause between two parts)",
    "name_first": "the name came before the question (a short utterance followed by a long one)",
    "no_pause": "no pause between the question and the name",
    "too_quiet": "the input is too quiet",
    "clipped": "the input is clipped (too loud)",
    "no_response": "no speech after the cue",
}

LABELS = {
    Shape.SPEECH_PAUSE_SPEECH: ("pause", "question end", "name start"),
    Shape.CUE_PAUSE_SPEECH: ("pause", "cue end", "response start"),
    Shape.TIMED_TURN: ("turn", "turn start", "turn end"),
}


MAX_SECONDS = 3600.0


def seconds(text: str) -> float:
    """A number of seconds on the command line: ASCII digits, finite, 0 to an hour.

    ``float()`` alone would take ``nan``, ``inf``, ``1e999`` and digits of other scripts.
    """
    value = text.strip()
    try:
        if not value.isascii():
            raise ValueError(value)
        number = float(value)
    except ValueError:
        message = f"'{shortened(text)}' is not a number of seconds"
        raise argparse.ArgumentTypeError(message) from None
    if not 0.0 <= number <= MAX_SECONDS:  # also false for nan; inf is above the hour
        raise argparse.ArgumentTypeError(
            f"{shortened(text)} s is out of range; use 0 to {MAX_SECONDS:g} seconds"
        )
    return number


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", type=Path, help="WAV recordings")
    parser.add_argument("--json", action="store_true", help="one JSON object per file and line")
    parser.add_argument(
        "--target", type=seconds, metavar="S", help="target pause in seconds (default 3.0)"
    )
    parser.add_argument(
        "--band",
        type=seconds,
        nargs=2,
        metavar=("MIN_S", "MAX_S"),
        help="the on-target band in seconds (default 2.5 4.0, or around --target)",
    )
    parser.add_argument(
        "--scenario",
        metavar="ID",
        help="measure the pattern of this scenario (see `coach-sim scenarios`)",
    )
    parser.add_argument(
        "--cue-end",
        type=seconds,
        default=0.0,
        metavar="S",
        help="for cue patterns: where the cue ends in the recording (default 0)",
    )


def _pattern(args: argparse.Namespace) -> Pattern:
    pattern = question_pause_name()
    if args.scenario:
        from simulator.scenarios.library import load_library

        library = load_library([Path(d) for d in args.scenarios])
        scenario = library.find(args.scenario, args.lang) if args.lang else None
        if scenario is None:
            matches = [s for s in library.scenarios if s.id == args.scenario]
            scenario = matches[0] if matches else None
        if scenario is None:
            known = ", ".join(sorted({s.id for s in library.scenarios})) or "none"
            raise SystemExit(
                f"coach-sim analyze: no scenario with id '{args.scenario}' (known: {known})"
            )
        pattern = scenario.pattern
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
            raise SystemExit("coach-sim analyze: --target must be a positive number of seconds")
        try:
            pattern = pattern.with_band(Band(target_s=target, min_s=lo, max_s=hi))
        except ValueError as exc:
            raise SystemExit(f"coach-sim analyze: {exc}") from None
    return pattern


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


def _human(path: Path, m: RoundMeasurement) -> str:
    what, start_label, end_label = LABELS[m.shape]
    if m.span is None:
        reason = REASON_TEXT.get(m.reason.value if m.reason else "", "no measurement")
        return f"{visible(str(path))}: no measurement: {reason}"
    band = m.band
    verdict = m.verdict.value.replace("_", " ")
    shown = visible(str(path))
    text = (
        f"{shown}: {what} {m.measured_s:.2f} s ({verdict}; target {band.target_s:g} s, "
        f"band {band.min_s:g}–{band.max_s:g} s); {start_label} {m.span_start_s:.2f} s, "
        f"{end_label} {m.span_end_s:.2f} s"
    )
    if m.warnings:
        text += "; warning: " + ", ".join(REASON_TEXT[w.value] for w in m.warnings)
    return text


def run(args: argparse.Namespace) -> int:
    from simulator.audio.analysis import analyze_samples
    from simulator.audio.level_floor import refuse_too_quiet
    from simulator.audio.wav import WavError, read_wav

    pattern = _pattern(args)
    lang = resolve_language(getattr(args, "lang", None))
    cue_end = int(round(args.cue_end * ANALYSIS_RATE_HZ))
    failed = 0
    for path in args.files:
        try:
            audio = read_wav(path)
        except WavError as exc:
            failed += 1
            print(f"coach-sim analyze: {visible(str(path))}: {exc.message(lang)}", file=sys.stderr)
            if args.json:
                print(json.dumps({"file": str(path), "pause_s": None, "error": str(exc)}))
            continue
        m = refuse_too_quiet(
            analyze_samples(audio.samples, audio.sample_rate_hz, pattern, cue_end_sample=cue_end)
        )
        if args.json:
            print(json.dumps(visible_values(_record(path, m)), ensure_ascii=False))
        else:
            print(_human(path, m))
        sys.stdout.flush()
    if failed:
        print(t("analyze.not_read", lang, failed=failed, total=len(args.files)), file=sys.stderr)
        return 1
    return 0
