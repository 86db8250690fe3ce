"""The wait after a student's answer is timed from the answer's audible end in the played samples
(espeak-ng renders the real cue; a fake player "plays" it; the microphone hears it, then the
teacher answers a known time after its last audible sound)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from textual.widgets import Static

from simulator.app import SimulatorApp, espeak_cue_player, make_app
from simulator.audio import cue as cue_module
from simulator.audio.cue import CuePlacement, CueSound, audible_end_sample, locate_cue
from simulator.audio.resample import resample
from simulator.audio.result import ANALYSIS_RATE_HZ
from simulator.audio.sources import ArraySource, FakePlayback, FakePlayer
from simulator.scenarios.library import Library
from simulator.screens.practice import PracticeScreen
from simulator.store.history import HistoryStore
from simulator.store.settings import Settings
from tests.app.conftest import Rounds
from tests.app.test_rounds import feedback, play_round
from tests.speech import clip, silence

pytestmark = pytest.mark.espeak
BLOCK = 320  # the injected source's 20 ms blocks: the cue starts once the first one is heard
TOLERANCE_S = 0.030


def _cue_round(
    library: Library,
    store: HistoryStore,
    tmp_path: Path,
    wait_s: float,
    *,
    heard: bool = True,
    player: FakePlayer | None = None,
    late_s: float = 0.0,
    source: type[ArraySource] = ArraySource,
) -> tuple[SimulatorApp, CueSound, FakePlayer]:
    """A cue round; with ``heard`` the microphone picks the cue up (a loudspeaker), without it
    the cue is not in the recording (headphones). The cue is heard ``late_s`` after the first
    block (a second attempt plays it on time)."""
    render = espeak_cue_player()
    assert render is not None
    scenario = library.find("wait-time-after-answer", "en")
    assert scenario is not None and scenario.prompt_for(1).cue
    sound = render(scenario.prompt_for(1).cue or "", "en")
    assert sound is not None
    played = resample(sound.samples, sound.sample_rate_hz, ANALYSIS_RATE_HZ)
    audible_end = audible_end_sample(sound.samples) / sound.sample_rate_hz
    start = BLOCK + round(late_s * ANALYSIS_RATE_HZ)
    heard_end = start + round(audible_end * ANALYSIS_RATE_HZ)
    response_at = heard_end + round(wait_s * ANALYSIS_RATE_HZ)
    recording = np.zeros(response_at, dtype=np.float32)
    if heard:
        recording[start : start + played.size] = played[: response_at - start] * 0.5
    response = clip("Can you tell us more about that?", "en")
    recording = np.concatenate([recording, response, silence(2.0)])
    player = player or FakePlayer()
    app = cue_app(library, store, tmp_path, [source(recording), recording], "en", player)
    return app, sound, player


def cue_app(
    library: Library,
    store: HistoryStore,
    tmp_path: Path,
    recording: np.ndarray | list[np.ndarray | ArraySource],
    lang: str,
    player: FakePlayer,
) -> SimulatorApp:
    """The app on the wait-time scenario, hearing ``recording`` (or these, one per round), with
    espeak-ng's cue."""
    scenario = library.find("wait-time-after-answer", lang)
    assert scenario is not None
    return make_app(
        source_factory=Rounds(recording if isinstance(recording, list) else [recording]),
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


STREAM_T0_S = 50.0
"""The stream time at which the injected microphone's first sample was recorded."""


class ClockedSource(ArraySource):
    """A microphone on the sound system's clock: sample ``n`` was recorded at
    ``STREAM_T0_S + n / 16 kHz``."""

    def sample_heard_at(self, stream_time_s: float) -> int | None:
        return round((stream_time_s - STREAM_T0_S) * ANALYSIS_RATE_HZ)


class DelayedPlayer(FakePlayer):
    """The output says its first sample is heard 0.2 s after the cue was started (after the
    first 20 ms block): later than its latency (0) says."""

    def __call__(self, samples: np.ndarray, sample_rate_hz: int, /) -> FakePlayback:
        playback = super().__call__(samples, sample_rate_hz)
        playback.heard_from_s = STREAM_T0_S + BLOCK / ANALYSIS_RATE_HZ + 0.2
        return playback


async def test_a_cue_heard_in_headphones_is_placed_by_the_streams_times(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    # Headphones: the microphone does not hear the cue, so only the clocks can place it. The
    # latencies would put it 0.2 s early, and the wait would read 0.2 s long.
    app, _, _ = _cue_round(
        library,
        store,
        tmp_path,
        3.2,
        heard=False,
        player=DelayedPlayer(),
        late_s=0.2,
        source=ClockedSource,
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await play_round(app, pilot)
        measured = feedback(app).feedback.measured_s
    assert measured == pytest.approx(3.2, abs=TOLERANCE_S)


class StretchingPlayer(FakePlayer):
    """The first cue comes out stretched (the output ran dry: an underflow reported, or its
    buffers heard later than its length allows); later ones play whole."""

    def __init__(self, *, underflows: int = 0, late_s: float | None = None) -> None:
        super().__init__()
        self.underflows = underflows
        self.late = late_s

    def __call__(self, samples: np.ndarray, sample_rate_hz: int, /) -> FakePlayback:
        playback = super().__call__(samples, sample_rate_hz)
        if len(self.started) == 1:
            playback.underflows = self.underflows
            playback.late = self.late
        else:
            playback.late = 0.0
        return playback


@pytest.mark.parametrize(("underflows", "late_s"), [(1, None), (0, 0.25), (0, 0.026)])
async def test_a_stretched_cue_stops_the_round_unmeasured_and_the_teacher_can_retry(
    library: Library, store: HistoryStore, tmp_path: Path, underflows: int, late_s: float | None
) -> None:
    player = StretchingPlayer(underflows=underflows, late_s=late_s)
    app, _, _ = _cue_round(library, store, tmp_path, 3.2, player=player)
    async with app.run_test(size=(100, 30)) as pilot:
        await play_round(app, pilot)
        screen = app.screen
        assert isinstance(screen, PracticeScreen) and screen.phase == "stopped"
        message = str(screen.query_one("#round-message", Static).render())
        assert "The answer did not play smoothly" in message
        assert "too busy to play the student's answer smoothly" in message
        assert store.sessions() == ()  # nothing measured from a stretched cue was saved
        await play_round(app, pilot)  # the retry plays the cue whole
        measured = feedback(app).feedback.measured_s
    assert len(player.started) == 2
    assert measured == pytest.approx(3.2, abs=TOLERANCE_S)
    assert [r.round for r in store.sessions()[0].rounds] == [1]


async def test_a_cue_played_whole_by_the_clock_is_measured(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    player = StretchingPlayer(late_s=0.024)  # within the tolerance: not stretched
    app, _, _ = _cue_round(library, store, tmp_path, 3.2, player=player)
    async with app.run_test(size=(100, 30)) as pilot:
        await play_round(app, pilot)
        measured = feedback(app).feedback.measured_s
    assert measured == pytest.approx(3.2, abs=TOLERANCE_S)


def test_where_the_cue_is_not_heard_the_clocks_place_it_if_they_can() -> None:
    sound = CueSound(np.full(1600, 0.5, np.float32), ANALYSIS_RATE_HZ)
    not_heard = np.zeros(16_000, np.float32)  # headphones

    def end(timed: int | None) -> int:
        placement = CuePlacement.start(
            sound,
            ANALYSIS_RATE_HZ,
            read_samples=320,
            behind_samples=640,
            output_latency_s=0.01,
            clocks=lambda: timed,
        )
        return placement.end_in(not_heard) - sound.samples.size

    by_latencies = 320 + 640 + 160
    assert end(None) == by_latencies
    assert end(500) == 500
    # Clocks that do not match (before playback began, or past where it was searched for): not
    # believed.
    assert end(320 - 801) == by_latencies
    assert end(by_latencies + 4001) == by_latencies
