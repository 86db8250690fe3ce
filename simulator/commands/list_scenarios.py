"""``coach-sim scenarios``: list, check and show scenarios.

* ``coach-sim scenarios`` — a table of every scenario in use (id, language, title, where it came
  from); files that were skipped are listed on stderr with the reason.
* ``coach-sim scenarios --json`` — the same as a JSON array.
* ``coach-sim scenarios check FILE...`` — validate files (or folders); exit 0 only if all are valid.
* ``coach-sim scenarios show ID [--lang L]`` — print one scenario in full.

The table and the problems with scenario files are in the language of ``--lang`` (before or
after the subcommand), else the setting's or the system's; the JSON keeps its fixed English keys.
"""

from __future__ import annotations

import argparse
import difflib
import shutil
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from simulator.audio.pattern import PhaseKind, Shape
from simulator.commands import add_scenarios_option, report_skipped, ui_language
from simulator.i18n import DEFAULT_LANGUAGE, resolve_language, t, tn
from simulator.scenarios.library import Library, load_file, load_folder, load_library
from simulator.scenarios.loader import ScenarioError, ScenarioProblem
from simulator.scenarios.model import LANGUAGES, Origin, Scenario
from simulator.text import json_text, visible, visible_path


def add_arguments(parser: argparse.ArgumentParser, lang: str = DEFAULT_LANGUAGE) -> None:
    def h(key: str) -> str:
        return t(f"cli.scenarios.{key}", lang)

    parser.add_argument("--json", action="store_true", help=h("json"))
    actions = parser.add_subparsers(dest="scenarios_action", metavar=t("cli.action_metavar", lang))
    check = actions.add_parser("check", help=h("check"), description=h("check_description"))
    check.add_argument(
        "check_files",
        nargs="+",
        metavar=t("cli.file_metavar", lang),
        type=Path,
        help=h("check_files"),
    )
    check.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=h("check_lang"))
    show = actions.add_parser("show", help=h("show"), description=h("show_description"))
    show.add_argument("scenario_id", metavar="ID", help=h("show_id"))
    show.add_argument("--lang", dest="show_lang", choices=LANGUAGES, help=h("show_lang"))
    # `coach-sim scenarios show my-id --scenarios ~/pack`: the pack may follow the id too.
    add_scenarios_option(show, lang)


def run(args: argparse.Namespace) -> int:
    action: str | None = getattr(args, "scenarios_action", None)
    global_lang: str | None = getattr(args, "lang", None)
    lang = ui_language(args)
    if action == "check":
        paths: list[Path] = args.check_files
        return check_files(paths, lang=lang)
    extra = [Path(d) for d in (getattr(args, "scenarios", None) or [])]
    library = load_library(extra)
    if action == "show":
        only = args.show_lang or global_lang
        return show(library, args.scenario_id, only, lang=resolve_language(only or lang))
    return list_scenarios(
        library,
        as_json=bool(getattr(args, "json", False)),
        only_language=global_lang,
        lang=lang,
    )


# -- listing ------------------------------------------------------------------------------------


def _origin_name(origin: Origin, lang: str) -> str:
    return t(f"cli.scenarios.origin_{origin.value}", lang)


def _origin_text(library: Library, scenario: Scenario, lang: str = DEFAULT_LANGUAGE) -> str:
    hidden = library.overrides_of(scenario)
    if not hidden:
        return _origin_name(scenario.origin, lang)
    return t(
        "cli.scenarios.overrides",
        lang,
        origin=_origin_name(scenario.origin, lang),
        hidden=", ".join(_origin_name(s.origin, lang) for s in hidden),
    )


def scenario_summary(library: Library, scenario: Scenario) -> dict[str, Any]:
    """One scenario as a JSON object."""
    return {
        "id": scenario.id,
        "language": scenario.language,
        "title": scenario.title,
        "path": str(scenario.path),
        "origin": scenario.origin.value,
        "overrides": [
            {"path": str(s.path), "origin": s.origin.value} for s in library.overrides_of(scenario)
        ],
        "action_step": scenario.action_step,
        "pattern": scenario.pattern.shape.value,
        "rounds": scenario.rounds,
    }


def list_scenarios(
    library: Library,
    *,
    as_json: bool,
    only_language: str | None = None,
    lang: str = DEFAULT_LANGUAGE,
) -> int:
    """The scenarios (all, or ``only_language``); skipped files are reported in ``lang``."""
    scenarios = library.scenarios if only_language is None else library.in_language(only_language)
    if as_json:
        rows = [scenario_summary(library, s) for s in scenarios]
        print(json_text(rows, indent=2))
        report_skipped(library.problems, lang)
        return 0
    if not scenarios:
        if only_language is None:
            print(t("scenarios.none_found", lang))
        else:
            print(t("scenarios.none_in_language", lang, language=only_language))
    else:
        columns = ("col_id", "col_language", "col_title", "col_origin", "col_file")
        header = tuple(t(f"cli.scenarios.{c}", lang) for c in columns)
        rows_text = [
            tuple(
                visible(cell)
                for cell in (s.id, s.language, s.title, _origin_text(library, s, lang))
            )
            + (visible_path(s.path),)
            for s in scenarios
        ]
        widths = [max(len(r[i]) for r in [header, *rows_text]) for i in range(4)]
        for row in [header, *rows_text]:
            cells = [row[i].ljust(widths[i]) for i in range(4)]
            print("  ".join([*cells, row[4]]))
    report_skipped(library.problems, lang)
    return 0


