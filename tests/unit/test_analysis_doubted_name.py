"""The last utterance, the name, need only be less sure speech to the speech model than the
rest: one word called into a room, with nothing of the teacher's after it, is one the network
is less sure of than running words (``DetectionConfig.name_min_probability``). While a live
round runs, though, a word the model doubts does not end it as the name: it may be a murmur in
the thinking pause. The allowance goes to the last utterance that is kept: a key press or a chair
after the name, dropped as no speech, does not take it away from the name."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from simulator.audio import live as live_module
from simulator.audio.analysis import DEFAULT_CONFIG, analyze_samples
from simulator.audio.pattern import question_pause_name
from simulator.audio.result import Reason
from simulator.rehearsal.round import RoundPolicy
from tests.speech import (
    DEV_AUDIO,
    RATE,
    clip,
    in_room,
    make_round,
    needs_speech_model,
    recorded_sound,
    room_response,
    silence,
)
from tests.unit.test_live import ended_at

pytestmark = pytest.mark.usefixtures("espeak")

AS_EVERY_OTHER = replace(
    DEFAULT_CONFIG, detection=replace(DEFAULT_CONFIG.detection, name_min_probability=0.0)
)


def _under_the_breath() -> np.ndarray:
    return clip("Kay?", "nl+whisper", speed=120) * np.float32(0.5)


def test_a_name_said_under_the_breath_in_a_ringing_room_is_still_the_name() -> None:
    needs_speech_model()
    question = clip("Welke twee voorbeelden heb ik net gegeven?", "nl")
    name = _under_the_breath()
    r = make_round(question, name, 2.8, lead_s=0.5, tail_s=1.5)
    played = in_room(r.samples, room_response(0.6, -3.0))
    m = analyze_samples(played, RATE)
    assert m.pause_s == pytest.approx(r.pause_s, abs=0.15)
    # Held to the bar of every other utterance, the network's doubt drops the name: the round
    # reads as the question alone.
    without = analyze_samples(played, RATE, config=AS_EVERY_OTHER)
    assert without.pause_s is None
    assert without.reason is Reason.ONE_UTTERANCE


KEYS = ["07-0", "11-0"]
"""Two real key presses the speech model hears no speech in (bucklespring, GPL-2+, read from
../shared/dev-audio at test time, not copied here)."""


def test_a_key_pressed_after_a_doubted_name_leaves_the_name_its_allowance() -> None:
    # The name under the breath, then, 0.4 s after it, three key presses, in a room that rings.
    needs_speech_model()
    keys = [DEV_AUDIO / "events" / "keyboard" / f"keyboard_bucklespring_{k}.flac" for k in KEYS]
    question = clip("Welke twee voorbeelden heb ik net gegeven?", "nl")
    name = _under_the_breath()
    r = make_round(question, name, 2.8, lead_s=0.5, tail_s=3.0)
    x = r.samples.copy()
    at = r.name_start + name.size + int(0.4 * RATE)
    for k in range(3):
        press = recorded_sound(keys[k % len(keys)], 0.3)
        start = at + int(0.12 * k * RATE)
        x[start : start + press.size] += press
    played = in_room(x, room_response(0.6, -3.0))
    m = analyze_samples(played, RATE)
    # Before, only the round's very last sound had the allowance: the keys, which are no
    # speech, were dropped, and the name before them was held to every other utterance's bar
    # and dropped too (the round read as the question alone).
    assert m.pause_s == pytest.approx(r.pause_s, abs=0.15)
    assert m.segments[-1].end < at  # the name, not the keys


def _live_end_s(x: np.ndarray) -> float | None:
    end = ended_at(RoundPolicy().live_round(question_pause_name(), 0), x)
    return None if end is None else end / RATE


def test_a_live_round_does_not_end_on_a_murmur_in_the_pause(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    needs_speech_model()
    # The question, a murmur under the breath 0.8 s later, and the name said aloud 1.5 s after
    # that, in a room that rings.
    question = clip("Welke twee voorbeelden heb ik net gegeven?", "nl")
    murmur, name = _under_the_breath(), clip("Kay?", "nl")
    parts = [silence(0.5), question, silence(0.8), murmur, silence(1.5), name, silence(3.0)]
    name_start = sum(p.size for p in parts[:-2]) / RATE
    name_end = name_start + name.size / RATE
    played = in_room(np.concatenate(parts), room_response(0.6, -3.0))
    end = _live_end_s(played)
    assert end is not None and name_end < end <= name_end + 1.0
    # Taken for the name while the round runs, the murmur ends the round before the name (with
    # the rule for a sound the model hears no speech in off too: it also holds the round here).
    monkeypatch.setattr(live_module, "NAME_ALLOWANCE_WHILE_RUNNING", True)
    monkeypatch.setattr(live_module, "NO_SPEECH_MEAN", 0.0)
    end = _live_end_s(played)
    assert end is not None and end < name_start
