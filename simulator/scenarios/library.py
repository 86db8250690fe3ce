"""The scenario library: built-in scenarios, a trainer's packs and the user's own folder.

This is the edge that touches the disk; the parsing itself is in :mod:`simulator.scenarios.loader`.
A file that cannot be used never stops the others: it becomes a :class:`ScenarioProblem` in the
library.

When the same id and language appear in more than one place the later source wins:
built-in, then each ``--scenarios`` pack in the order given, then the user's own folder.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from simulator.scenarios.loader import (
    MAX_FILE_BYTES,
    Phrase,
    ScenarioError,
    ScenarioProblem,
    parse_scenario,
)
from simulator.scenarios.model import LANGUAGES, Origin, Scenario
from simulator.store.files import FileTooLargeError, NotRegularFileError, read_regular
from simulator.store.paths import user_scenarios_dir

SUFFIX = ".toml"


def builtin_dir() -> Path:
    """The folder of the scenarios that ship with coach-sim.

    In an installed wheel they sit inside the package (``simulator/_builtin_scenarios``); in a
    source checkout or an editable install they are the repository's ``scenarios/`` folder.
    """
    packaged = Path(str(resources.files("simulator").joinpath("_builtin_scenarios")))
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "scenarios"


def user_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The user's own scenario folder: ``$COACH_SIM_HOME/scenarios`` or the platform data dir."""
    return user_scenarios_dir(environ)


MAX_PACK_DEPTH = 8
"""Subfolders below a pack folder that are read; a pack is a few folders, not a maze."""
MAX_PACK_FILES = 500
"""Scenario files read from one pack folder."""


def scenario_files(folder: Path) -> tuple[list[Path], list[ScenarioProblem]]:
    """The ``*.toml`` entries in a folder and its subfolders, skipping hidden ones, sorted.

    Symbolic links to folders are not followed; folders deeper than ``MAX_PACK_DEPTH`` and files
    beyond ``MAX_PACK_FILES`` are left unread, each with a problem saying so. Entries that are not
    ordinary files (a FIFO named ``x.toml``) are listed, so that reading them reports them.
    """
    found: list[Path] = []
    problems: list[ScenarioProblem] = []
    pending = [(folder, 0)]
    too_deep = False
    while pending:
        current, depth = pending.pop()
        with os.scandir(current) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if depth < MAX_PACK_DEPTH:
                        pending.append((Path(entry.path), depth + 1))
                    elif not too_deep:
                        too_deep = True
                        problems.append(
                            ScenarioProblem(folder, "pack_too_deep", {"max": MAX_PACK_DEPTH})
                        )
                elif entry.name.endswith(SUFFIX):
                    found.append(Path(entry.path))
                    if len(found) > MAX_PACK_FILES:
                        problems.append(
                            ScenarioProblem(folder, "pack_too_many", {"max": MAX_PACK_FILES})
                        )
                        return sorted(found)[:MAX_PACK_FILES], problems
                elif (better := _meant_name(entry.name)) is not None:
                    params = {"suggestion": better}
                    problems.append(ScenarioProblem(Path(entry.path), "misnamed", params))
    return sorted(found), problems


def _meant_name(name: str) -> str | None:
    """The ``.toml`` name a file was meant to have: ``x.TOML`` (a scenario file, but only
    ``.toml`` is read), or ``x.toml.txt`` (an editor such as Notepad added ``.txt``)."""
    folded = name.casefold()
    if folded.endswith(SUFFIX):
        return name[: -len(SUFFIX)] + SUFFIX
    if folded.endswith(SUFFIX + ".txt"):
        return name[: -len(".txt")][: -len(SUFFIX)] + SUFFIX
    return None


