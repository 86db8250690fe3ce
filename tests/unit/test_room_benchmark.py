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


def test_the_room_cache_reads_back_whatever_module_wrote_it(tmp_path: Path) -> None:
    """Rooms are cached as plain values: a cache written by ``rooms.py`` run as a script reads
    back in ``run.py``, and a cache of another layout is made anew rather than failing."""
    h = np.linspace(1.0, 0.0, 64)
    room = rooms.Room(
        "r",
        "shoebox",
        0.5,
        (rooms.Rir(h, 3, 0.7),),
        (rooms.Rir(h, 5, 2.0),),
        (rooms.Rir(h, 9, None),),
    )
    back = rooms._rooms_from_plain(rooms._plain_rooms([room]))
    assert len(back) == 1 and back[0].name == "r" and back[0].rt60_s == 0.5
    assert [r.delay for r in (*back[0].near, *back[0].events, *back[0].far)] == [3, 5, 9]
    assert back[0].far[0].distance_m is None and np.array_equal(back[0].near[0].h, h)
    import pickle

    plain = pickle.dumps(rooms._plain_rooms([room]))
    assert b"rooms" not in plain and b"__main__" not in plain  # no class is named in the file


def test_what_went_wrong_names_the_edge_and_what_sits_there() -> None:
    import run

    base = rooms.RoomItem  # a room round with an event in its pause
    fields = {f: None for f in base.__dataclass_fields__}
    item = base(
        **{
            **fields,
            "item_id": "x", "kind": "round", "lang": "en", "condition": "c", "noise": "talkers",
            "sample_rate_hz": 16000, "sample_format": "pcm16", "samples": np.zeros(16),
            "voice": "v", "speed_wpm": 0, "pitch": 0, "question_end_s": 2.0,
            "name_start_s": 5.0, "pause_s": 3.0, "speech_spans_s": ((0.5, 2.0), (5.0, 5.5)),
            "event_spans_s": (("cough", 3.0, 3.6),),
        }
    )  # fmt: skip
    P = run.Prediction
    assert run.failure_class(item, P(3.1, 2.0, 5.1)) is None  # agrees
    assert run.failure_class(item, P(1.7, 3.3, 5.0)) == "question end late (cough)"
    assert run.failure_class(item, P(1.5, 2.0, 3.5)) == "name start early (cough)"
    assert run.failure_class(item, P(0.8, 4.2, 5.0)) == "question end late (talkers noise)"
    assert run.failure_class(item, P(4.1, 0.9, 5.0)) == "question end early (lost speech)"
    assert run.failure_class(item, P(None, reason="no_pause")) == "no measurement: no_pause"
    import dataclasses

    close = dataclasses.replace(item, name_start_s=4.7, pause_s=2.7)  # 2.7 s: within the range
    near = run.failure_class(close, P(2.45, 2.2, 4.65))  # 2.45 s: too short, each edge ≤ 250 ms
    assert near == "both edges within 250 ms (near a band edge)"


def test_a_thump_below_any_voice_does_not_lengthen_a_word() -> None:
    """A recording's handling thump or breath pop (here a 0.2 s push after the word) is no part of
    the word: its boundaries are found after what lies below 50 Hz is removed."""
    from generate import speech_bounds

    t = np.arange(RATE) / RATE
    word = (t >= 0.2) & (t < 0.5)
    x = np.where(word, 0.5 * np.sin(2 * np.pi * 150 * t), 0.0)
    thump = (t >= 0.5) & (t < 0.7)
    x = x + np.where(thump, 0.1 * np.sin(np.pi * (t - 0.5) / 0.2) ** 2, 0.0)  # a smooth push
    raw_end = speech_bounds(x, RATE)
    clean_end = speech_bounds(rooms.below_voice_removed(x), RATE)
    assert raw_end is not None and clean_end is not None
    assert raw_end[1] / RATE > 0.65  # the thump counted as speech
    assert abs(clean_end[1] / RATE - 0.5) < 0.01 and abs(clean_end[0] / RATE - 0.2) < 0.01


