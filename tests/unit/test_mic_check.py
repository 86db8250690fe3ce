"""The microphone check's judgement: levels over time in, what it says out."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from simulator.rehearsal.mic_check import MicBlock, MicCheckMeter, Readiness, judge_mic
from tests.speech import clip, silence

ROOM = MicBlock(-65.0, voice=False)
NOISY_ROOM = MicBlock(-42.0, voice=False)
VOICE = MicBlock(-25.0, voice=True)
SOFT_VOICE = MicBlock(-52.0, voice=True)


def blocks(*parts: tuple[MicBlock, int]) -> list[MicBlock]:
    return [block for block, n in parts for _ in range(n)]


def test_before_anyone_speaks_it_waits_and_says_nothing_alarming() -> None:
    state = judge_mic(blocks((ROOM, 60)))
    assert state.readiness is Readiness.WAITING
    assert state.warnings == ()
    assert not state.ok
    assert state.noise_floor_dbfs == -65.0


def test_a_voice_at_a_good_level_makes_it_ready_and_it_stays_ready() -> None:
    assert judge_mic(blocks((ROOM, 10), (VOICE, 2))).readiness is Readiness.WAITING
    speaking = blocks((ROOM, 10), (VOICE, 20))
    assert judge_mic(speaking).ok
    after = judge_mic(speaking + blocks((ROOM, 100)))  # ten seconds of silence after speaking
    assert after.readiness is Readiness.READY and after.ok
    assert after.warnings == ()


def test_the_voice_is_not_background_noise() -> None:
    state = judge_mic(blocks((ROOM, 10), (VOICE, 40)))
    assert state.noise_floor_dbfs == -65.0  # from the quiet before the voice only
    assert "noisy" not in state.warnings
    # While the teacher talks from the first block on, the background is simply not known yet.
    assert judge_mic(blocks((VOICE, 40))).noise_floor_dbfs is None
    # Word tails next to the voice (loud, no VAD decision) do not count either.
    tail = MicBlock(-35.0, voice=False)
    state = judge_mic(blocks((ROOM, 10), (VOICE, 5), (tail, 2), (ROOM, 10), (VOICE, 5), (tail, 2)))
    assert state.noise_floor_dbfs == -65.0


def test_a_noisy_room_is_noisy_when_nobody_speaks() -> None:
    state = judge_mic(blocks((NOISY_ROOM, 20)))
    assert state.warnings == ("noisy",)
    assert state.readiness is Readiness.WAITING
    state = judge_mic(blocks((NOISY_ROOM, 20), (VOICE, 10), (NOISY_ROOM, 10)))
    assert state.warnings == ("noisy",) and state.ok


def test_too_quiet_only_after_a_soft_voice_was_heard() -> None:
    assert judge_mic(blocks((ROOM, 40), (SOFT_VOICE, 4))).warnings == ()
    state = judge_mic(blocks((ROOM, 40), (SOFT_VOICE, 8), (ROOM, 30)))
    assert state.readiness is Readiness.TOO_QUIET and state.warnings == ("too_quiet",)
    # Speaking up afterwards makes it ready.
    state = judge_mic(blocks((ROOM, 40), (SOFT_VOICE, 8), (VOICE, 5)))
    assert state.readiness is Readiness.READY and state.warnings == ()


def test_clipping_warns_and_a_clipped_voice_is_not_called_quiet() -> None:
    clipped = MicBlock(-3.0, voice=True, clipped=True)
    state = judge_mic(blocks((ROOM, 10), (clipped, 10)))
    assert state.warnings == ("clipping",)
    assert state.readiness is Readiness.WAITING
    assert judge_mic(blocks((ROOM, 10), (clipped, 10), (ROOM, 31))).warnings == ()
    # Clipping after a good voice: still ready, but not "ok" while the clipping is recent.
    state = judge_mic(blocks((ROOM, 10), (VOICE, 5), (clipped, 2)))
    assert state.readiness is Readiness.READY and not state.ok
    assert judge_mic(blocks((ROOM, 10), (VOICE, 5), (clipped, 2), (ROOM, 30))).ok


def test_exact_zeros_say_the_microphone_delivers_nothing() -> None:
    dead = MicBlock(-100.0, voice=False, zero=True)
    assert judge_mic(blocks((dead, 10))).warnings == ("all_zero",)
    assert judge_mic(blocks((ROOM, 5), (dead, 10))).warnings == ("all_zero",)


def test_after_a_voice_exact_zeros_are_silence_between_words_until_they_last() -> None:
    # An input that gates its quiet to digital zero (a noise suppressor) after a good voice:
    # the teacher fell silent; the check stays ready.
    dead = MicBlock(-100.0, voice=False, zero=True)
    between_words = judge_mic(blocks((ROOM, 5), (VOICE, 10), (dead, 30)))
    assert between_words.warnings == () and between_words.ok
    talking_again = judge_mic(blocks((ROOM, 5), (VOICE, 10), (dead, 30), (VOICE, 3), (dead, 20)))
    assert talking_again.ok
    # Five seconds of nothing but zeros: the input went dead (a mute switch).
    muted = judge_mic(blocks((ROOM, 5), (VOICE, 10), (dead, 50)))
    assert muted.warnings == ("all_zero",) and not muted.ok


def test_the_meter_on_real_speech_in_a_room() -> None:
    def run(samples: np.ndarray) -> MicCheckMeter:
        meter = MicCheckMeter()
        for i in range(0, samples.size, 320):
            meter.feed(samples[i : i + 320])
        return meter

    rng = np.random.default_rng(1)
    speech = clip("Good morning everyone, let us begin with the homework.", "en")
    room = (rng.standard_normal(16_000 * 2) * 0.0005).astype(np.float32)
    talk = np.concatenate([room, speech + np.resize(room, speech.size), room, room])
    meter = run(talk)
    assert meter.state.readiness is Readiness.READY and meter.state.warnings == ()
    assert meter.state.noise_floor_dbfs is not None and meter.state.noise_floor_dbfs < -60
    # The voice blocks were found where the speech is, not in the room before it.
    voice = [b.voice for b in meter.history]
    assert not any(voice[:20]) and sum(voice) >= 10
    # A loud voice over a quiet room is not "background noise", also while it is still talking.
    while_talking = run(np.concatenate([room[:8000], speech * 4]))
    assert "noisy" not in while_talking.state.warnings
    assert while_talking.state.readiness is Readiness.READY
    # Steady room noise alone: no voice, nothing but the background judged.
    assert run(room).state.readiness is Readiness.WAITING
    assert run(silence(2.0)).state.warnings == ("all_zero",)


def test_the_voice_is_found_however_large_the_blocks_the_microphone_delivers() -> None:
    # Only the check's first two blocks (0.2 s) are webrtcvad's warm-up: a first read of a
    # whole second (as a sound server may deliver after a stall) is judged like ten small ones.
    speech = clip("Good morning everyone, let us begin with the homework.", "en")
    talk = np.concatenate([silence(0.3), speech, silence(0.5)])
    whole, small = MicCheckMeter(), MicCheckMeter()
    whole.feed(talk)
    for i in range(0, talk.size, 1600):
        small.feed(talk[i : i + 1600])
    assert [b.voice for b in whole.history] == [b.voice for b in small.history]
    assert sum(b.voice for b in whole.history) >= 10
    assert whole.state.readiness is Readiness.READY


def test_the_judgement_loads_no_ui_or_audio_device_library() -> None:
    code = (
        "import sys; from simulator.rehearsal import mic_check; mic_check.MicCheckMeter();"
        "print('textual' in sys.modules, 'sounddevice' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
