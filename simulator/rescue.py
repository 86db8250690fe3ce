"""Finished rounds the practice history could not take, kept as the app ends.

When the history cannot be written (a full disk, a read-only folder) the app keeps the rounds
and retries with every later round; what is still unsaved when the app ends is written out here
instead of being lost: one Markdown debrief per session (the summary's own export) in a single
file, in the exports folder or, where that cannot be written either, the next folder that can.
Where no file can be written at all, the rounds' measurements come back as lines for the
terminal, so the teacher still sees what they practised.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from simulator.export import Format, build_debrief, measurement_line, render
from simulator.i18n import t
from simulator.scenarios.model import Scenario
from simulator.store.files import WriteError, write_atomic
from simulator.store.history import StoredSession, export_session
from simulator.text import visible


@dataclass(frozen=True, slots=True)
class Rescue:
    """Where the unsaved rounds went: a file, or (``path`` is ``None``) lines to show."""

    path: Path | None
    rounds: int
    """How many rounds it holds."""
    lines: tuple[str, ...] = ()


def rescue_sessions(
    sessions: Sequence[StoredSession],
    find_scenario: Callable[[str, str], Scenario | None],
    lang: str,
    folders: Sequence[Path],
    now: datetime,
) -> Rescue | None:
    """Write ``sessions`` (rounds not in the history) as Markdown debriefs into the first of
    ``folders`` that takes the file; ``None`` when there is nothing to keep."""
    debriefs = []
    for session in sessions:
        if not session.rounds:
            continue
        started = datetime.fromisoformat(session.started_at).astimezone()
        scenario = find_scenario(session.scenario, session.language)
        debriefs.append(build_debrief(export_session(session), scenario, lang, started))
    if not debriefs:
        return None
    rounds = sum(len(d.rounds) for d in debriefs)
    text = "\n\n---\n\n".join(render(Format.MARKDOWN, d) for d in debriefs)
    name = f"unsaved-rounds-{now.strftime('%Y-%m-%d-%H%M%S')}.md"
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            write_atomic(folder / name, text.encode("utf-8"), example_name=name)
        except (OSError, WriteError):
            continue
        return Rescue(folder / name, rounds)
    lines = []
    for d in debriefs:
        title = visible(d.title)
        for r in d.rounds:
            said = measurement_line(r.record, lang)
            lines.append(t("app.unsaved_round", lang, title=title, round=r.record.round, said=said))
    return Rescue(None, rounds, tuple(lines))
