"""Modelling in the app: M on the briefing and after a missed round speaks the model line with
the target pause (voice and output injected), shows the stage while it plays, and writes the
line out with a specific message when it cannot be heard."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.app import SimulatorApp, make_app
from simulator.audio.cue import CueSound
from simulator.audio.sources import FakePlayer, NoOutputDeviceError
from simulator.scenarios.library import Library
from simulator.screens.briefing import BriefingScreen
from simulator.screens.feedback import FeedbackScreen
from simulator.store.history import HistoryStore
from simulator.store.settings import Settings
from simulator.widgets.model_player import ModelPlayer
from tests.app.conftest import Rounds, speech_round

SIZE = (80, 24)
RATE = 16_000


class FakeVoice:
    """Speaks each text as a tone as long as 0.1 s per word, with synthesiser-like silence."""

    def __init__(self, works: bool = True) -> None:
        self.works = works
        self.spoken: list[tuple[str, str]] = []

    def __call__(self, text: str, lang: str) -> CueSound | None:
        self.spoken.append((text, lang))
        if not self.works:
            return None
        n = int(0.1 * len(text.split()) * RATE)
        body = 0.3 * np.sin(2 * np.pi * 200 * np.arange(n) / RATE)
        pad = np.zeros(RATE // 5)
        return CueSound(np.concatenate([pad, body, pad]).astype(np.float32), RATE)


def build(
    library: Library,
    store: HistoryStore,
    *,
    lang: str = "en",
    voice: FakeVoice | None,
    player: FakePlayer,
    recordings: list[np.ndarray] | None = None,
    scenario: str | None = None,
) -> SimulatorApp:
    return make_app(
        source_factory=Rounds(recordings or []),
        library=library,
        store=store,
        settings=Settings(),
        lang=lang,
        scenario=library.find(scenario, lang) if scenario else None,
        cue_player=voice,
        audio_player=player,
    )


def notes(app: SimulatorApp) -> list[str]:
    return [n.message for n in app._notifications]  # noqa: SLF001 - the toasts a user sees


async def open_briefing(app: SimulatorApp, pilot: object, lang: str = "en") -> BriefingScreen:
    scenario = app.library.find("check-question", lang)
    assert scenario is not None
    await app.push_screen(BriefingScreen(scenario))
    await pilot.pause()  # type: ignore[attr-defined]
    assert isinstance(app.screen, BriefingScreen)
    return app.screen


def shown(player: ModelPlayer) -> str:
    return str(player.render())


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_briefing_speaks_the_model_line_with_the_target_pause_and_follows_it(
    library: Library, store: HistoryStore, lang: str
) -> None:
    voice, player = FakeVoice(), FakePlayer()
    app = build(library, store, lang=lang, voice=voice, player=player)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_briefing(app, pilot, lang)
        footer = [k for k, b in screen.active_bindings.items() if b.binding.show]
        assert "m" in footer
        await pilot.press("m")
        await app.workers.wait_for_complete()
        await pilot.pause()
        widget = screen.query_one("#model-player", ModelPlayer)
        scenario = screen.scenario
        # The question and the name, spoken apart in the scenario's language.
        question = scenario.prompts[0].line
        assert [text for text, _ in voice.spoken] == [question, "Kay?"]
        assert {language for _, language in voice.spoken} == {lang}
        (playback,) = player.started
        samples = playback.samples
        loud = np.nonzero(np.abs(samples) > 0.01)[0]
        gap = int(np.max(np.diff(loud)))
        assert gap / RATE == pytest.approx(scenario.pattern.band.target_s, abs=2 / RATE)

        question_s = 0.1 * len(question.split())
        playback.advance_to(0.15 + question_s / 2)
        await pilot.pause(0.12)
        label = scenario.pattern.phases[0].label
        assert f"{label}: “{question}”" in shown(widget)
        playback.advance_to(0.15 + question_s + 1.2)
        await pilot.pause(0.12)
        pause_text = "1.2\u00a0s of 3\u00a0s silence" if lang == "en" else "1,2\u00a0s van 3\u00a0s"
        assert pause_text in shown(widget)
        playback.finish()
        await pilot.pause(0.12)
        assert widget.moments == ["before", "pause", "done"]
        assert ("Now you" if lang == "en" else "Nu jij") in shown(widget)
        assert not widget.playing


@pytest.mark.parametrize("underflows", [0, 2])
async def test_a_line_the_output_could_not_keep_up_with_is_not_passed_off_as_the_model(
    library: Library, store: HistoryStore, underflows: int
) -> None:
    voice, player = FakeVoice(), FakePlayer()
    app = build(library, store, voice=voice, player=player)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_briefing(app, pilot)
        await pilot.press("m")
        await app.workers.wait_for_complete()
        await pilot.pause()
        widget = screen.query_one("#model-player", ModelPlayer)
        (playback,) = player.started
        playback.underflows = underflows  # the output ran dry this often on the way
        playback.finish()
        await pilot.pause(0.12)
        assert widget.moments[-1] == "done" and not widget.fallback
        busy = "too busy to play the model line smoothly"
        if underflows:
            assert busy in widget.status and "longer than 3\u00a0s" in widget.status
            assert any(busy in n for n in notes(app))
        else:
            assert widget.status == ""
            assert not any(busy in n for n in notes(app))


async def test_without_espeak_the_line_is_written_out_with_its_pause(
    library: Library, store: HistoryStore
) -> None:
    player = FakePlayer()
    app = build(library, store, voice=None, player=player)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_briefing(app, pilot)
        await pilot.press("m")
        await pilot.pause()
        widget = screen.query_one("#model-player", ModelPlayer)
        assert widget.fallback and not player.started
        assert "give? … (3\u00a0s silence) … Kay?" in shown(widget)
        assert "espeak-ng is not installed" in widget.status
        assert any("apt install espeak-ng" in n for n in notes(app))


@pytest.mark.parametrize(
    ("voice", "player", "says"),
    [
        (FakeVoice(works=False), FakePlayer(), "espeak-ng gave no sound"),
        (FakeVoice(), FakePlayer(NoOutputDeviceError()), "No speakers or headphones"),
    ],
)
async def test_no_sound_or_no_output_device_falls_back_with_a_specific_message(
    library: Library, store: HistoryStore, voice: FakeVoice, player: FakePlayer, says: str
) -> None:
    app = build(library, store, lang="nl", voice=voice, player=player)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_briefing(app, pilot, "nl")
        app.lang = "en"  # the messages in English, the line in Dutch
        screen.query_one("#model-player", ModelPlayer).lang = "en"
        await pilot.press("m")
        await app.workers.wait_for_complete()
        await pilot.pause()
        widget = screen.query_one("#model-player", ModelPlayer)
        assert widget.fallback
        assert says in widget.status
        assert "… (3\u00a0s silence) … Kay?" in shown(widget)


@pytest.mark.espeak
async def test_a_missed_round_offers_the_model_line_and_a_round_on_target_does_not(
    library: Library, store: HistoryStore
) -> None:
    voice, player = FakeVoice(), FakePlayer()
    app = build(
        library,
        store,
        voice=voice,
        player=player,
        recordings=[speech_round(1.0), speech_round(3.0)],
        scenario="check-question",
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("space")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
        footer = [k for k, b in app.screen.active_bindings.items() if b.binding.show]
        assert "m" in footer
        await pilot.press("m")
        await app.workers.wait_for_complete()
        await pilot.pause()
        widget = app.screen.query_one("#model-player", ModelPlayer)
        assert len(player.started) == 1 and widget.playing
        # Below the next step, where the eye goes after reading it.
        children = list(app.screen.query_one("#feedback").children)
        assert children.index(widget) == children.index(app.screen.query_one("#next-step")) + 1
        await pilot.press("m")  # M again stops it
        assert not widget.playing and player.started[0].stopped
        await pilot.press("space")
        await pilot.pause()
        await pilot.press("space")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
        assert app.screen.round_number == 2
        footer = [k for k, b in app.screen.active_bindings.items() if b.binding.show]
        assert "m" not in footer
