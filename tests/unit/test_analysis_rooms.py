"""The pause in a reverberant room: the question's last word rings on after the voice stops, and
that ring belongs to the pause. The room is a synthetic impulse response (a direct path and an
exponentially decaying diffuse tail); the labels are the dry speech's boundaries, after the
direct path's delay. Each check also switches its rule off and shows the round then goes wrong.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import numpy.typing as npt
import pytest

from simulator.audio.analysis import DEFAULT_CONFIG, DetectorConfig, analyze_samples
from simulator.audio.analysis.edges import _refine, fastest_fall_ms
from simulator.audio.analysis.signal import envelope_db, speech_band
from tests.speech import DIRECT_DELAY, RATE, clip, in_room, make_round, room_response

NO_TAIL_RULE = replace(DEFAULT_CONFIG, edges=replace(DEFAULT_CONFIG.edges, reverb_drop_db=0.0))


def _errors(x: npt.NDArray[np.float32], q_end: int, n_start: int, config: DetectorConfig):
    m = analyze_samples(x, RATE, config=config)
    assert m.span is not None, m.reason
    return (m.span[0] - q_end) / RATE, (m.span[1] - n_start) / RATE


@pytest.mark.usefixtures("espeak")
@pytest.mark.parametrize(("rt60_s", "drr_db"), [(0.6, -3.0), (0.8, -4.0)])
def test_the_question_ends_where_the_voice_stops_not_where_the_room_stops(
    rt60_s: float, drr_db: float
) -> None:
    q = clip("Welke twee voorbeelden heb ik net gegeven van marktwerking?", "nl")
    r = make_round(q, clip("Kay.", "nl"), 3.2)
    x = in_room(r.samples, room_response(rt60_s, drr_db))
    q_end, n_start = r.question_end + DIRECT_DELAY, r.name_start + DIRECT_DELAY
    q_err, n_err = _errors(x, q_end, n_start, DEFAULT_CONFIG)
    assert abs(q_err) <= 0.15 and abs(n_err) <= 0.05
    # Without the rule the ring counts as question until it is 38 dB down.
    q_err_without, _ = _errors(x, q_end, n_start, NO_TAIL_RULE)
    assert q_err_without > 0.2 and q_err_without > 2 * abs(q_err)


@pytest.mark.usefixtures("espeak")
def test_a_dry_voice_falls_fast_and_a_room_slowly() -> None:
    r = make_round(clip("Hoeveel zijden heeft een zeshoek?", "nl"), clip("Kay.", "nl"), 3.0)
    dry = speech_band(r.samples + np.float32(1e-4))
    wet = speech_band(in_room(r.samples, room_response(0.7, -3.0)))
    speaker = float(np.percentile(envelope_db(dry), 99))
    fall = fastest_fall_ms(envelope_db(dry), speaker, DEFAULT_CONFIG.edges)
    assert fall <= 20
    # Asked only whether it falls faster than 40 ms: the same answer, sooner.
    assert fastest_fall_ms(envelope_db(dry), speaker, DEFAULT_CONFIG.edges, below_ms=40) == fall
    speaker = float(np.percentile(envelope_db(wet), 99))
    fall = fastest_fall_ms(envelope_db(wet), speaker, DEFAULT_CONFIG.edges)
    assert 60 <= fall < np.inf
    assert fastest_fall_ms(envelope_db(wet), speaker, DEFAULT_CONFIG.edges, below_ms=40) == np.inf


@pytest.mark.usefixtures("espeak")
def test_a_question_whose_last_word_falls_away_still_ends_after_it() -> None:
    # Real questions do not hold one level: the last word is often 10-15 dB under the loudest.
    # In a quiet room only the teacher speaks, so it still counts.
    first = clip("Welke twee voorbeelden heb ik net gegeven van", "nl")
    last = (clip("marktwerking?", "nl") * 10 ** (-12 / 20)).astype(np.float32)
    q = np.concatenate([first, np.zeros(int(0.15 * RATE), np.float32), last])
    r = make_round(q, clip("Kay.", "nl"), 3.2)
    x = (
        r.samples
        + np.random.default_rng(0).standard_normal(r.samples.size).astype(np.float32) * 3e-5
    )
    assert analyze_samples(x, RATE).pause_s == pytest.approx(r.pause_s, abs=0.02)
    strict = replace(
        DEFAULT_CONFIG, detection=replace(DEFAULT_CONFIG.detection, quiet_room_segment_peak_db=9.0)
    )
    assert analyze_samples(x, RATE, config=strict).pause_s > r.pause_s + 0.5


def test_a_segment_shorter_than_its_edge_search_never_comes_out_inside_out() -> None:
    # A 30 ms stretch (the speech model's end of a voice cut it that short) with a faint blip at
    # its start, a louder click 48 ms in (past its end), and the next stretch close after it:
    # the onset is looked for from the loudest point of the first 50 ms (the click, too far from
    # the blip to walk back to it), the offset from that of the last 50 ms (the blip), and never
    # past the middle of the gap to the next stretch. Refined, the stretch must not end before
    # it starts: its frame edges stand.
    env = np.full(3000, -80.0)  # the 1 ms envelope, dB
    env[1000:1006] = -30.0
    env[1048:1050] = -10.0
    start, end = 1000 * 16, 1030 * 16  # samples: 1 ms is 16 of them
    a, b = _refine(start, end, env, -40.0, -40.0, 0, 1020 * 16, DEFAULT_CONFIG.edges)
    assert (a, b) == (start, end)