# -- check --------------------------------------------------------------------------------------


def check_files(paths: Sequence[Path], lang: str = DEFAULT_LANGUAGE) -> int:
    """Validate each file (or folder); print what is wrong, in ``lang``; 0 only if all are valid."""
    valid: list[Scenario] = []
    problems: list[ScenarioProblem] = []
    for path in paths:
        if _is_folder(path):
            found, folder_problems = load_folder(path, Origin.PACK)
            if not found and not folder_problems:
                problems.append(ScenarioProblem(path, "folder_no_files"))
            valid.extend(found)
            problems.extend(folder_problems)
            continue
        try:
            valid.append(load_file(path, Origin.PACK))
        except ScenarioError as exc:
            problems.extend(exc.problems)
    seen: dict[tuple[Path, str, str], Path] = {}
    for scenario in valid:
        key = (scenario.path.resolve().parent, scenario.id, scenario.language)
        if key in seen and seen[key] != scenario.path:
            params = {
                "id": scenario.id,
                "language": scenario.language,
                "other": visible_path(seen[key]),
            }
            problems.append(ScenarioProblem(scenario.path, "duplicate_id_check", params, key="id"))
        seen.setdefault(key, scenario.path)
    bad_paths = {p.path for p in problems}
    for scenario in valid:
        if scenario.path not in bad_paths:
            ok = t(
                "cli.scenarios.ok",
                lang,
                path=visible_path(scenario.path),
                id=scenario.id,
                language=scenario.language,
            )
            print(ok)
    _print_problems(problems, lang)
    count = len({s.path for s in valid} | bad_paths)
    valid_count = count - len(bad_paths)
    print(tn("scenarios.checked", lang, count, count=count, valid=valid_count, bad=len(bad_paths)))
    return 0 if not problems else 1


MAX_PROBLEMS_PER_FILE = 20
"""A file written for another format can have a problem in every block; past this many, the
rest of that file's are counted rather than listed, so the other files stay in view."""


def _print_problems(problems: Sequence[ScenarioProblem], lang: str) -> None:
    shown: dict[Path, int] = {}
    for problem in problems:
        shown[problem.path] = shown.get(problem.path, 0) + 1
        if shown[problem.path] <= MAX_PROBLEMS_PER_FILE:
            print(t("scenarios.check_error", lang, problem=problem.describe(lang)))
    for path, count in shown.items():
        if count > MAX_PROBLEMS_PER_FILE:
            more = count - MAX_PROBLEMS_PER_FILE
            print(tn("scenarios.check_more", lang, more, more=more, path=visible_path(path)))


def _is_folder(path: Path) -> bool:
    """Whether ``path`` is a folder; a path the system cannot even look at (a name too long for
    it) is not, so that reading it as a file says what is wrong, beside the other files."""
    try:
        return path.is_dir()
    except OSError:
        return False


# -- show ---------------------------------------------------------------------------------------

_LABELS = {
    "en": {
        "action_step": "Action step",
        "why": "Why it works",
        "research": "Research",
        "story": "Story",
        "model_line": "Done well",
        "pattern": "Measured",
        "rounds": "Rounds",
        "round": "Round",
        "situation": "Situation",
        "line": "Say",
        "name": "Name",
        "cue": "Student says",
        "feedback": "Feedback texts",
        "materials": "Follow-up materials",
        "from_app": "from the app",
        "at_most": "at most",
    },
    "nl": {
        "action_step": "Actiestap",
        "why": "Waarom het werkt",
        "research": "Onderzoek",
        "story": "Verhaal",
        "model_line": "Zo klinkt het",
        "pattern": "Gemeten",
        "rounds": "Rondes",
        "round": "Ronde",
        "situation": "Situatie",
        "line": "Zeg",
        "name": "Naam",
        "cue": "Leerling zegt",
        "feedback": "Feedbackteksten",
        "materials": "Materialen om verder te lezen",
        "from_app": "door de app",
        "at_most": "hooguit",
    },
}


_KIND_NAMES = {"nl": {"article": "artikel", "book": "boek"}}


def _number(value: float, language: str) -> str:
    text = f"{value:g}"
    return text.replace(".", ",") if language == "nl" else text