def load_file(path: Path, origin: Origin) -> Scenario:
    """Read and validate one file; every failure is a :class:`ScenarioError`.

    Only an ordinary file of at most ``MAX_FILE_BYTES`` is read: a FIFO, a device or a huge
    file is refused before a byte of it is read.
    """
    try:
        data = read_regular(path, MAX_FILE_BYTES)
    except FileNotFoundError:
        code = "stdin" if str(path) == "-" else "file_not_found"
        raise ScenarioError([ScenarioProblem(path, code)]) from None
    except IsADirectoryError:
        raise ScenarioError([ScenarioProblem(path, "is_folder")]) from None
    except NotRegularFileError:
        raise ScenarioError([ScenarioProblem(path, "not_regular_file")]) from None
    except FileTooLargeError as exc:
        sizes = {"size_kib": exc.size // 1024, "max_kib": MAX_FILE_BYTES // 1024}
        raise ScenarioError([ScenarioProblem(path, "too_large", sizes)]) from None
    except OSError as exc:
        raise ScenarioError(
            [ScenarioProblem(path, "cannot_read", {"reason": _reason(exc)})]
        ) from None
    return parse_scenario(data, path, origin)


def _reason(exc: OSError) -> Phrase | str:
    """Why a file or folder cannot be read: a missing permission in the reader's language, any
    rarer failure as the system says it."""
    if isinstance(exc, PermissionError):
        return Phrase("reason.permission")
    if exc.errno == errno.ELOOP:
        return Phrase("reason.symlink_loop")
    if exc.errno == errno.ENAMETOOLONG:
        return Phrase("reason.name_too_long")
    return exc.strerror or str(exc)


def load_folder(
    folder: Path, origin: Origin, *, missing_ok: bool = False
) -> tuple[tuple[Scenario, ...], tuple[ScenarioProblem, ...]]:
    """Every valid scenario in ``folder`` and a problem for each file that was skipped.

    ``folder`` may also be a single ``.toml`` file. Two files in one folder with the same id and
    language are a mistake: the first (by path) is kept and the second reported.
    """
    problems: list[ScenarioProblem] = []
    if folder.is_dir():
        try:
            files, problems = scenario_files(folder)
        except OSError as exc:
            return (), (ScenarioProblem(folder, "folder_unreadable", {"reason": _reason(exc)}),)
    elif folder.exists():
        files = [folder]  # a single file (and whatever else it is, load_file says)
    elif missing_ok:
        return (), ()
    else:
        return (), (ScenarioProblem(folder, "folder_not_found"),)
    scenarios: list[Scenario] = []
    seen: dict[tuple[str, str], Path] = {}
    for path in files:
        try:
            scenario = load_file(path, origin)
        except ScenarioError as exc:
            problems.extend(exc.problems)
            continue
        key = (scenario.id, scenario.language)
        if key in seen:
            params = {"id": scenario.id, "language": scenario.language, "other": str(seen[key])}
            problems.append(ScenarioProblem(path, "duplicate_id", params, key="id"))
            continue
        seen[key] = path
        scenarios.append(scenario)
    return tuple(scenarios), tuple(problems)


@dataclass(frozen=True, slots=True)
class Library:
    """The scenarios in use, the ones they override, and the files that were skipped."""

    scenarios: tuple[Scenario, ...]
    """The scenario in use for each (id, language), sorted by id then language."""
    problems: tuple[ScenarioProblem, ...]
    overridden: tuple[Scenario, ...] = ()
    """Scenarios hidden by one with the same id and language from a later source."""

    def find(self, scenario_id: str, language: str) -> Scenario | None:
        for scenario in self.scenarios:
            if scenario.id == scenario_id and scenario.language == language:
                return scenario
        return None

    def ids(self) -> tuple[str, ...]:
        return tuple(sorted({s.id for s in self.scenarios}))

    def languages_of(self, scenario_id: str) -> tuple[str, ...]:
        """The languages the scenario exists in, in the order of ``LANGUAGES``."""
        have = {s.language for s in self.scenarios if s.id == scenario_id}
        return tuple(lang for lang in LANGUAGES if lang in have)

    def in_language(self, language: str) -> tuple[Scenario, ...]:
        return tuple(s for s in self.scenarios if s.language == language)

    def overrides_of(self, scenario: Scenario) -> tuple[Scenario, ...]:
        """The scenarios that ``scenario`` hides (same id and language, earlier source)."""
        return tuple(
            s for s in self.overridden if s.id == scenario.id and s.language == scenario.language
        )


def merge(sources: Iterable[tuple[Sequence[Scenario], Sequence[ScenarioProblem]]]) -> Library:
    """Combine sources in increasing priority: a later scenario replaces an earlier one."""
    chosen: dict[tuple[str, str], Scenario] = {}
    overridden: list[Scenario] = []
    problems: list[ScenarioProblem] = []
    for scenarios, source_problems in sources:
        problems.extend(source_problems)
        for scenario in scenarios:
            key = (scenario.id, scenario.language)
            if key in chosen:
                overridden.append(chosen[key])
            chosen[key] = scenario
    ordered = tuple(chosen[k] for k in sorted(chosen, key=lambda k: (k[0], _lang_rank(k[1]))))
    return Library(ordered, tuple(problems), tuple(overridden))


def _lang_rank(language: str) -> int:
    return LANGUAGES.index(language) if language in LANGUAGES else len(LANGUAGES)


def load_library(
    extra_dirs: Sequence[Path | str] = (),
    *,
    builtin: Path | None = None,
    user: Path | None = None,
) -> Library:
    """Load the built-in scenarios, each pack in ``extra_dirs`` and the user's own folder.

    ``builtin`` and ``user`` replace the default folders (for tests and tools).
    """
    sources = [load_folder(builtin or builtin_dir(), Origin.BUILT_IN)]
    sources.extend(load_folder(Path(d), Origin.PACK) for d in extra_dirs)
    sources.append(load_folder(user or user_dir(), Origin.USER, missing_ok=True))
    return merge(sources)


def visible_scenarios(scenarios: tuple[Scenario, ...], lang: str, query: str) -> list[Scenario]:
    """One entry per scenario id, in ``lang`` where it exists, filtered by ``query`` (title,
    action step or id, case-insensitive; every word must match)."""
    chosen: dict[str, Scenario] = {}
    for scenario in scenarios:
        if scenario.id not in chosen or scenario.language == lang:
            chosen[scenario.id] = scenario
    words = query.lower().split()
    found = []
    for scenario in chosen.values():
        haystack = f"{scenario.title} {scenario.action_step} {scenario.id}".lower()
        if all(word in haystack for word in words):
            found.append(scenario)
    return sorted(found, key=lambda s: s.title.lower())
