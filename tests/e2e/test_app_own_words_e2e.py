"""The real app on the real audio path with the teacher's own words, and a played cue.

Same path as test_app_e2e.py (paplay → PulseAudio null sink → its monitor → PortAudio →
sounddevice → the real ``coach-sim practice`` in tmux). With ``--keep-audio`` the app saves what
it heard up to the moment the round ended, so where the round ended and what the pause truly was
are read from the saved audio, in samples, not from a clock.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from simulator.audio.cue import audible_end_sample
from simulator.audio.live import NAME_MAX_S, RING_MAX_S
from simulator.audio.result import ANALYSIS_RATE_HZ
from simulator.audio.wav import read_wav, write_wav_pcm16
from tests.e2e.conftest import PulseServer
from tests.e2e.tmux_app import TmuxApp, coach_sim_command, saved_sessions
from tests.speech import RATE, clip, key_presses, make_round, needs_speech_model

pytestmark = [pytest.mark.e2e, pytest.mark.espeak]

PAUSE_TOLERANCE_S = 0.10
CUE_TOLERANCE_S = 0.030


def _parts(x: np.ndarray, gap_s: float) -> list[tuple[int, int]]:
    """The stretches of ``x`` within 40 dB of its peak, split at silences of ``gap_s`` or more."""
    loud = np.nonzero(np.abs(x) >= np.max(np.abs(x)) * 10 ** (-40 / 20))[0]
    gap = int(gap_s * ANALYSIS_RATE_HZ)
    breaks = np.nonzero(np.diff(loud) > gap)[0]
    starts = [int(loud[0]), *(int(loud[i + 1]) for i in breaks)]
    ends = [*(int(loud[i]) + 1 for i in breaks), int(loud[-1]) + 1]
    return list(zip(starts, ends, strict=True))


def _kept_round(home: Path) -> np.ndarray:
    (wav,) = sorted((home / "recordings").rglob("round-1.wav"))
    audio = read_wav(wav)
    assert audio.sample_rate_hz == ANALYSIS_RATE_HZ
    return audio.samples[:, 0].astype(np.float64)


def _run_one_round(
    pulse_server: PulseServer, tmp_path: Path, scenario: str, lang: str, play: object
) -> tuple[np.ndarray, float]:
    home = tmp_path / "home"
    app = TmuxApp(tmp_path / "tmux.sock", pulse_server.env)
    app.start(
        [*coach_sim_command(), "practice", scenario, "--lang", lang, "--keep-audio"],
        {**pulse_server.env_vars, "COACH_SIM_HOME": str(home)},
    )
    feedback = "Ronde 1 van 3: feedback" if lang == "nl" else "Round 1 of 3: feedback"
    try:
        ready = "Druk op Spatie of Enter" if lang == "nl" else "Press Space or Enter"
        app.wait_for(ready, timeout_s=30)
        app.keys("Space")
        play(app)  # type: ignore[operator]
        app.wait_for(feedback, timeout_s=40)
    finally:
        app.stop()
    (session,) = saved_sessions(pulse_server.env, home)
    pause_s = session["rounds"][0]["pause_s"]  # type: ignore[index]
    assert isinstance(pause_s, float)
    return _kept_round(home), pause_s


def _ends_just_after_the_name(
    pulse_server: PulseServer, tmp_path: Path, question: np.ndarray, name: np.ndarray
) -> None:
    """The question, a 3 s pause and ``name`` played into the real app: the round ends (the saved
    audio stops) 0.8-1.0 s after the end of the name (after this long a pause, 0.8 s after where
    the name's voice stopped, by its level), and the saved pause is the 3 s."""
    r = make_round(question, name, 3.0, lead_s=0.3, tail_s=7.0)
    write_wav_pcm16(tmp_path / "round.wav", r.samples, RATE)

    def play(app: TmuxApp) -> None:
        app.wait_for("Ik luister", timeout_s=15)
        pulse_server.play(tmp_path / "round.wav", wait=False)

    heard, saved_pause_s = _run_one_round(pulse_server, tmp_path, "check-question", "nl", play)
    (q_start, q_end), (n_start, n_end) = _parts(heard, 1.0)
    assert 0.8 - RING_MAX_S <= (heard.size - n_end) / ANALYSIS_RATE_HZ <= 1.0
    assert (n_start - q_end) / ANALYSIS_RATE_HZ == pytest.approx(3.0, abs=0.03)
    assert saved_pause_s == pytest.approx(3.0, abs=PAUSE_TOLERANCE_S)


def test_own_dutch_question_and_a_long_name_end_the_round_just_after_the_name(
    pulse_server: PulseServer, tmp_path: Path, espeak: str
) -> None:
    # Not the prompt's question nor its name ("Kay"): a short question of the teacher's own.
    question = clip("Wat zie je op deze foto?", "nl")
    _ends_just_after_the_name(pulse_server, tmp_path, question, clip("Anne-Sophie?", "nl", 120))


def test_a_name_with_words_after_it_ends_the_round_just_after_the_words(
    pulse_server: PulseServer, tmp_path: Path, espeak: str
) -> None:
    # The teacher calls on the student with more words after the name, 2 s of speech in all:
    # longer than a name, and the round ended some 5 s after it, waiting for a name.
    name = clip("Kay, wat denk jij daarvan?", "nl")
    assert name.size > NAME_MAX_S * RATE
    _ends_just_after_the_name(pulse_server, tmp_path, clip("Wat zie je op deze foto?", "nl"), name)


def test_typing_straight_after_the_name_does_not_hold_the_round_open(
    pulse_server: PulseServer, tmp_path: Path, espeak: str
) -> None:
    # Someone types on, loud, from 50 ms after the name for 2.5 s: the round ended only once the
    # typing stopped. Now it ends 0.8-1.0 s after the name, the typing still going.
    needs_speech_model()
    question, name = clip("Wat zie je op deze foto?", "nl"), clip("Kay?", "nl")
    r = make_round(question, name, 3.0, lead_s=0.3, tail_s=0.05)
    x = np.concatenate([r.samples, key_presses(2.5, 0.3), np.zeros(6 * RATE, dtype=np.float32)])
    write_wav_pcm16(tmp_path / "round.wav", x, RATE)

    def play(app: TmuxApp) -> None:
        app.wait_for("Ik luister", timeout_s=15)
        pulse_server.play(tmp_path / "round.wav", wait=False)

    heard, saved_pause_s = _run_one_round(pulse_server, tmp_path, "check-question", "nl", play)
    # The name's end in the saved audio, from where the question starts there and in ``x``
    # (each by the same 40 dB rule).
    name_end = _parts(heard, 1.0)[0][0] + r.name_start + name.size - _parts(x, 1.0)[0][0]
    after_s = (heard.size - name_end) / ANALYSIS_RATE_HZ
    print(f"\nended {after_s:.2f} s after the name, with typing until 2.55 s after it")
    assert 0.8 - RING_MAX_S <= after_s <= 1.0
    assert saved_pause_s == pytest.approx(3.0, abs=PAUSE_TOLERANCE_S)


def test_the_wait_after_a_played_cue_is_timed_from_its_audible_end(
    pulse_server: PulseServer, tmp_path: Path, espeak: str
) -> None:
    response = clip("Can you tell us more about that?", "en")
    write_wav_pcm16(tmp_path / "response.wav", np.concatenate([response, np.zeros(RATE)]), RATE)

    def play(app: TmuxApp) -> None:
        app.wait_for("Listening. Wait", timeout_s=30)  # the cue has been played
        time.sleep(2.5)  # the teacher waits; the true wait is read from the saved audio
        pulse_server.play(tmp_path / "response.wav", wait=False)

    heard, saved_wait_s = _run_one_round(
        pulse_server, tmp_path, "wait-time-after-answer", "en", play
    )
    # The app's speaker output reaches its microphone (the null sink's monitor): the cue, the
    # silence, then the response. Each part's edges by the same 40 dB rule as the cue's end.
    parts = _parts(heard, 1.5)
    assert len(parts) == 2, parts
    middle = (parts[0][1] + parts[1][0]) // 2
    cue_end = audible_end_sample(heard[:middle])
    answer = np.abs(heard[middle:])
    response_start = middle + int(np.argmax(answer >= answer.max() * 10 ** (-40 / 20)))
    true_wait_s = (response_start - cue_end) / ANALYSIS_RATE_HZ
    print(f"\ncue wait: saved {saved_wait_s:.3f} s, true {true_wait_s:.3f} s")
    assert saved_wait_s == pytest.approx(true_wait_s, abs=CUE_TOLERANCE_S)
