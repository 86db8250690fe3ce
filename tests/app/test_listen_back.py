"""Listen back: kept round audio (``--keep-audio``), played with an injected fake player whose
position the test moves; the playhead follows it and the pause lights up."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pytest
from rich.text import Text

from simulator.app import SimulatorApp, make_app
from simulator.audio.sources import FakePlayer, NoOutputDeviceError
from simulator.scenarios.library import Library
from simulator.screens.feedback import FeedbackScreen
from simulator.screens.practice import PracticeScreen
from simulator.store.history import HistoryStore
from simulator.store.recordings import list_recordings, load_round_audio
from simulator.store.settings import Settings
from simulator.widgets.playback import PAUSE_LIT_STYLE, PLAYHEAD_STYLE, PlaybackView
from tests.app.conftest import Rounds, speech_round
from tests.unit.test_recordings import tmpfs

pytestmark = pytest.mark.espeak
SIZE = (100, 34)
LSB = 1 / 32768


def build(
    library: Library,
    store: HistoryStore,
    root: Path,
    recordings: list[np.ndarray],
    *,
    keep_audio: bool = False,
    settings: Settings | None = None,
    player: FakePlayer | None = None,
) -> SimulatorApp:
    return make_app(
        source_factory=Rounds(recordings),
        library=library,
        store=store,
        settings=settings or Settings(),
        lang="en",
        scenario=library.find("check-question", "en"),
        keep_audio=keep_audio,
        recordings_root=root,
        audio_player=player or FakePlayer(),
    )


async def finish_round(app: SimulatorApp, pilot: object) -> FeedbackScreen:
    await pilot.press("space")  # type: ignore[attr-defined]
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]
    assert isinstance(app.screen, FeedbackScreen), type(app.screen).__name__
    return app.screen


async def press_l(app: SimulatorApp, pilot: object) -> PlaybackView:
    await pilot.press("l")  # type: ignore[attr-defined]
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]
    return app.screen.query_one("#timeline", PlaybackView)


async def follow(pilot: object) -> None:
    """Let the playhead's timer (every 50 ms) read the fake player's position."""
    await pilot.pause(0.12)  # type: ignore[attr-defined]


def notes(app: SimulatorApp) -> list[str]:
    return [n.message for n in app._notifications]  # noqa: SLF001 - the toasts a user sees


def row_styles(text: Text, start: int, end: int) -> set[str]:
    return {str(s.style) for s in text.spans if s.start < end and s.end > start}


async def test_kept_round_plays_back_with_a_moving_playhead_and_the_pause_lit(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    recording = speech_round(3.0)
    player = FakePlayer()
    root = tmp_path / "recordings"
    app = build(library, store, root, [recording], keep_audio=True, player=player)
    async with app.run_test(size=SIZE) as pilot:
        fb = await finish_round(app, pilot)
        # Kept the moment the round ended, after the measurement was saved: the file holds
        # exactly the audio the round heard (the start of the recording, 16-bit).
        (session,) = store.sessions()
        (kept,) = list_recordings(root)
        assert (kept.session, kept.round) == (str(session.id), 1)
        assert kept.path == root / str(session.id) / "round-1.wav"
        on_disk = load_round_audio(kept.path)
        assert fb.audio is not None and fb.audio.path == kept.path
        assert on_disk.size == fb.audio.samples.size
        assert on_disk.size == round(session.rounds[0].audio_s * 16_000)
        assert float(np.max(np.abs(on_disk - recording[: on_disk.size]))) <= LSB
        footer_keys = [k for k, b in app.screen.active_bindings.items() if b.binding.show]
        assert "l" in footer_keys

        view = await press_l(app, pilot)
        (playback,) = player.started
        assert playback.sample_rate_hz == 16_000
        assert np.array_equal(playback.samples, fb.audio.samples)
        assert view.playing and view.position_s == 0.0
        pause = fb.feedback.timeline.measured
        assert pause is not None and pause.duration_s == pytest.approx(3.0, abs=0.05)

        playback.advance_to(pause.start_s - 0.5)  # still in the question
        await follow(pilot)
        assert view.position_s == pytest.approx(pause.start_s - 0.5, abs=1e-3)
        assert not view.in_pause
        assert "this is your pause" not in str(view.render())

        playback.advance_to(pause.start_s + 1.0)  # inside the pause
        await follow(pilot)
        assert view.position_s == pytest.approx(pause.start_s + 1.0, abs=1e-3)
        assert view.in_pause
        rendered = view.render()
        assert isinstance(rendered, Text)
        assert "this is your pause" in rendered.plain
        lines = rendered.split("\n")
        pause_row = next(line for line in lines if line.plain.startswith(pause.label))
        assert PAUSE_LIT_STYLE in row_styles(pause_row, 18, len(pause_row))
        assert PLAYHEAD_STYLE in row_styles(pause_row, 18, len(pause_row))
        marker = next(line for line in lines if "▲" in line.plain)
        column_in_pause = marker.plain.index("▲")

        playback.advance_to(pause.end_s + 0.3)  # the name: the pause is no longer lit
        await follow(pilot)
        assert not view.in_pause
        later = view.render()
        assert isinstance(later, Text)
        assert later.split("\n")[-2].plain.index("▲") > column_in_pause  # the playhead moved on

        await pilot.press("l")  # the key again stops
        await pilot.pause()
        assert playback.stopped and not view.playing and view.position_s is None
        assert "Playback stopped." in notes(app)
        assert "▲" not in str(view.render())  # back to the plain timeline

        view = await press_l(app, pilot)  # again, then Esc stops
        second = player.started[-1]
        second.advance_to(1.0)
        await follow(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert second.stopped and view.position_s is None
        assert isinstance(app.screen, FeedbackScreen)  # Esc only stopped the sound

        view = await press_l(app, pilot)  # played to the end: the view says so by itself
        player.started[-1].finish()
        await follow(pilot)
        assert not view.playing and view.status == "Playback finished. L: listen again."

        view = await press_l(app, pilot)  # leaving the feedback stops the sound
        await pilot.press("space")
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen)
        assert player.started[-1].stopped


async def test_off_by_default_no_file_and_the_key_says_how_to_turn_it_on(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    player = FakePlayer()
    root = tmp_path / "recordings"
    app = build(library, store, root, [speech_round(3.0)], player=player)
    async with app.run_test(size=SIZE) as pilot:
        fb = await finish_round(app, pilot)
        assert fb.audio is None
        footer_keys = [k for k, b in app.screen.active_bindings.items() if b.binding.show]
        assert "l" not in footer_keys  # the footer stays as it was without kept audio
        view = await press_l(app, pilot)
        assert not view.playing and player.started == []
        assert "--keep-audio" in view.status and "Settings" in view.status
    assert not root.exists()
    assert list_recordings(root) == ()
    assert len(store.sessions()[0].rounds) == 1


async def test_the_setting_alone_keeps_audio(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    root = tmp_path / "recordings"
    app = build(library, store, root, [speech_round(2.0)], settings=Settings(keep_audio=True))
    async with app.run_test(size=SIZE) as pilot:
        await finish_round(app, pilot)
    assert [k.round for k in list_recordings(root)] == [1]


async def test_no_output_device_gives_a_clear_message(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    player = FakePlayer(NoOutputDeviceError())
    app = build(
        library, store, tmp_path / "rec", [speech_round(3.0)], keep_audio=True, player=player
    )
    async with app.run_test(size=SIZE) as pilot:
        await finish_round(app, pilot)
        view = await press_l(app, pilot)
        assert not view.playing
        assert "No speakers or headphones found" in view.status
        assert any("No speakers or headphones found" in n for n in notes(app))
        assert isinstance(app.screen, FeedbackScreen)


async def test_a_read_only_folder_keeps_the_measurement_and_the_app_working(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    player = FakePlayer()
    with tmpfs(tmp_path / "ro", size_kb=64, read_only=True) as root:
        app = build(
            library,
            store,
            root,
            [speech_round(3.0), speech_round(2.5, "Amira")],
            keep_audio=True,
            player=player,
        )
        async with app.run_test(size=SIZE) as pilot:
            fb = await finish_round(app, pilot)
            assert any(
                "could not be kept" in n and "read-only" in n and "measurement is saved" in n
                for n in notes(app)
            )
            assert fb.audio is not None and fb.audio.path is None
            await press_l(app, pilot)  # still playable from memory this session
            assert len(player.started) == 1
            await pilot.press("l", "space")
            await pilot.pause()
            fb2 = await finish_round(app, pilot)  # round 2 works as usual
            assert fb2.round_number == 2
    assert [r.round for r in store.sessions()[0].rounds] == [1, 2]


async def test_a_full_disk_keeps_the_measurement_and_the_app_working(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    with tmpfs(tmp_path / "small", size_kb=32) as root:  # one round is > 100 KB
        app = build(library, store, root, [speech_round(3.0)], keep_audio=True)
        async with app.run_test(size=SIZE) as pilot:
            fb = await finish_round(app, pilot)
            assert any("the disk is full" in n for n in notes(app))
            assert fb.feedback.measured_s == pytest.approx(3.0, abs=0.05)
            assert [p.name for p in root.rglob("*") if p.is_file()] == []
    assert store.sessions()[0].rounds[0].pause_s == pytest.approx(3.0, abs=0.05)


def test_keep_audio_flag_for_the_app_and_practice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from simulator.cli import build_parser
    from simulator.commands.open_app import build_app

    monkeypatch.setenv("COACH_SIM_HOME", str(tmp_path / "home"))
    parser = build_parser()
    for argv, expected in (
        ([], False),
        (["--keep-audio"], True),
        (["practice", "check-question"], False),
        (["practice", "check-question", "--keep-audio"], True),
        (["--keep-audio", "practice", "check-question"], True),
    ):
        args: argparse.Namespace = parser.parse_args(argv)
        app = build_app(args, getattr(args, "scenario", None))
        assert app.keep_audio is expected, argv
        assert app.recordings_root == tmp_path / "home" / "recordings"


async def test_a_sound_output_that_stops_responding_is_stopped_with_a_message() -> None:
    """The widget alone, with a clock the test moves: no progress for > 3 s ends playback."""
    from textual.app import App, ComposeResult

    from simulator.store.recordings import RoundAudio

    now = [100.0]
    player = FakePlayer()
    audio = RoundAudio(np.zeros(16_000 * 4, np.float32), 16_000, None)

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield PlaybackView("en", audio=audio, player=player, clock=lambda: now[0], id="v")

    app = One()
    async with app.run_test(size=(80, 12)) as pilot:
        view = app.query_one("#v", PlaybackView)
        view.toggle()
        await app.workers.wait_for_complete()
        await pilot.pause()
        player.started[0].advance_to(0.5)
        await follow(pilot)
        now[0] += 2.0  # a quiet moment in the output: fine
        await follow(pilot)
        assert view.playing and view.position_s == pytest.approx(0.5)
        now[0] += 1.5  # 3.5 s without progress
        await follow(pilot)
        assert not view.playing and player.started[0].stopped
        assert "stopped responding" in view.status
