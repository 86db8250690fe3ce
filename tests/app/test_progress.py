"""The progress view: from home (P), a chart per scenario of every saved round over time."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Select, Static

from simulator.app import SimulatorApp, make_app
from simulator.audio.result import Reason
from simulator.scenarios.library import Library
from simulator.screens.home import HomeScreen
from simulator.screens.progress import ProgressScreen
from simulator.store.history import HistoryStore
from simulator.widgets.progress_chart import ProgressChart
from tests.app.conftest import Rounds
from tests.unit.test_history import failed, sps

SIZE = (100, 30)


def fill(store: HistoryStore) -> None:
    days = ("2025-03-04", "2025-03-11", "2025-03-18")
    pauses = ((1.1, 1.5, 2.0), (2.4, None, 2.9), (3.0, 3.3, 2.8))
    for day, rounds in zip(days, pauses, strict=True):
        sid = store.start_session("check-question", "en", started_at=f"{day}T09:00:00+00:00")
        for i, p in enumerate(rounds, start=1):
            store.save_round(sid, i, failed(Reason.NAME_FIRST) if p is None else sps(p))
    other = store.start_session("wait-time", "en", started_at="2025-02-01T09:00:00+00:00")
    store.save_round(other, 1, sps(0.6))


def app_with(library: Library, store: HistoryStore | None, lang: str = "en") -> SimulatorApp:
    return make_app(source_factory=Rounds([]), library=library, store=store, lang=lang)


def chart_text(app: SimulatorApp) -> str:
    return str(app.screen.query_one("#progress-chart", ProgressChart).render())


async def test_progress_from_home_shows_every_round_against_the_band(
    library: Library, store: HistoryStore
) -> None:
    fill(store)
    app = app_with(library, store)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, HomeScreen)
        footer_keys = [b.binding.key for b in app.active_bindings.values() if b.binding.show]
        assert "p" in footer_keys
        await pilot.press("p")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ProgressScreen)
        # The most recently practised scenario comes first (or the one highlighted on home).
        assert screen.shown in ("check-question", "wait-time")
        screen.query_one("#progress-scenario", Select).value = "check-question"
        await pilot.pause()
        assert screen.shown == "check-question"
        chart = chart_text(app)
        assert chart.count("●") == 8 and chart.count("×") == 1  # nine rounds, one unmeasured
        assert "░" in chart and "─" in chart and "3 s" in chart
        assert "03-04" in chart and "03-18" in chart
        trend = str(screen.query_one("#progress-trend", Static).render()).replace("\xa0", " ")
        assert "moved towards the target" in trend and "1.5 s" in trend
        count = str(screen.query_one("#progress-count", Static).render())
        assert "Rounds: 9 · sessions: 3 · on target: 4" in count
        legend = str(screen.query_one("#progress-legend", Static).render())
        assert "target range 2.5–4.0" in legend.replace("\xa0", " ")
        # Every line of the chart fits the 100-column terminal.
        assert all(len(line) <= SIZE[0] for line in chart.splitlines())

        screen.query_one("#progress-scenario", Select).value = "wait-time"
        await pilot.pause()
        assert chart_text(app).count("●") == 1
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_progress_without_practice_says_how_to_start(
    library: Library, store: HistoryStore, tmp_path: Path
) -> None:
    app = app_with(library, store, lang="nl")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ProgressScreen)
        message = str(app.screen.query_one("#progress-trend", Static).render())
        assert message.startswith("Nog niets geoefend")
        assert not app.screen.query_one("#progress-chart").display


async def test_progress_when_the_history_cannot_be_read(library: Library, tmp_path: Path) -> None:
    broken = tmp_path / "history.sqlite3"
    broken.write_bytes(b"not a database " * 300)
    app = app_with(library, HistoryStore(broken))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await pilot.pause()
        message = str(app.screen.query_one("#progress-trend", Static).render())
        assert "cannot be shown right now" in message and "is not a coach-sim" in message
