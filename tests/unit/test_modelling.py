"""Modelling: the model line split at its pause, joined with exactly the target silence, written
out when it cannot be heard, and followed stage by stage while it plays."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from simulator.audio.analysis import analyze_samples
from simulator.audio.cue import CueSound
from simulator.audio.modelling import LEAD_S, ModelTiming, audible_start_sample, model_sound
from simulator.audio.pattern import Band, Pattern, Phase, PhaseKind
from simulator.coaching.modelling import model_line_text, moment_at, split_model_line
from simulator.scenarios.library import load_library
from simulator.widgets.model_player import moment_text, progress_bar

SPS = Pattern(
    (
        Phase(PhaseKind.SPEECH, "question"),
        Phase(PhaseKind.PAUSE, "thinking pause", Band(3.0, 2.5, 4.0)),
        Phase(PhaseKind.SPEECH, "name"),
    )
)
CUE = Pattern(
    (
        Phase(PhaseKind.CUE, "student's answer"),
        Phase(PhaseKind.PAUSE, "wait time", Band(3.0, 2.0, 5.0)),
        Phase(PhaseKind.SPEECH, "response"),
    )
)
TURN = Pattern((Phase(PhaseKind.SPEECH, "direction", Band(6.0, 3.0, 9.0)),))


def test_the_flagship_line_splits_at_its_written_pause() -> None:
    m = split_model_line("Which two examples did I just give? … (3 seconds) … Kay?", SPS)
    assert (m.before, m.after, m.pause_s) == ("Which two examples did I just give?", "Kay?", 3.0)
    assert (m.before_label, m.pause_label, m.after_label) == ("question", "thinking pause", "name")


def test_a_cue_line_drops_the_speaker_label_and_quotes() -> None:
    line = 'Leerling: "Omdat er minder aardbeien zijn." … (3 seconden) … "Kun je dat uitleggen?"'
    m = split_model_line(line, CUE)
    assert (m.before, m.after) == ("Omdat er minder aardbeien zijn.", "Kun je dat uitleggen?")
    assert m.pause_s == 3.0


def test_three_dots_and_a_pause_without_words_also_mark_the_pause() -> None:
    m = split_model_line("Why Britain?...Leah?", SPS)
    assert (m.before, m.after) == ("Why Britain?", "Leah?")


def test_without_a_written_pause_the_line_pauses_before_its_last_sentence() -> None:
    m = split_model_line("What happens to the price when supply falls? Amira?", SPS)
    assert (m.before, m.after, m.pause_s) == (
        "What happens to the price when supply falls?",
        "Amira?",
        3.0,
    )


def test_a_paused_line_of_one_sentence_is_spoken_whole() -> None:
    m = split_model_line("Kay, what did I just say", SPS)
    assert (m.before, m.after, m.pause_s) == ("Kay, what did I just say", None, None)


def test_a_timed_turn_is_spoken_whole_even_with_sentences() -> None:
    m = split_model_line("Books, page 42. Five minutes. Go.", TURN)
    assert (m.before, m.after, m.pause_s, m.before_label) == (
        "Books, page 42. Five minutes. Go.",
        None,
        None,
        "direction",
    )


def test_every_built_in_paused_scenario_splits_into_two_parts_with_its_target() -> None:
    library = load_library(user=Path("/nonexistent-coach-sim-user-dir"))
    paused = 0
    for s in library.scenarios:
        m = split_model_line(s.model_line, s.pattern)
        if s.pattern.shape.value != "timed-turn":
            paused += 1
            assert m.after, s.id
            assert m.pause_s == s.pattern.band.target_s, s.id
            assert "…" not in m.before + m.after and "(" not in m.before + m.after, s.id
    assert paused == 6


def test_the_written_fallback_spells_out_the_pause_in_each_language() -> None:
    # The pattern's target counts, not the number written in the line.
    m = split_model_line("Welke twee voorbeelden? … (5 seconden) … Noor?", SPS)
    assert model_line_text(m, "nl") == "Welke twee voorbeelden? … (3\u00a0s stilte) … Noor?"
    assert model_line_text(m, "en") == "Welke twee voorbeelden? … (3\u00a0s silence) … Noor?"
    assert model_line_text(split_model_line("Go.", TURN), "en") == "Go."


def tone(seconds: float, rate: int, lead_s: float = 0.2, tail_s: float = 0.4) -> CueSound:
    """A tone with synthesiser-like silence around it."""
    t = np.arange(int(seconds * rate)) / rate
    body = (0.4 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    pad = [np.zeros(int(s * rate), np.float32) for s in (lead_s, tail_s)]
    return CueSound(np.concatenate([pad[0], body, pad[1]]), rate)


def test_the_parts_are_trimmed_so_the_silence_between_them_is_exactly_the_target() -> None:
    rate = 22_050
    sound, timing = model_sound([tone(1.0, rate), tone(0.4, rate)], 3.0, rate)
    x = np.abs(sound.samples)
    loud = np.nonzero(x > 0.004)[0]
    gap = np.diff(loud)
    gap_at = int(np.argmax(gap))
    heard_pause = (loud[gap_at + 1] - loud[gap_at]) / rate
    assert heard_pause == pytest.approx(3.0, abs=2 / rate)
    assert timing.pause_s == pytest.approx(3.0, abs=1 / rate)
    assert timing.total == sound.samples.size
    # The synthesiser's own silence is gone: the words start after the short lead.
    assert abs(audible_start_sample(sound.samples) - round(LEAD_S * rate)) <= 2
    assert timing.before_end - round(LEAD_S * rate) == pytest.approx(rate, abs=2)


def test_a_line_without_pause_is_one_part_and_a_mismatch_is_refused() -> None:
    sound, timing = model_sound([tone(1.0, 16_000)], None, 16_000)
    assert timing.before_end == timing.after_start
    with pytest.raises(ValueError):
        model_sound([tone(1.0, 16_000)], 3.0, 16_000)


@pytest.mark.espeak
def test_the_projects_analysis_measures_the_target_pause_in_a_spoken_model_line() -> None:
    from simulator.app import espeak_cue_player

    voice = espeak_cue_player()
    assert voice is not None
    parts = [
        voice("Which two examples of market forces did I just give?", "en"),
        voice("Kay?", "en"),
    ]
    assert all(p is not None for p in parts)
    sound, _ = model_sound([p for p in parts if p is not None], 3.0, parts[0].sample_rate_hz)  # type: ignore[union-attr]
    quiet_room = np.concatenate([np.zeros(8000, np.float32), sound.samples])
    m = analyze_samples(quiet_room, sound.sample_rate_hz, SPS)
    assert m.pause_s == pytest.approx(3.0, abs=0.05)


def test_the_stage_follows_the_position() -> None:
    timing = ModelTiming(1000, before_end=2000, after_start=5000, total=6000)
    assert moment_at(timing, 100).stage == "before"
    pause = moment_at(timing, 3500)
    assert (pause.stage, pause.pause_elapsed_s) == ("pause", 1.5)
    assert moment_at(timing, 5500).stage == "after"
    assert moment_at(timing, 6000).stage == "done"


def test_the_rendering_names_the_part_and_counts_the_silence() -> None:
    m = split_model_line("Which two examples? … (3 seconds) … Kay?", SPS)
    timing = ModelTiming(1000, before_end=2000, after_start=5000, total=6000)
    assert moment_text(m, moment_at(timing, 100), "en") == "▶ question: “Which two examples?”"
    assert (
        moment_text(m, moment_at(timing, 3200), "nl")
        == "▶ thinking pause: 1,2\u00a0s van 3\u00a0s stilte"
    )
    assert moment_text(m, moment_at(timing, 5200), "en") == "▶ name: “Kay?”"
    bar = progress_bar(timing, moment_at(timing, 3500), cells=12).plain
    # 12 cells of 0.5 s: 4 spoken, 6 pause, 2 spoken; 3.5 s played = 7 cells.
    assert bar == "████▓▓▓░░░▁▁"


def test_the_core_loads_neither_textual_nor_sounddevice() -> None:
    code = (
        "import sys, simulator.coaching.modelling, simulator.audio.modelling;"
        "print(sorted(m for m in ('textual', 'sounddevice') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_prompt_in_the_teachers_own_words_is_modelled_per_shape() -> None:
    from simulator.coaching.modelling import prompt_model_line
    from simulator.scenarios.model import RoundPrompt

    sps_line = prompt_model_line(RoundPrompt("", "What is inflation?", name="Daan"), SPS)
    assert (sps_line.before, sps_line.after, sps_line.pause_s) == (
        "What is inflation?",
        "Daan",
        3.0,
    )
    cue_line = prompt_model_line(RoundPrompt("", "Why?", cue="Because."), CUE)
    assert (cue_line.before, cue_line.after, cue_line.after_label) == (
        "Because.",
        "Why?",
        "response",
    )
    turn = prompt_model_line(RoundPrompt("", "Books out."), TURN)
    assert (turn.before, turn.after, turn.pause_s) == ("Books out.", None, None)
