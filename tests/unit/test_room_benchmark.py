"""The room benchmark's own rules: the held-apart split and the laptop AGC it simulates.

The benchmark (benchmarks/rooms.py) is not part of the product; these checks keep its corpus
honest: the held-out lists are the documented rule's choice, and the simulated automatic gain
control behaves as described (gain climbs in a pause, falls on a speech onset).
"""

import csv
import sys
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import room_split  # noqa: E402
import rooms  # noqa: E402

RATE = rooms.RATE_HZ


def _index_rows() -> list[dict[str, str]]:
    index = rooms.dev_audio_dir() / "index.csv"
    if not index.is_file():
        pytest.skip(f"the dev-audio pack is not at {index.parent}")
    with index.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_held_out_lists_are_the_documented_rule() -> None:
    rows = _index_rows()
    speakers = {
        r["speaker_or_event"] for r in rows if r["kind"] in ("word", "sentence", "question")
    }
    for prefix in ("en_speechcommands_", "en_coswara_"):
        chosen = room_split.choose_heldout((s for s in speakers if s.startswith(prefix)), 10)
        assert set(chosen) == {s for s in room_split.HELDOUT_SPEAKERS if s.startswith(prefix)}
    events: dict[str, list[str]] = {}
    for r in rows:
        if r["kind"] == "event":
            events.setdefault(r["speaker_or_event"], []).append(r["path"].rsplit("/", 1)[-1])
    for kind, files in events.items():
        chosen = room_split.choose_heldout(files, round(len(files) / 4))
        listed = {f for f in room_split.HELDOUT_EVENT_FILES if f.startswith(kind + "_")}
        assert set(chosen) == listed, kind
    assert {"nl_fillets_big_fish", "de_gcompris_claudia_charruau"} <= room_split.HELDOUT_SPEAKERS
    assert room_split.speaker_split("nl_fillets_small_fish") == "tune"


def _agc() -> rooms.Agc:
    return rooms.Agc(target_dbfs=-20.0, max_gain_db=30.0, attack_s=0.01, hold_s=0.1, release_s=0.4)


def test_agc_gain_climbs_in_a_pause_and_falls_on_speech() -> None:
    rng = np.random.default_rng(0)
    t = np.arange(6 * RATE) / RATE
    x = 1e-4 * rng.standard_normal(t.size)  # the room's floor, −80 dBFS
    loud = (t >= 1.0) & (t < 2.0) | (t >= 4.5) & (t < 5.5)
    x[loud] += 0.1 * np.sin(2 * np.pi * 220 * t[loud])  # speech-like level, −23 dBFS RMS
    g = _agc().gains_db(x)
    at = lambda s: g[round(s * RATE)]  # noqa: E731
    assert abs(at(1.8) - 3.0) < 1.5  # on speech: gain brings −23 dBFS to −20
    assert at(2.3) < at(2.8) < at(3.5)  # in the pause it climbs …
    assert at(4.4) > 25.0  # … to near its maximum within about 2 s
    assert at(4.56) < 10.0  # and falls within tens of milliseconds of the next onset


def test_agc_output_stays_within_full_scale() -> None:
    x = np.zeros(2 * RATE)
    x[RATE:] = 0.5  # a loud onset after silence: the raised gain would overshoot
    y = _agc().apply(x)
    assert np.max(np.abs(y)) <= 0.99


def _tone(seconds: float, level: float = 0.5, f_hz: float = 200.0) -> np.ndarray:
    t = np.arange(round(seconds * RATE)) / RATE
    return level * np.sin(2 * np.pi * f_hz * t) * np.hanning(t.size) ** 0.1


def _clip(x: np.ndarray) -> rooms.Clip:
    bounds = rooms.speech_bounds(x, RATE)
    assert bounds is not None
    return rooms.trim_clip(x, *bounds)


def _silence(seconds: float) -> np.ndarray:
    return np.zeros(round(seconds * RATE))


def test_a_word_is_usable_alone_but_not_with_a_click_before_it() -> None:
    word = _tone(0.4)
    assert rooms.label_safe(_clip(np.concatenate([_silence(0.3), word, _silence(0.3)])), True)
    click = np.zeros(round(0.01 * RATE))
    click[:40] = 0.3
    with_click = np.concatenate([_silence(0.1), click, _silence(0.2), word, _silence(0.3)])
    assert not rooms.label_safe(_clip(with_click), word=True)


def test_an_utterance_with_a_long_faint_tail_is_refused_and_the_mix_tail_is_cut() -> None:
    speech = _tone(1.0)
    tail = _tone(0.35, level=0.5 * 10 ** (-35 / 20))  # 0.35 s at −35 dB: over the −40 dB rule
    x = np.concatenate([_silence(0.2), speech, tail, _silence(0.3)])
    clip = _clip(x)
    assert (clip.end - clip.start) / RATE > 1.3  # the rule counts the tail as speech …
    assert not rooms.label_safe(clip, word=False)  # … so the clip is not used as it is
    cut = rooms.cut_mixed_tail(clip)
    assert abs((cut.end - cut.start) / RATE - 1.0) < 0.04  # its boundaries: the speech alone
    assert rooms.label_safe(cut, word=False)


def test_a_long_bout_is_cut_in_a_gap_to_fit_the_pause() -> None:
    cough = _tone(0.3, f_hz=900.0)
    bout = np.concatenate([cough, _silence(0.25), cough, _silence(0.25), cough])  # 1.4 s
    short = rooms.shorten_event(bout, 1.0 * RATE)
    bounds = rooms.speech_bounds(short, RATE)
    assert bounds is not None and (bounds[1] - bounds[0]) / RATE <= 1.0
    assert (bounds[1] - bounds[0]) / RATE > 0.8  # two coughs kept, not one
    assert rooms.shorten_event(bout, 2.0 * RATE) is bout
