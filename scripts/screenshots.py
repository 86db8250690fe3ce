"""Save SVG screenshots of the app's main screens into docs/screenshots/.

Runs the real app with an injected audio source (espeak-ng speech with known pauses), so the
pictures show real measurements. Usage: ``.venv/bin/python scripts/screenshots.py [--lang en]``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from simulator.app import SimulatorApp, make_app  # noqa: E402
from simulator.audio.sources import ArraySource, AudioSource  # noqa: E402
from simulator.scenarios.library import load_library  # noqa: E402
from simulator.scenarios.model import Scenario  # noqa: E402
from simulator.store.history import HistoryStore  # noqa: E402
from simulator.store.settings import Settings  # noqa: E402
from tests.speech import clip, make_round, silence  # noqa: E402

SIZE = (100, 32)
PAUSES_S = (1.6, 2.7, 3.1)
DEVICES = [("0", "[0] Built-in microphone (ALSA)"), ("3", "[3] USB headset (ALSA)")]


def sources(scenario: Scenario) -> tuple[list[AudioSource], float]:
    """The audio of each screen that listens, and how long the question said in the microphone
    check lasts."""
    lang = scenario.language
    rng = np.random.default_rng(7)
    noise = (rng.standard_normal(16_000 * 20) * 0.0007).astype(np.float32)
    # The microphone check: the teacher says the question they will practise.
    first = scenario.prompt_for(1).line
    question = clip(first, lang)
    room = noise[: 4000 + question.size + 16_000 * 4].copy()
    room[4000 : 4000 + question.size] += question
    rounds: list[AudioSource] = [ArraySource(room, realtime=True)]
    listening = np.concatenate([silence(0.6), clip(first, lang), silence(6.0)])
    rounds.append(ArraySource(listening, realtime=True))
    for number, pause in enumerate(PAUSES_S, 1):
        prompt = scenario.prompt_for(number)
        r = make_round(clip(prompt.line, lang), clip(prompt.name or "Kay", lang), pause)
        rounds.append(ArraySource(r.samples + noise[: r.samples.size]))
    return rounds, question.size / 16_000


async def shoot(app: SimulatorApp, out: Path, lang: str, question_s: float) -> list[Path]:
    """``question_s``: how long the question said in the microphone check lasts."""
    saved: list[Path] = []

    def save(name: str) -> None:
        path = out / f"{name}-{lang}.svg"
        app.save_screenshot(str(path.name), path=str(out))
        saved.append(path)

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        save("home")
        await pilot.press("enter")
        await pilot.pause()
        save("briefing")
        await pilot.press("enter")
        await pilot.pause(0.25 + question_s + 1.2)  # timed once a silence follows it
        save("mic-check")
        await pilot.press("enter")
        await pilot.pause()
        save("round")
        await pilot.press("space")
        await pilot.pause(1.6)
        save("listening")
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        for number in range(1, 4):
            await pilot.press("space")
            await app.workers.wait_for_complete()
            await pilot.pause()
            if number in (1, 2):
                save(f"feedback-round{number}")
            await pilot.press("space")
            await pilot.pause()
        save("summary")
    return saved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lang", choices=("nl", "en"), action="append")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for lang in args.lang or ["en", "nl"]:
        with tempfile.TemporaryDirectory() as tmp:
            library = load_library(user=Path(tmp) / "none")
            scenario = library.find("check-question", lang)
            assert scenario is not None
            queue, question_s = sources(scenario)
            app = make_app(
                source_factory=lambda device, q=queue: q.pop(0),
                device_lister=lambda: DEVICES,
                library=library,
                store=HistoryStore(Path(tmp) / "history.sqlite3"),
                settings=Settings(),
                lang=lang,
            )
            for path in asyncio.run(shoot(app, args.out, lang, question_s)):
                print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