def describe_pattern(scenario: Scenario) -> str:
    """The measured pattern in one line, e.g. ``question → thinking pause 3 s (2.5–4 s) → name``."""
    labels = _LABELS.get(scenario.language, _LABELS["en"])
    parts = []
    for phase in scenario.pattern.phases:
        text = phase.label
        if phase.kind is PhaseKind.CUE:
            text += f" ({labels['from_app']})"
        if phase.band is not None:
            band = phase.band
            target, low, high = (
                _number(v, scenario.language) for v in (band.target_s, band.min_s, band.max_s)
            )
            if scenario.pattern.shape is Shape.TIMED_TURN:
                text += f" ~{target}\u00a0s, {labels['at_most']} {high}\u00a0s"
            else:
                text += f" {target}\u00a0s ({low}–{high}\u00a0s)"
        parts.append(text)
    return " → ".join(parts)


def render_scenario(library: Library, scenario: Scenario, width: int = 80) -> str:
    labels = _LABELS.get(scenario.language, _LABELS["en"])
    lang = scenario.language if scenario.language in LANGUAGES else DEFAULT_LANGUAGE
    out: list[str] = []

    def block(label: str, text: str) -> None:
        out.append("")
        out.append(f"{label}:")
        for paragraph in text.split("\n\n"):
            out.append(textwrap.fill(paragraph, width, initial_indent="  ", subsequent_indent="  "))

    out.append(f"{scenario.title}  [{scenario.id}, {scenario.language}]")
    out.append(f"{_origin_text(library, scenario, lang)}: {visible_path(scenario.path)}")
    for hidden in library.overrides_of(scenario):
        out.append(
            t(
                "cli.scenarios.overrides_line",
                lang,
                origin=_origin_name(hidden.origin, lang),
                path=visible_path(hidden.path),
            )
        )
    block(labels["action_step"], scenario.action_step)
    block(labels["why"], scenario.why)
    if scenario.research:
        block(labels["research"], scenario.research)
    block(labels["story"], scenario.story)
    block(labels["model_line"], scenario.model_line)
    block(labels["pattern"], describe_pattern(scenario))
    for number in range(1, scenario.rounds + 1):
        prompt = scenario.prompt_for(number)
        out.append("")
        out.append(f"{labels['round']} {number}/{scenario.rounds}")
        fields = [("situation", prompt.situation)]
        if prompt.cue is not None:
            fields.append(("cue", prompt.cue))
        fields.append(("line", prompt.line))
        if prompt.name is not None:
            fields.append(("name", prompt.name))
        for key, value in fields:
            prefix = f"  {labels[key]}: "
            out.append(
                textwrap.fill(
                    value, width, initial_indent=prefix, subsequent_indent=" " * len(prefix)
                )
            )
    if scenario.feedback:
        out.append("")
        out.append(f"{labels['feedback']}:")
        for key, text in scenario.feedback:
            out.append(
                textwrap.fill(text, width, initial_indent=f"  {key}: ", subsequent_indent="    ")
            )
    if scenario.materials:
        out.append("")
        out.append(f"{labels['materials']}:")
        kind_names = _KIND_NAMES.get(scenario.language, {})
        for material in scenario.materials:
            out.append(
                textwrap.fill(
                    f"[{kind_names.get(material.kind, material.kind)}] {material.title}"
                    f" — {material.reference}",
                    width,
                    initial_indent="  - ",
                    subsequent_indent="    ",
                )
            )
    return "\n".join(out)


def show(
    library: Library, scenario_id: str, only_language: str | None, lang: str = DEFAULT_LANGUAGE
) -> int:
    """Print the scenario (every language, or ``only_language``); messages are in ``lang``."""
    languages = library.languages_of(scenario_id)
    if not languages:
        close = difflib.get_close_matches(scenario_id, library.ids(), n=1, cutoff=0.5)
        if close:
            message = t(
                "scenarios.no_such_id_suggest", lang, id=visible(scenario_id), suggestion=close[0]
            )
        else:
            message = t("scenarios.no_such_id", lang, id=visible(scenario_id))
        print(message, file=sys.stderr)
        print(t("scenarios.see_list", lang), file=sys.stderr)
        report_skipped(library.problems, lang)
        return 1
    if only_language is not None and only_language not in languages:
        available = ", ".join(languages)
        print(
            t(
                "scenarios.no_version",
                lang,
                id=visible(scenario_id),
                language=only_language,
                available=available,
            ),
            file=sys.stderr,
        )
        return 1
    width = min(100, max(40, shutil.get_terminal_size((80, 24)).columns - 2))
    chosen = [only_language] if only_language is not None else list(languages)
    texts = []
    for language in chosen:
        scenario = library.find(scenario_id, language)
        assert scenario is not None
        texts.append(render_scenario(library, scenario, width))
    print(visible(("\n\n" + "─" * width + "\n\n").join(texts), multiline=True))
    return 0