def test_a_recordings_own_hiss_is_no_part_of_the_word() -> None:
    """A recording with its own hiss 35 dB under its peak (some of the pack's speakers): the
    word's boundaries are the word's, not the file's first and last samples, as the pack's index
    measures them (10 dB over the recording's noise floor, where that lies above peak − 40 dB)."""
    from generate import speech_bounds

    t = np.arange(round(1.2 * RATE)) / RATE
    word = (t >= 0.4) & (t < 0.8)
    x = np.where(word, 0.5 * np.sin(2 * np.pi * 150 * t), 0.0)
    hiss = np.random.default_rng(3).standard_normal(t.size) * 0.5 * 10 ** (-35 / 20)
    bounds = speech_bounds(x + hiss, RATE)
    assert bounds is not None
    assert abs(bounds[0] / RATE - 0.4) < 0.01 and abs(bounds[1] / RATE - 0.8) < 0.01, bounds


def test_a_borrowed_name_is_said_at_about_the_question_level() -> None:
    """A name taken from another recording (another speaker's word) carries that recording's
    gain; in the round it lies within twice the documented spread of the question's level."""
    from generate import Clip

    t = np.arange(RATE // 2) / RATE
    tone = np.sin(2 * np.pi * 180 * t).astype(np.float32)
    question = [Clip(0.5 * tone, 800, 7200), Clip(0.3 * tone, 800, 7200)]
    name = Clip(0.005 * tone, 800, 7200)  # recorded 36-40 dB softer
    level = rooms.speech_level_db(question)
    offsets = [
        rooms.speech_level_db([rooms.at_level_of(name, question, np.random.default_rng(k))]) - level
        for k in range(200)
    ]
    spread = rooms.BORROWED_NAME_SPREAD_DB
    assert max(abs(o) for o in offsets) <= 2 * spread + 1e-6
    assert 0.6 * spread < float(np.std(offsets)) < 1.3 * spread  # a natural spread, not a constant
    assert rooms.speech_level_db([name]) - level < -30  # without it: far under the question


def test_a_room_round_is_grouped_by_its_microphone_and_noise_together() -> None:
    import dataclasses

    base = rooms.RoomItem
    fields = {f: None for f in base.__dataclass_fields__}
    item = base(
        **{
            **fields,
            "item_id": "x", "kind": "round", "lang": "en", "condition": "no noise",
            "sample_rate_hz": 16000, "sample_format": "pcm16", "samples": np.zeros(16),
            "voice": "v", "speed_wpm": 0, "pitch": 0, "room": "shoebox", "rt60_s": 0.6,
            "mic": "agc", "clean": False, "voice_source": "real", "speaker": "s",
            "name_speaker": "s", "events_outside": (),
        }
    )  # fmt: skip
    assert "mic × noise: laptop + AGC, none" in item.groups()
    talkers = dataclasses.replace(item, noise="talkers", condition="talkers@10dB", mic="flat")
    assert "mic × noise: flat, talkers" in talkers.groups()
    clean = dataclasses.replace(item, clean=True, mic="flat")
    assert not [g for g in clean.groups() if g.startswith("mic × noise")]
    # Every group a round can fall in has its place in the report's order.
    assert {*item.groups(), *talkers.groups()} <= set(rooms.GROUP_ORDER)


def test_two_noises_join_at_equal_power_without_a_jump() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(4 * RATE), rng.standard_normal(4 * RATE)
    fade = rooms.JOIN
    y = rooms.joined(a, b, fade)
    assert y.size == a.size + b.size - fade
    assert np.array_equal(y[: a.size - fade], a[: a.size - fade])
    assert np.array_equal(y[a.size :], b[fade:])
    # The join is as loud as either noise (two unrelated noises faded at equal power).
    middle = y[a.size - fade - RATE // 10 : a.size + RATE // 10]
    assert 0.8 < float(np.sqrt(np.mean(middle**2))) < 1.2


def _tune_corpus() -> rooms.RoomCorpus:
    """The tune split's room corpus (skips without the pack or the benchmark's extras)."""
    _index_rows()
    for extra in ("pyroomacoustics", "scipy", "soundfile"):
        pytest.importorskip(extra, reason="the benchmark's extras (.[bench]) are not installed")
    dev = rooms.DevAudio(rooms.dev_audio_dir())
    return rooms.RoomCorpus(
        "tune", dev, rooms.SpeechBank(rooms.DEFAULT_CACHE), rooms.RoomPool("tune", dev)
    )


def test_the_room_after_a_recording_leaves_the_recording_as_it_was() -> None:
    """The live benchmark hears each round with the room going on after it (so a round that
    waits long after the name can still end by itself): the round itself, its labels and every
    draw are the same, up to the join in the recording's last 50 ms."""
    corpus = _tune_corpus()
    kinds = set()
    for index in range(12):
        plain, longer = corpus.make(0, index), corpus.make(0, index, 2.0)
        n = plain.samples.size
        assert longer.samples.size == n + 2 * RATE
        assert longer.speech_spans_s == plain.speech_spans_s
        assert longer.event_spans_s == plain.event_spans_s
        head = n - rooms.JOIN
        # Equal but for the rare rescale where the longer round peaks higher, and the
        # microphone's gain control, which looks 10 ms ahead.
        assert np.allclose(
            longer.samples[: head - RATE // 50], plain.samples[: head - RATE // 50], atol=2e-4
        )
        after = longer.samples[n:]
        assert float(np.sqrt(np.mean(after**2))) > 0  # the room goes on
        kinds.add(plain.noise)
    assert {"fan", "talkers"} <= kinds  # both ways of going on are among them


def test_words_run_on_after_a_clip_as_one_utterance() -> None:
    """``run_on`` lays words after a name with the silence asked for between their speech
    boundaries, and the joined clip's speech runs from the name's start to the last word's end."""
    name = rooms.Clip(np.concatenate((np.zeros(80), np.ones(4000), np.zeros(80))), 80, 4080)
    word = rooms.Clip(np.concatenate((np.zeros(40), 2 * np.ones(3000), np.zeros(40))), 40, 3040)
    joined = rooms.run_on(name, [(word, 0.1), (word, 0.2)])
    gap1, gap2 = round(0.1 * RATE), round(0.2 * RATE)
    assert joined.start == 80
    assert joined.end == 4080 + gap1 + 3000 + gap2 + 3000
    x = joined.samples
    assert np.all(x[80:4080] == 1.0)
    assert np.all(x[4080 : 4080 + gap1] == 0.0)
    second = 4080 + gap1 + 3000 + gap2
    assert np.all(x[second : second + 3000] == 2.0)


def test_words_after_the_name_leave_the_question_and_the_pause_as_they_were(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A round where the teacher goes on after the name ("Kay, wat denk jij?") is the same
    round up to the name's start: the words after it are drawn from a generator of their own.
    Its label is still the pause before the name; the name's span runs on over the words."""
    corpus = _tune_corpus()
    checked = set()
    for index in range(60):
        monkeypatch.setattr(rooms, "WORDS_AFTER_SHARE", 1.0)
        on = corpus.make(0, index)
        if on.kind != "round" or on.words_after_name is None:
            continue
        monkeypatch.setattr(rooms, "WORDS_AFTER_SHARE", 0.0)
        plain = corpus.make(0, index)
        assert plain.words_after_name is None
        assert on.speech_spans_s[:-1] == plain.speech_spans_s[:-1]
        assert on.name_start_s == plain.name_start_s
        assert on.pause_s == plain.pause_s
        assert on.speech_spans_s[-1][1] > plain.speech_spans_s[-1][1] + 0.2
        assert on.name_text == plain.name_text
        checked.add(on.voice_source)
        if checked == {"real", "espeak"}:
            break
    assert checked == {"real", "espeak"}
