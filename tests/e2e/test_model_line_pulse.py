"""Modelling on the real path: M on the briefing → espeak-ng → ``capture.play`` → PortAudio →
PulseAudio null sink → its monitor → ``MicrophoneSource``. What the monitor heard, measured with
the app's own analysis and the scenario's pattern, holds the scenario's target pause."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from simulator.app import espeak_cue_player, make_app
from simulator.audio.analysis import analyze_samples
from simulator.audio.capture import MicrophoneSource
from simulator.audio.result import ANALYSIS_RATE_HZ
from simulator.scenarios.library import Library, load_library
from simulator.screens.briefing import BriefingScreen
from simulator.store.history import HistoryStore
from simulator.store.settings import Settings
from simulator.widgets.model_player import ModelPlayer
from tests.app.conftest import Rounds
from tests.e2e.conftest import PulseServer

pytestmark = [pytest.mark.e2e, pytest.mark.espeak]

PAUSE_TOLERANCE_S = 0.10
PLAY_DEADLINE_S = 40.0


class Recorder:
    """Records the default microphone (the null sink's monitor) in a thread until stopped."""

    def __init__(self) -> None:
        self.mic = MicrophoneSource(None)
        self.blocks: list[npt.NDArray[np.float32]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with self.mic:
            while not self._stop.is_set():
                block = self.mic.read(timeout_s=0.05)
                if block is not None and block.size:
                    self.blocks.append(block)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> npt.NDArray[np.float32]:
        self._stop.set()
        self._thread.join(timeout=10)
        return np.concatenate(self.blocks)


@pytest.mark.parametrize(
    ("scenario_id", "lang"), [("check-question", "en"), ("cold-call-think-time", "nl")]
)
async def test_the_model_line_the_app_plays_holds_the_target_pause(
    pulse_server: PulseServer, tmp_path: Path, scenario_id: str, lang: str
) -> None:
    library: Library = load_library(user=Path("/nonexistent-coach-sim-user-dir"))
    scenario = library.find(scenario_id, lang)
    assert scenario is not None
    voice = espeak_cue_player()
    assert voice is not None
    app = make_app(
        source_factory=Rounds([]),
        library=library,
        store=HistoryStore(tmp_path / "history.sqlite3"),
        settings=Settings(),
        lang=lang,
        cue_player=voice,
    )
    recorder = Recorder()
    recorder.start()
    deadline = time.monotonic() + PLAY_DEADLINE_S
    while recorder.mic.samples_read == 0:  # the first block may come late
        assert time.monotonic() < deadline
        await asyncio.sleep(0.02)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await app.push_screen(BriefingScreen(scenario))
            await pilot.pause()
            await pilot.press("m")
            widget = app.screen.query_one("#model-player", ModelPlayer)
            while widget.playing or not widget.moments:
                assert time.monotonic() < deadline, f"still playing: {widget.moments}"
                assert not widget.fallback, widget.status
                await pilot.pause(0.05)
            assert widget.moments == ["before", "pause", "after", "done"]
        end = recorder.mic.samples_read + ANALYSIS_RATE_HZ // 2
        while recorder.mic.samples_read < end:
            await asyncio.sleep(0.02)
    finally:
        recorded = recorder.stop()

    # Sound the recorder could not take in time would be missing from what is measured.
    lost = (recorder.mic.overflow_count, recorder.mic.dropped_blocks)
    assert lost == (0, 0), f"the recording lost sound (overflows, dropped blocks): {lost}"
    measured = analyze_samples(recorded, ANALYSIS_RATE_HZ, scenario.pattern)
    target = scenario.pattern.band.target_s
    print(f"\nmodel line {scenario_id} {lang}: pause {measured.pause_s} s, target {target} s")
    assert measured.pause_s is not None, measured.reason
    assert measured.pause_s == pytest.approx(target, abs=PAUSE_TOLERANCE_S), measured
