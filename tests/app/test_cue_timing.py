"""The wait after a student's answer is timed from the answer's audible end in the played samples
(espeak-ng renders the real cue; a fake player "plays" it; the microphone hears it, then the
teacher answers a known time after its last audible sound)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulator.app import SimulatorApp, espeak_cue_player, make_app
from simulator.audio import cue as cue_module
from simulator.audio.cue import CueSound, audible_end_sample, locate_cue
from simulator.audio.resample import resample
from simulator.audio.result import ANALYSIS_RATE_HZ
from simulator.audio.sources import FakePlayer
from simulator.scenarios.library import Library
from simulator.store.history import HistoryStore
from simulator.store.settings import Settings
from tests.app.conftest import Rounds
from tests.app.test_rounds import feedback, play_round
from tests.speech import clip, silence

pytestmark = pytest.mark.espeak
BLOCK = 320  # the injected source's 20 ms blocks: the cue starts once the first one is heard
TOLERANCE_S = 0.030


def _cue_round(
    library: Library, store: HistoryStore, tmp_path: Path, wait_s: float, *, heard: bool = True
) -> tuple[SimulatorApp, CueSound, FakePlayer]:
    """A cue round; with ``heard`` the microphone picks the cue up (a loudspeaker), without it
    the cue is not in the recording (headphones)."""
    render = espeak_cue_player()
    assert render is not None
    scenario = library.find("wait-time-after-answer", "en")
    assert scenario is not None and scenario.prompt_for(1).cue
    sound = render(scenario.prompt_for(1).cue or "", "en")
    assert sound is not None
    played = resample(sound.samples, sound.sample_rate_hz, ANALYSIS_RATE_HZ)
    audible_end = audible_end_sample(sound.samples) / sound.sample_rate_hz
    heard_end = BLOCK + round(audible_end * ANALYSIS_RATE_HZ)
    response_at = heard_end + round(wait_s * ANALYSIS_RATE_HZ)
    recording = np.zeros(response_at, dtype=np.float32)
    if heard:
        recording[BLOCK : BLOCK + played.size] = played[: response_at - BLOCK] * 0.5
    response = clip("Can you tell us more about that?", "en")
    recording = np.concatenate([recording, response, silence(2.0)])
    player = FakePlayer()
    return cue_app(library, store, tmp_path, recording, "en", player), sound, player


def cue_app(
    library: Library,
    store: HistoryStore,
    tmp_path: Path,
    recording: np.ndarray,
    lang: str,
    player: FakePlayer,
) -> SimulatorApp:
    """The app on the wait-time scenario, hearing ``recording``, with espeak-ng's cue."""
    scenario = library.find("wait-time-after-answer", lang)
    assert scenario is not None
    return make_app(
        source_factory=Rounds([recording]),
        library=library,
        store=store,
        settings=Settings(),
        settings_path=tmp_path / "settings.json",
        lang=lang,
        scenario=scenario,
        cue_player=espeak_cue_player(),
        audio_player=player,
    )


@pytest.mark.parametrize("heard", [True, False])
async def test_the_wait_counts_from_the_cue_s_audible_end(
    library: Library, store: HistoryStore, tmp_path: Path, heard: bool
) -> None:
    app, sound, player = _cue_round(library, store, tmp_path, 3.2, heard=heard)
    # espeak-ng's output ends in silence: its last sample is well after the last audible one.
    assert sound.samples.size / sound.sample_rate_hz - sound.audible_end_s > 0.1
    async with app.run_test(size=(100, 30)) as pilot:
        await play_round(app, pilot)
        measured = feedback(app).feedback.measured_s
    assert [p.samples.size for p in player.started] == [sound.samples.size]  # the cue was played
    assert player.started[0].cue  # with the output's short latency, which places it
    assert measured == pytest.approx(3.2, abs=TOLERANCE_S)


async def test_timed_from_the_end_of_the_samples_the_wait_reads_short(
    library: Library, store: HistoryStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same round timed from the end of everything played (as when the player exits).
    monkeypatch.setattr(cue_module, "audible_end_sample", lambda samples: samples.size)
    app, _, _ = _cue_round(library, store, tmp_path, 3.2)
    async with app.run_test(size=(100, 30)) as pilot:
        await play_round(app, pilot)
        measured = feedback(app).feedback.measured_s
    assert measured is not None and measured < 3.2 - 0.1


def test_the_audible_end_is_the_last_sample_within_40_db_of_the_peak() -> None:
    x = np.zeros(1000, dtype=np.float32)
    x[100] = 1.0
    x[600] = 0.011  # -39 dB: still audible
    x[800] = 0.009  # -41 dB: not
    assert audible_end_sample(x) == 601
    assert audible_end_sample(np.zeros(10, dtype=np.float32)) == 0
    assert audible_end_sample(np.zeros(0, dtype=np.float32)) == 0
    assert CueSound(x, 1000).audible_end_s == pytest.approx(0.601)


def test_a_played_cue_is_found_where_the_microphone_heard_it() -> None:
    rng = np.random.default_rng(0)
    cue = clip("I think the price goes up.", "en")
    heard = rng.standard_normal(3 * 16_000) * 0.003
    echo = np.convolve(cue, [0.6, 0.0, 0.25, -0.1])[: cue.size]  # a loudspeaker in a room
    heard[5_000 : 5_000 + cue.size] += echo
    assert locate_cue(cue, heard, 4_000, 7_000) == 5_000
    # Not heard (headphones): nothing is found, and the latencies place it instead.
    assert locate_cue(cue, rng.standard_normal(3 * 16_000) * 0.003, 4_000, 7_000) is None
