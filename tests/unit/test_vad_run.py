"""webrtcvad's decisions and the speech band kept between the checks of a live round: the same
decisions as a fresh VAD over the whole recording, the same samples as the speech band of the
whole, and the same measurement at every check."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.audio import live as live_module
from simulator.audio import vad as vad_module
from simulator.audio.analysis.signal import SpeechBandRun, speech_band
from simulator.audio.pattern import question_pause_name
from simulator.audio.vad import VadRun, WebRtcVad
from simulator.rehearsal.round import RoundPolicy
from tests.speech import RATE, clip, in_room, make_round, room_response

FRAME = 480


def speechlike(seconds: float, seed: int = 0) -> np.ndarray:
    """Bursts of noise, 200 ms on and 200 ms off, as 16-bit samples."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    on = (np.arange(n) // (RATE // 5)) % 2 == 0
    x = rng.standard_normal(n) * np.where(on, 6000.0, 60.0)
    return np.clip(x, -32768, 32767).astype(np.int16)


def test_a_growing_recording_gets_a_fresh_vad_s_decisions_at_every_call() -> None:
    pcm = speechlike(6.0)
    run = VadRun()
    for end in range(1600, pcm.size + 1, 1600):
        got = run.flags(2, RATE, FRAME, pcm[:end])
        assert np.array_equal(got, WebRtcVad(2, RATE, FRAME).flags(pcm[:end]))
    assert run.flags(2, RATE, FRAME, pcm).any() and not run.flags(2, RATE, FRAME, pcm).all()


def test_a_changed_start_another_mode_or_a_shorter_recording_starts_afresh() -> None:
    pcm = speechlike(4.0)
    run = VadRun()
    run.flags(3, RATE, FRAME, pcm[: 2 * RATE])
    louder = (pcm.astype(np.int32) * 4).clip(-32768, 32767).astype(np.int16)
    for mode, x in ((3, louder), (0, louder[: 3 * RATE]), (0, louder[:RATE]), (0, pcm)):
        assert np.array_equal(
            run.flags(mode, RATE, FRAME, x), WebRtcVad(mode, RATE, FRAME).flags(x)
        )


def test_a_growing_recording_gets_the_speech_band_of_the_whole_at_every_call() -> None:
    rng = np.random.default_rng(4)
    x = (rng.standard_normal(3 * RATE) * 0.1 + 0.05).astype(np.float32)
    run = SpeechBandRun()
    n = 0
    while n < x.size:
        n = min(x.size, n + int(rng.integers(1, 900)))
        assert np.array_equal(run.band(x[:n]), speech_band(x[:n])), n
    # Another start (a new round in the same run) is filtered afresh.
    y = x[::-1].copy()
    assert np.array_equal(run.band(y[:RATE]), speech_band(y[:RATE]))
    assert np.array_equal(run.band(y[: 2 * RATE]), speech_band(y[: 2 * RATE]))


@pytest.mark.espeak
def test_every_live_check_measures_as_a_fresh_analysis_of_the_same_audio(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A reverberant round with a hum under it: each check's measurement, with the decisions
    # kept from the checks before, equals the analysis of the same audio from scratch.
    r = make_round(
        clip("Welke twee voorbeelden heb ik net gegeven?", "nl"), clip("Kay?", "nl"), 2.0
    )
    x = in_room(r.samples, room_response(0.6, 0.0, seed=2))
    t = np.arange(x.size) / RATE
    x = (
        x
        + 0.01 * np.sin(2 * np.pi * 50 * t)
        + 0.002 * np.random.default_rng(3).standard_normal(x.size)
    ).astype(np.float32)
    x = np.concatenate([x, np.zeros(2 * RATE, dtype=np.float32)])
    checks: list[int] = []
    real = live_module.analyze_samples

    def both(samples, *args, **kwargs):  # type: ignore[no-untyped-def]
        kept = real(samples, *args, **kwargs)
        if kwargs.pop("vad_run", None) is not None and kwargs.pop("band_run", None) is not None:
            assert kept == real(samples, *args, **kwargs)
            checks.append(samples.size)
        return kept

    fresh: list[int] = []

    class Counted(WebRtcVad):
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            fresh.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(live_module, "analyze_samples", both)
    monkeypatch.setattr(vad_module, "WebRtcVad", Counted)
    live = RoundPolicy().live_round(question_pause_name(), 0)
    for i in range(0, x.size, 320):
        if live.feed(x[i : i + 320]).done:
            break
    assert live.done and not live.timed_out and len(checks) > 20
    assert live.finish().pause_s is not None
    # The decisions were kept: a fresh VAD only when the round's peak rose (the gain changed).
    assert 0 < len(fresh) < len(checks) / 3
