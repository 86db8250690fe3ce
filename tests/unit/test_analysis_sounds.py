"""Speech, not sounds: a scrape, a footstep, a door or typing inside the thinking pause is not the
end of the question. Each check also switches its rule off and shows the round then goes wrong.

The footsteps, the doors, the cough and the key presses are real recordings from the shared
development audio (minetest, CC0 / CC BY 3.0; Coswara, CC BY 4.0; bucklespring, GPL-2+), read from
``../shared/dev-audio`` at test time; they are not copied into the repository. None of them is one
of the files the room benchmark holds apart. A round with such a sound alone in it holds no speech.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.audio.analysis import DEFAULT_CONFIG, DetectorConfig, analyze_samples, model
from simulator.audio.analysis.voicing import last_run_end, periodicity
from simulator.audio.result import Reason, Verdict
from tests.speech import RATE, clip, in_room, make_round, recorded_sound, room_response, silence


def _without(**detection: object) -> DetectorConfig:
    """The analysis with the speech model not asked (so each signal rule is seen on its own),
    and with the given detection settings."""
    fields = {"model_min_probability": 0.0, **detection}
    return replace(DEFAULT_CONFIG, detection=replace(DEFAULT_CONFIG.detection, **fields))


NO_VOICING = _without(min_voiced_run_ms=0)
SIGNAL_RULES_ONLY = _without()
DEV_AUDIO = Path(__file__).resolve().parents[3] / "shared" / "dev-audio"


def _place(
    samples: npt.NDArray[np.float32], sound: npt.NDArray[np.float32], at: int
) -> npt.NDArray[np.float32]:
    out = samples.copy()
    out[at : at + sound.size] += sound[: max(0, out.size - at)]
    return out


def _floor(samples: npt.NDArray[np.float32], seed: int = 0) -> npt.NDArray[np.float32]:
    """A quiet room: a faint microphone floor 60 dB under full scale."""
    noise = np.random.default_rng(seed).standard_normal(samples.size) * 1e-3
    return (samples + noise).astype(np.float32)


def _scrape(seconds: float = 0.35, seed: int = 1) -> npt.NDArray[np.float32]:
    """A chair leg on the floor: band-limited noise with a rough, rising-then-falling envelope."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    noise = rng.standard_normal(n)
    spec = np.fft.rfft(noise)
    freqs = np.fft.rfftfreq(n, 1 / RATE)
    spec[(freqs < 300) | (freqs > 5000)] = 0
    band = np.fft.irfft(spec, n)
    envelope = np.sin(np.linspace(0, np.pi, n)) * (
        0.6 + 0.4 * rng.random(n // 160 + 1).repeat(160)[:n]
    )
    out = band * envelope
    return (out / np.max(np.abs(out)) * 0.4).astype(np.float32)


def _pause(
    samples: npt.NDArray[np.float32], config: DetectorConfig = DEFAULT_CONFIG
) -> float | None:
    return analyze_samples(samples, RATE, config=config).pause_s


@pytest.mark.usefixtures("espeak")
def test_a_chair_scrape_in_the_pause_is_not_the_end_of_the_question() -> None:
    q = clip("Welke twee voorbeelden heb ik net gegeven van marktwerking?", "nl")
    name = clip("Kay.", "nl")
    r = make_round(q, name, 3.4)
    x = _floor(_place(r.samples, _scrape(), r.question_end + int(2.2 * RATE)))
    pause = _pause(x)
    assert pause is not None and abs(pause - r.pause_s) <= 0.1
    alone = _pause(x, SIGNAL_RULES_ONLY)
    assert alone is not None and abs(alone - r.pause_s) <= 0.1
    without = _pause(x, NO_VOICING)
    assert without is None or abs(without - r.pause_s) > 0.5


def _event(kind: str, name: str, peak: float) -> npt.NDArray[np.float32]:
    return recorded_sound(DEV_AUDIO / "events" / kind / name, peak)


@pytest.mark.usefixtures("espeak")
@pytest.mark.parametrize(
    ("kind", "files"),
    [
        ("footsteps", ["footsteps_minetest_default_dirt_footstep_1.flac"]),
        ("door", ["door_minetest_doors_door_close.flac"]),
    ],
)
def test_a_real_sound_in_the_pause_is_not_the_end_of_the_question(
    kind: str, files: list[str]
) -> None:
    q = clip("What did we just learn about market forces?", "en")
    name = clip("Kay.", "en")
    r = make_round(q, name, 3.6)
    x = r.samples
    for k, file in enumerate(files):
        x = _place(x, _event(kind, file, 0.3), r.question_end + int((1.0 + 0.6 * k) * RATE))
    x = _floor(x)
    pause = _pause(x)
    assert pause is not None and abs(pause - r.pause_s) <= 0.1
    alone = _pause(x, SIGNAL_RULES_ONLY)
    assert alone is not None and abs(alone - r.pause_s) <= 0.1
    without = _pause(x, NO_VOICING)
    assert without is None or abs(without - r.pause_s) > 0.5


@pytest.mark.usefixtures("espeak")
def test_a_spoken_name_is_periodic_and_a_scrape_is_not() -> None:
    name = clip("Mohammed.", "nl")
    frames = name.size // 160
    assert np.max(periodicity(name, 0, frames)) > 0.9
    scrape = _scrape()
    assert np.max(periodicity(scrape, 0, scrape.size // 160)) < 0.6


@pytest.mark.usefixtures("espeak")
def test_a_scrape_in_steady_noise_is_still_judged_by_its_voicing() -> None:
    # A loud but unvoiced background (hiss 12 dB under the speech) leaves the voice's
    # periodicity to judge by.
    q = clip("Welke twee voorbeelden heb ik net gegeven van marktwerking?", "nl")
    r = make_round(q, clip("Kay.", "nl"), 3.4)
    speech_rms = float(np.sqrt(np.mean(np.square(q, dtype=np.float64))))
    hiss = np.random.default_rng(4).standard_normal(r.samples.size)
    hiss *= speech_rms * 10 ** (-12 / 20) / np.sqrt(np.mean(hiss**2))
    x = _place((r.samples + hiss).astype(np.float32), _scrape(), r.question_end + int(2.2 * RATE))
    pause = _pause(x)
    # (In hiss this loud the question's last decay is partly lost: up to 150 ms.)
    assert pause is not None and abs(pause - r.pause_s) <= 0.15
    alone = _pause(x, SIGNAL_RULES_ONLY)
    assert alone is not None and abs(alone - r.pause_s) <= 0.15
    without = _pause(x, NO_VOICING)
    assert without is None or abs(without - r.pause_s) > 0.5


@pytest.mark.usefixtures("espeak")
def test_typing_in_the_pause_is_too_bright_to_be_the_teacher() -> None:
    # Six real key presses (bucklespring, GPL-2+) in half a second: their clicks ring enough to
    # pass for voiced, but they are far brighter than the speaker's own words.
    keys = ["24-0", "12-0", "11-0", "1a-0"]
    q = clip("What did we just learn about market forces?", "en")
    r = make_round(q, clip("Kay.", "en"), 3.6)
    x = _floor(_typing(r.samples, r.question_end + int(1.2 * RATE), keys))
    pause = _pause(x)
    assert pause is not None and abs(pause - r.pause_s) <= 0.1
    alone = _pause(x, SIGNAL_RULES_ONLY)
    assert alone is not None and abs(alone - r.pause_s) <= 0.1
    without = _pause(x, _without(brighter_than_voice_db=0.0))
    assert without is None or abs(without - r.pause_s) > 0.5


def _typing(
    samples: npt.NDArray[np.float32],
    at: int,
    keys: list[str],
    presses: int = 6,
    every_s: float = 0.09,
) -> npt.NDArray[np.float32]:
    for k in range(presses):
        press = _event("keyboard", f"keyboard_bucklespring_{keys[k % len(keys)]}.flac", 0.3)
        samples = _place(samples, press, at + int(every_s * k * RATE))
    return samples


@pytest.mark.usefixtures("espeak")
@pytest.mark.parametrize(
    ("name", "pause_s", "typing_from_s", "rule", "tolerance_s", "short_by_s"),
    [
        # A second of typing 0.2 s after the question: the question's last word rings on into
        # the first key presses, and the silence between them is shorter than the closure
        # before a word-final burst. Judged only after a longer silence (stray_run_min_ms
        # off), the typing ends the question.
        ("Kay.", 3.6, 0.2, "stray_run_min_ms", 0.3, 1.0),
        # A second of typing that ends as the name begins: no silence between them, so the keys
        # and the name are one segment. From that segment's own start (onset_model_min_ms
        # off), the pause ends at the first key.
        ("Anne-Sophie?", 3.4, -0.96, "onset_model_min_ms", 0.35, 0.8),
        # A second of typing from 30 ms after the question's last word: no silence between
        # them, so the word and the keys are one segment. To that segment's own end
        # (end_model_min_ms off), the pause starts at the last key.
        ("Kay.", 3.6, 0.03, "end_model_min_ms", 0.25, 0.6),
    ],
)
def test_typing_bridged_onto_the_teachers_words_in_a_ringing_room_is_not_speech(
    name: str,
    pause_s: float,
    typing_from_s: float,
    rule: str,
    tolerance_s: float,
    short_by_s: float,
) -> None:
    # typing_from_s: after the question's end, or (negative) before the name's start. The
    # speech model hears no speech in the typing.
    q = clip("What did we just learn about market forces?", "en")
    r = make_round(q, clip(name, "en"), pause_s)
    at = r.question_end if typing_from_s > 0 else r.name_start
    typed = _typing(r.samples, at + int(typing_from_s * RATE), ["07-0", "11-0"], 8, 0.12)
    x = _floor(in_room(typed, room_response(0.6, -3.0)))
    assert model.available()
    m = analyze_samples(x, RATE)
    assert m.pause_s is not None and abs(m.pause_s - r.pause_s) <= tolerance_s
    assert m.verdict is Verdict.ON_TARGET
    without = _pause(
        x, replace(DEFAULT_CONFIG, detection=replace(DEFAULT_CONFIG.detection, **{rule: 0}))
    )
    assert without is not None and without < r.pause_s - short_by_s


def test_the_last_voiced_run_ends_where_its_last_frame_is() -> None:
    # Frames: a vowel of three, a gap, one of two, a gap, a single voiced frame, a gap.
    voiced = np.array([1, 1, 1, 0, 1, 1, 0, 0, 1, 0], dtype=bool)
    assert last_run_end(voiced, 1) == 9
    assert last_run_end(voiced, 2) == 6
    assert last_run_end(voiced, 3) == 3
    assert last_run_end(voiced, 4) == 0  # no run that long
    assert last_run_end(np.ones(5, dtype=bool), 2) == 5


@pytest.mark.usefixtures("espeak")
def test_the_speech_model_hears_that_typing_is_not_speech() -> None:
    # These two keys ring low enough to pass for a voice and are no brighter than it; the
    # speech model, asked about that one utterance, hears no speech in it.
    q = clip("What did we just learn about market forces?", "en")
    r = make_round(q, clip("Kay.", "en"), 3.6)
    x = _floor(_typing(r.samples, r.question_end + int(1.2 * RATE), ["07-0", "11-0"]))
    assert model.available()
    pause = _pause(x)
    assert pause is not None and abs(pause - r.pause_s) <= 0.1
    not_asked = replace(
        DEFAULT_CONFIG, detection=replace(DEFAULT_CONFIG.detection, model_min_probability=0.0)
    )
    without = _pause(x, not_asked)
    assert without is None or abs(without - r.pause_s) > 0.5


@pytest.mark.usefixtures("espeak")
def test_without_the_speech_model_the_signal_rules_still_measure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(model, "_model", lambda: None)
    q = clip("What did we just learn about market forces?", "en")
    r = make_round(q, clip("Kay.", "en"), 3.6)
    x = _floor(_place(r.samples, _scrape(), r.question_end + int(2.2 * RATE)))
    assert not model.available()
    pause = _pause(x)
    assert pause is not None and abs(pause - r.pause_s) <= 0.1


def _counting_model(calls: list[bytes], answer: float) -> type:
    """A stand-in for the network (as ``model._model``) that notes every window it is given and
    always answers ``answer``."""

    class Counting:
        def reset(self) -> None:
            pass

        def process(self, block: bytes) -> float:
            calls.append(block)
            return answer

    return Counting


def test_the_speech_model_answers_once_per_utterance(monkeypatch: pytest.MonkeyPatch) -> None:
    # A live round asks about the same utterances at every check: the second time the answer
    # comes from the cache, without running the network again.
    x = (np.random.default_rng(7).standard_normal(3 * RATE) * 0.01).astype(np.float32)
    first = model.speech_probability(x, RATE, 2 * RATE, 4800)
    calls: list[bytes] = []
    monkeypatch.setattr(model, "_model", _counting_model(calls, 1.0))
    assert model.speech_probability(x, RATE, 2 * RATE, 4800) == first
    assert calls == []
    assert model.speech_probability(x, RATE + 512, 2 * RATE, 4800) == 1.0
    assert calls


def test_a_kept_answer_counts_only_for_the_very_audio_it_was_given_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The same stretch of a recording whose level was normalised anew (a louder moment came
    # later), or of another recording, is asked again; the kept answers hold at most the cache's
    # bytes of audio, the oldest going first.
    calls: list[bytes] = []
    monkeypatch.setattr(model, "_model", _counting_model(calls, 0.5))
    monkeypatch.setattr(model, "_CACHE", type(model._CACHE)())  # noqa: SLF001
    monkeypatch.setattr(model, "_cached_bytes", 0)
    x = (np.random.default_rng(8).standard_normal(3 * RATE) * 0.01).astype(np.float32)
    assert model.speech_probability(x, RATE, 2 * RATE, 4800) == 0.5
    asked = len(calls)
    assert model.speech_probability(x.copy(), RATE, 2 * RATE, 4800) == 0.5
    assert len(calls) == asked  # equal audio, in another array: kept
    louder = x * np.float32(1.5)
    model.speech_probability(louder, RATE, 2 * RATE, 4800)
    assert len(calls) == 2 * asked  # the same place, other samples: asked again
    one_sample_off = louder.copy()
    one_sample_off[RATE + 100] += np.float32(1e-6)
    model.speech_probability(one_sample_off, RATE, 2 * RATE, 4800)
    assert len(calls) == 3 * asked

    stretch_bytes = (RATE + 4800) * 4
    monkeypatch.setattr(model, "_CACHE_BYTES", 2 * stretch_bytes)
    for start in (0, 512, 1024):
        model.speech_probability(x, 4800 + start, 4800 + start + RATE, 4800)
    assert model._cached_bytes <= 2 * stretch_bytes  # noqa: SLF001
    calls.clear()
    model.speech_probability(x, 4800 + 1024, 4800 + 1024 + RATE, 4800)
    assert calls == []  # the newest is kept
    model.speech_probability(x, 4800, 4800 + RATE, 4800)
    assert calls  # the oldest is gone


def test_a_question_that_stops_sooner_is_answered_from_scores_that_went_further(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Is it speech (any window over 0.2), is it sure speech (0.5), how much of it is speech
    # (every window): one analysis asks all three about an utterance. Once the network has
    # scored every window, the others come from those scores; scores that stopped at 0.5 answer
    # 0.2 but not "every window".
    scores = iter([0.1, 0.3, 0.6, 0.9] * 100)
    calls: list[bytes] = []

    class Rising:
        def reset(self) -> None:
            pass

        def process(self, block: bytes) -> float:
            calls.append(block)
            return next(scores)

    monkeypatch.setattr(model, "_model", Rising)
    monkeypatch.setattr(model, "_CACHE", type(model._CACHE)())  # noqa: SLF001
    monkeypatch.setattr(model, "_cached_bytes", 0)
    x = (np.random.default_rng(9).standard_normal(RATE) * 0.01).astype(np.float32)
    assert model.window_scores(x, 0, 4 * 512, 0, enough=0.5) == (0.1, 0.3, 0.6)
    assert model.window_scores(x, 0, 4 * 512, 0, enough=0.2) == (0.1, 0.3)
    assert len(calls) == 3
    assert model.window_scores(x, 0, 4 * 512, 0) == (0.1, 0.3, 0.6, 0.9)
    assert len(calls) == 4  # the network went on from the third window, where it had stopped
    assert model.window_scores(x, 0, 4 * 512, 0, enough=0.8) == (0.1, 0.3, 0.6, 0.9)
    assert model.window_scores(x, 0, 4 * 512, 0, short_of=0.2) == (0.1,)
    assert model.mean_speech_probability(x, 0, 4 * 512, 0) == pytest.approx(0.475)
    assert len(calls) == 4


def test_a_stretch_that_grows_is_scored_only_where_it_grew(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A live round asks about the name's stretch at every check as it grows: the network goes
    # on from where it stopped. Once other stretches have taken every kept network, a network
    # is reset and given the stretch from its start again, and the scores are the same.
    calls: list[bytes] = []

    class Stateful:
        """Answers from the window and all the windows before it since the reset, as the
        network does."""

        def __init__(self) -> None:
            self.heard = 0.0

        def reset(self) -> None:
            self.heard = 0.0

        def process(self, block: bytes) -> float:
            calls.append(block)
            self.heard = 0.5 * self.heard + float(np.mean(np.abs(np.frombuffer(block, np.float32))))
            return self.heard

    monkeypatch.setattr(model, "_model", Stateful)
    monkeypatch.setattr(model, "_CACHE", type(model._CACHE)())  # noqa: SLF001
    monkeypatch.setattr(model, "_cached_bytes", 0)
    x = (np.random.default_rng(10).standard_normal(3 * RATE) * 0.01).astype(np.float32)
    x[0] = 0.5  # the loudest sample first: the level set for the network stays the same
    first = model.window_scores(x, 512, 10 * 512, 512)
    assert first is not None and len(first) == 9 and len(calls) == 10
    grown = model.window_scores(x, 512, 20 * 512, 512)
    assert grown is not None and grown[:9] == first and len(calls) == 20
    for k in range(model.NETWORKS):  # other stretches, each on a network of its own
        model.window_scores(x, (40 + 5 * k) * 512, (44 + 5 * k) * 512, 512)
    calls.clear()
    again = model.window_scores(x, 512, 30 * 512, 512)
    assert again is not None and again[:19] == grown and len(calls) == 30
    monkeypatch.setattr(model, "_CACHE", type(model._CACHE)())  # noqa: SLF001
    assert model.window_scores(x, 512, 30 * 512, 512) == again  # as worked out afresh


def test_a_stretch_asked_about_in_part_keeps_its_network_longest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Is the name speech (the first window that reaches 0.5 will do), then, after every other
    # utterance has been asked about, how much of it is speech: the network that stopped in the
    # name is passed over while others hold utterances heard to their end, so the name's
    # windows are not heard again from its start.
    calls: list[bytes] = []
    monkeypatch.setattr(model, "_model", _counting_model(calls, 0.9))
    monkeypatch.setattr(model, "_NETWORKS", [])
    monkeypatch.setattr(model, "_CACHE", type(model._CACHE)())  # noqa: SLF001
    monkeypatch.setattr(model, "_cached_bytes", 0)
    x = (np.random.default_rng(12).standard_normal(4 * RATE) * 0.01).astype(np.float32)
    x[0] = 0.5  # the loudest sample first: every stretch is heard at one level
    assert model.window_scores(x, 512, 20 * 512, 512, enough=0.5) == (0.9,)
    for k in range(2 * model.NETWORKS):  # other utterances, each heard to its end
        model.window_scores(x, (30 + 5 * k) * 512, (34 + 5 * k) * 512, 512)
    calls.clear()
    assert model.mean_speech_probability(x, 512, 20 * 512, 512) == pytest.approx(0.9)
    assert len(calls) == 18  # the name's windows after the first, and no more


def test_the_speech_model_stops_listening_once_it_has_heard_enough(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The question is speech once any window reaches the threshold: the windows after it are
    # not scored; a full answer asked for later is worked out whole, and then answers both.
    x = (np.random.default_rng(11).standard_normal(4 * RATE) * 0.01).astype(np.float32)
    calls: list[bytes] = []

    class Rising:
        def reset(self) -> None:
            calls.clear()

        def process(self, block: bytes) -> float:
            calls.append(block)
            return min(1.0, 0.05 * len(calls))

    monkeypatch.setattr(model, "_model", Rising)
    enough = model.speech_probability(x, RATE, 4 * RATE, 0, enough=0.2)
    assert enough is not None and enough >= 0.2 and len(calls) == 4
    full = model.speech_probability(x, RATE, 4 * RATE, 0)
    assert full == 1.0 and len(calls) == 3 * RATE // 512
    calls.clear()
    assert model.speech_probability(x, RATE, 4 * RATE, 0) == 1.0  # the full answer, kept
    assert model.speech_probability(x, RATE, 4 * RATE, 0, enough=0.2) == enough
    assert calls == []


def test_the_speech_model_stops_listening_at_the_first_window_that_is_no_speech(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Following the question's end into the pause needs the windows up to the first that is no
    # speech: the rest are not scored, and the ones scored are the full answer's.
    x = (np.random.default_rng(12).standard_normal(2 * RATE) * 0.01).astype(np.float32)
    calls: list[bytes] = []

    class Falling:
        def reset(self) -> None:
            calls.clear()

        def process(self, block: bytes) -> float:
            calls.append(block)
            return max(0.0, 1.0 - 0.1 * len(calls))

    monkeypatch.setattr(model, "_model", Falling)
    short = model.window_scores(x, 0, 2 * RATE, 0, short_of=0.5)
    assert short is not None and len(calls) == 6
    full = model.window_scores(x, 0, 2 * RATE, 0)
    assert full is not None and len(full) == 2 * RATE // 512
    assert short == full[:6] and short[-1] < 0.5 <= min(short[:-1])
    calls.clear()
    assert model.window_scores(x, 0, 2 * RATE, 0) == full  # the full answer, kept
    assert model.window_scores(x, 0, 2 * RATE, 0, short_of=0.5) == short
    assert calls == []


def test_periodicity_is_worked_out_once_per_unchanged_stretch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A live round looks at the same finished words every 0.1 s: their periodicity comes back
    # from the cache, equal to what was worked out; new audio is worked out afresh.
    from simulator.audio.analysis import voicing

    t = np.arange(2 * RATE) / RATE
    x = (0.3 * np.sin(2 * np.pi * 140 * t)).astype(np.float32)
    first = periodicity(x, 10, 60)
    calls: list[int] = []
    real = voicing._strongest_correlation

    def counting(chunks: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        calls.append(chunks.shape[0])
        return real(chunks)

    monkeypatch.setattr(voicing, "_strongest_correlation", counting)
    again = periodicity(x, 10, 60)
    assert calls == [] and np.array_equal(again, first) and np.median(again) > 0.9
    again[:] = 0.0  # what a caller does with its copy does not reach the cache
    assert np.array_equal(periodicity(x, 10, 60), first)
    longer = np.concatenate((x, x[:RATE]))
    assert np.array_equal(periodicity(longer, 10, 60), first) and calls == []
    periodicity(x, 20, 70)
    assert calls


@pytest.mark.filterwarnings("error::RuntimeWarning")
@settings(max_examples=60, deadline=None)
@given(
    seconds=st.floats(0.0, 1.2),
    level=st.sampled_from([0.0, 1e-4, 0.01, 0.5, 1.0]),
    burst=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_any_short_buffer_is_analysed_without_an_error(
    seconds: float, level: float, burst: bool, seed: int
) -> None:
    # A live round analyses its buffer from the first 0.2 s on: short, silent, loud, clipped or
    # with one burst, the analysis answers with a reason, never with an exception.
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(int(seconds * RATE)) * level).astype(np.float32)
    if burst and x.size > 400:
        at = int(rng.integers(0, x.size - 400))
        x[at : at + 400] += np.sin(np.arange(400) * 0.09).astype(np.float32) * 0.8
    m = analyze_samples(np.clip(x, -1.0, 1.0), RATE)
    assert (m.span is None) == (m.reason is not None)
    assert all(s.start < s.end for s in m.segments)
    assert np.isfinite(m.levels.noise_floor_dbfs) and np.isfinite(m.levels.peak_dbfs)


@pytest.mark.usefixtures("espeak")
@pytest.mark.parametrize(
    "name",
    [
        "footsteps_minetest_default_grass_footstep_1.flac",
        "footsteps_minetest_default_grass_footstep_3.flac",
    ],
)
def test_a_sound_before_a_name_is_no_question(name: str) -> None:
    # Footsteps, then three seconds, then a name: nobody asked a question. The longest sound
    # of the round was taken for the question without asking the speech model about it.
    step = _event("footsteps", name, 0.4)
    x = _floor(np.concatenate([silence(0.5), step, silence(3.0), clip("Kay?", "nl"), silence(1.0)]))
    assert model.available()
    m = analyze_samples(x, RATE)
    assert m.pause_s is None and m.reason is Reason.ONE_UTTERANCE


@pytest.mark.usefixtures("espeak")
def test_pen_taps_running_on_from_the_question_are_not_its_end() -> None:
    # A pen tapped on a table across a reverberant room from 0.2 s after the question (the room
    # benchmark's synthesised taps): the taps and their ring join the question's last word into
    # one utterance, each tap a segment of its own. The speech model, asked about such a segment
    # alone, hears no speech, so the question ends at its words (or its first tap at most).
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    import rooms

    q = clip("What did we just learn about market forces?", "en")
    r = make_round(q, clip("Kay.", "en"), 3.2)
    taps = np.zeros(r.samples.size)
    pen = rooms.synth_pen(np.random.default_rng(0))
    at = r.question_end + int(0.2 * RATE)
    taps[at : at + pen.size] += pen[: taps.size - at]
    taps = np.convolve(taps, room_response(0.7, -6.0, seed=1))[: taps.size]
    taps *= 0.5 * 10 ** (-10 / 20) / np.max(np.abs(taps))  # 10 dB under the voice's peak
    x = (in_room(r.samples, room_response(0.5, 3.0)) + taps).astype(np.float32)
    assert model.available()
    pause = _pause(x)
    assert pause is not None and abs(pause - r.pause_s) <= 0.25
    whole = _pause(
        x, replace(DEFAULT_CONFIG, detection=replace(DEFAULT_CONFIG.detection, stray_end_gap_ms=0))
    )
    assert whole is None or abs(whole - r.pause_s) > 0.5


def _alone_in_a_ringing_room(
    sound: npt.NDArray[np.float32], rt60_s: float
) -> npt.NDArray[np.float32]:
    """Seven seconds of a room that rings for ``rt60_s``, with ``sound`` 2 s in and a steady
    noise floor 50 dB under full scale (a fan, the microphone's own hiss)."""
    x = _place(silence(7.0), sound, int(2.0 * RATE))
    x = in_room(x, room_response(rt60_s, -3.0))
    return (x + np.random.default_rng(2).standard_normal(x.size) * 3e-3).astype(np.float32)


LONE_ANY = replace(
    DEFAULT_CONFIG, detection=replace(DEFAULT_CONFIG.detection, lone_speech_probability=0.0)
)


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("door", "door_minetest_doors_steel_door_open.flac"),
        ("footsteps", "footsteps_minetest_default_dirt_footstep_1.flac"),
        ("cough", "cough_coswara_kIHldMnyvm.flac"),
    ],
)
def test_a_round_with_only_a_sound_in_it_holds_no_speech(kind: str, name: str) -> None:
    # Nobody spoke: a door, a step or a cough in a room that rings. The sound holds a voiced
    # moment and the speech model gives it a little speech somewhere (over 0.2), so it was kept
    # as the round's one utterance, and the teacher was told the round had no pause in it
    # rather than that no speech was heard.
    x = _alone_in_a_ringing_room(_event(kind, name, 0.4), 0.6)
    assert model.available()
    m = analyze_samples(x, RATE)
    assert m.pause_s is None and m.reason is Reason.NO_SPEECH
    assert analyze_samples(x, RATE, config=LONE_ANY).reason is Reason.ONE_UTTERANCE


@pytest.mark.usefixtures("espeak")
def test_a_sentence_said_alone_in_the_same_room_is_still_one_utterance() -> None:
    x = _alone_in_a_ringing_room(clip("Wat hebben we net geleerd over marktwerking?", "nl"), 0.6)
    assert model.available()
    m = analyze_samples(x, RATE)
    assert m.pause_s is None and m.reason is Reason.ONE_UTTERANCE
