"""Read and validate one scenario file (TOML) into a :class:`Scenario`.

Pure: :func:`parse_scenario` takes the file's bytes and its path (for messages) and either returns
a scenario or raises :class:`ScenarioError` listing every problem found, each with the key path
(``prompts[2].name``) or, for TOML syntax errors, the line and column. Nothing else escapes it:
coaches write these files by hand, so a mistake must read as a message, never as a traceback.

A problem is a code and its parameters, not a finished sentence: the text comes from the catalogs
(section ``scenario_error``) in the reader's language when it is shown, so a Dutch trainer reads
Dutch. Key names, values and numbers are quoted as they are written in the file (``4.5``, not
``4,5``), because that is what the trainer has to type.

Lists in key paths are numbered from 1 in the order they appear in the file, so ``prompts[2]`` is
the second ``[[prompts]]`` block (the prompt of round 2).
"""

from __future__ import annotations

import difflib
import math
import re
import string
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.audio.pattern import Band, Pattern, Phase, PhaseKind, Shape
from simulator.i18n import DEFAULT_LANGUAGE, t
from simulator.scenarios.model import (
    FEEDBACK_KEYS,
    FEEDBACK_PLACEHOLDERS,
    LANGUAGES,
    MATERIAL_KINDS,
    STEP_KINDS,
    Material,
    Origin,
    RoundPrompt,
    Scenario,
)
from simulator.text import find_unsafe, visible, visible_path

MAX_FILE_BYTES = 256 * 1024
"""A scenario is a page of text; anything far larger is not a scenario file."""
MAX_ROUNDS = 10
MAX_TABLES = {"prompts": 30, "materials": 12}
"""How many ``[[prompts]]`` (the rounds take them in turn) and ``[[materials]]`` (on the
briefing and the one-page handout) a scenario may have: a file with thousands of them is refused
rather than shown."""
MAX_NESTING = 16
"""Tables and lists inside each other; a scenario uses two (``[[prompts]]``)."""
MAX_KEY_PARTS = 8
"""Parts of one dotted key (``a.b.c`` has three); a scenario uses two (``feedback.no_pause``)."""
MAX_DURATION_S = 120.0
DEFAULT_ROUNDS = 3
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_ID_CHARS = 64
MAX_TITLE_CHARS = 120
"""A title is one line in the scenario list; a longer one would bury the others."""
MAX_STEP_CHARS = 400
"""The action step is shown under the title in the list and leads the briefing and handout."""

TOP_KEYS = (
    "id",
    "language",
    "title",
    "action_step",
    "why",
    "research",
    "story",
    "model_line",
    "rounds",
    "step",
    "prompts",
    "pattern",
    "feedback",
    "materials",
)
PROMPT_KEYS = ("situation", "line", "name", "cue")
PHASE_KEYS = ("kind", "label", "target_s", "min_s", "max_s")
BAND_KEYS = ("target_s", "min_s", "max_s")
MATERIAL_KEYS = ("title", "kind", "reference")
PHASE_KINDS = tuple(k.value for k in PhaseKind)
STEP_FITS = {
    Shape.SPEECH_PAUSE_SPEECH: ("question",),
    Shape.CUE_PAUSE_SPEECH: ("answer",),
    Shape.TIMED_TURN: ("direction", "compliment"),
}
"""Which kinds of action step each pattern shape can measure."""

_TOML_POSITION = re.compile(r"^(?P<msg>.*) \(at line (?P<line>\d+), column (?P<col>\d+)\)$", re.S)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")
_TOML_AT_END = re.compile(r"^(?P<msg>.*) \(at end of document\)$", re.S)


CATALOG = "scenario_error"
"""The catalog section with the text of every problem code."""

_TOML_DETAILS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.S), code)
    for pattern, code in (
        (r"Illegal character '\\n'", "unterminated_string"),  # a line break inside "..."
        (r"Illegal character (?P<what>.+)", "illegal_character"),
        (r"Found invalid character (?P<what>.+)", "illegal_character"),
        (r"Unterminated string", "unterminated_string"),
        (r"Unescaped '\\' in a string", "unescaped_backslash"),
        (r"Invalid value", "invalid_value"),
        (r"Invalid statement", "invalid_statement"),
        (r"Invalid initial character for a key part", "invalid_key_start"),
        (r"Expected '=' after a key in a key/value pair", "expected_equals"),
        (r"Expected newline or end of document after a statement", "expected_newline"),
        (r"Expected '\]' at the end of a table declaration", "unclosed_table_header"),
        (r"Expected '\]\]' at the end of an array declaration", "unclosed_array_header"),
        (r"Expected (?P<what>.+)", "expected"),
        (r"Unclosed array", "unclosed_array"),
        (r"Unclosed inline table", "unclosed_inline_table"),
        (r"Invalid date or datetime", "invalid_date"),
        (r"Invalid hex value", "invalid_escape"),
        (r"Escaped character is not a Unicode scalar value", "invalid_escape"),
        (r"Cannot overwrite a value", "defined_twice"),
        (r"Cannot declare .* twice", "defined_twice"),
        (r"Cannot redefine namespace .*", "defined_twice"),
        (r"Cannot mutate immutable namespace .*", "defined_twice"),
        (r"Duplicate inline table key (?P<what>.+)", "duplicate_key"),
    )
)
"""tomllib's messages (English only) and the catalog texts under ``scenario_error.toml`` that
say the same in the reader's language."""


def _toml_detail(message: str) -> Phrase | str:
    """tomllib's message as a translated phrase; one it does not know stays as written."""
    for pattern, code in _TOML_DETAILS:
        if m := pattern.fullmatch(message):
            return Phrase(f"toml.{code}", m.groupdict())
    return message


def _render(code: str, params: Mapping[str, object], lang: str) -> str:
    """The catalog text of ``code``; text from the file among ``params`` is made visible."""
    values = {k: _param_text(v, lang) for k, v in params.items()}
    return t(f"{CATALOG}.{code}", lang, **values)


def _param_text(value: object, lang: str) -> object:
    if isinstance(value, Phrase):
        return value.text(lang)
    if isinstance(value, str):
        return visible(value)
    return value


@dataclass(frozen=True, slots=True)
class Phrase:
    """A piece of a message that is itself translated, e.g. ``a number (3)`` or a suggestion."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict, hash=False)

    def text(self, lang: str) -> str:
        return _render(self.code, self.params, lang)


@dataclass(frozen=True, slots=True)
class ScenarioProblem:
    """One thing wrong with one scenario file (or folder).

    ``code`` names the text under ``scenario_error`` in the catalogs and ``params`` fill it in;
    a :class:`Phrase` among them is translated too. (``key`` and ``lang`` cannot be parameter
    names: :func:`simulator.i18n.t` takes those itself.) ``str(problem)`` and ``message`` are
    English, for logs and scripts; :meth:`describe` gives the same line in the reader's language.
    """

    path: Path
    code: str
    params: Mapping[str, object] = field(default_factory=dict, hash=False)
    key: str | None = None
    """Key path inside the file, e.g. ``prompts[2].name``; ``None`` for whole-file problems."""
    line: int | None = None
    column: int | None = None

    def text(self, lang: str) -> str:
        """What is wrong, in ``lang``, without the file and key."""
        return _render(self.code, self.params, lang)

    @property
    def message(self) -> str:
        """What is wrong, in English."""
        return self.text(DEFAULT_LANGUAGE)

    def describe(self, lang: str) -> str:
        """The whole line in ``lang``: ``path:line:column: key: message``.

        The path and the key are written by others too, so they are made visible like the rest.
        """
        where = visible_path(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        if self.key is not None:
            return f"{where}: {visible(self.key)}: {self.text(lang)}"
        return f"{where}: {self.text(lang)}"

    def __str__(self) -> str:
        return self.describe(DEFAULT_LANGUAGE)


class ScenarioError(Exception):
    """A scenario file that cannot be used, with every problem found in it."""

    def __init__(self, problems: Sequence[ScenarioProblem]) -> None:
        if not problems:
            raise ValueError("ScenarioError needs at least one problem")
        self.problems: tuple[ScenarioProblem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def path(self) -> Path:
        return self.problems[0].path


def decode_scenario_bytes(data: bytes, path: Path) -> str:
    """The file's text, or a :class:`ScenarioError` for empty, binary, huge or non-UTF-8 files."""
    if len(data) > MAX_FILE_BYTES:
        sizes = {"size_kib": len(data) // 1024, "max_kib": MAX_FILE_BYTES // 1024}
        raise ScenarioError([ScenarioProblem(path, "too_large", sizes)])
    if _looks_utf16(data):
        raise ScenarioError([ScenarioProblem(path, "utf16")])
    if b"\x00" in data:
        raise ScenarioError([ScenarioProblem(path, "binary")])
    if data.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte order mark, as some editors write
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ScenarioError(
            [ScenarioProblem(path, "not_utf8", {"byte": data[exc.start]}, line=line, column=column)]
        ) from None
    if not text.strip():
        raise ScenarioError([ScenarioProblem(path, "empty")])
    if "\r" in text and "\n" not in text:  # lines ended by CR alone, as old Mac editors save
        raise ScenarioError([ScenarioProblem(path, "cr_line_endings")])
    return text


def _looks_utf16(data: bytes) -> bool:
    """Text saved as UTF-16 (Notepad's "Unicode"): its byte order mark, or, without one, a zero
    byte beside every character of the first line (as plain ASCII text in UTF-16 has)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    head = data[: min(64, len(data) - len(data) % 2)]
    if len(head) < 4:
        return False
    even, odd = head[0::2], head[1::2]
    return (odd.count(0) == len(odd) and 0 not in even) or (
        even.count(0) == len(even) and 0 not in odd
    )


_STRING_START = re.compile("[\"'#]")
_DOT = re.compile(r"[ \t]*\.[ \t]*")
_SEPARATORS = re.compile(r"[\s,=\[\]{}]+")


def _closing(text: str, start: int, quote: str, *, triple: bool) -> int:
    """Where the string whose content starts at ``start`` ends (just past its closing quotes);
    the end of the line (or text) if it is never closed. Basic strings (``"``) have escapes."""
    delimiter = quote * 3 if triple else quote
    limit = len(text)
    if not triple and (newline := text.find("\n", start)) >= 0:
        limit = newline
    at = start
    while (found := text.find(delimiter, at, limit)) >= 0:
        before = text[at:found]
        if quote == '"' and (len(before) - len(before.rstrip("\\"))) % 2:
            at = found + 1  # an escaped quote
            continue
        end = found + len(delimiter)
        while triple and end < len(text) and text[end] == quote and end - found < 5:
            end += 1  # up to two quotes of the content may touch the closing ones
        return end
    return limit


def _skeleton(text: str) -> str:
    """``text`` with every string replaced by ``s`` and every comment removed (line breaks
    kept), in one pass: what is left is keys, brackets, numbers and punctuation."""
    parts: list[str] = []
    last = 0
    while match := _STRING_START.search(text, last):
        at = match.start()
        parts.append(text[last:at])
        if text[at] == "#":
            end = text.find("\n", at)
            last = len(text) if end < 0 else end
            continue
        quote = text[at]
        triple = text.startswith(quote * 3, at)
        end = _closing(text, at + (3 if triple else 1), quote, triple=triple)
        parts.append("s" + "\n" * text.count("\n", at, end))
        last = end
    parts.append(text[last:])
    return "".join(parts)


def check_structure(text: str, path: Path) -> None:
    """Refuse deep nesting and long dotted keys on the raw text, before the TOML parser sees it.

    tomllib needs memory and time far out of proportion for a key of thousands of dotted parts
    (a 60 KB line took gigabytes), so the text is measured first: strings and comments are cut
    out, then brackets are counted and the dots in each key are counted. Linear in the text.
    """
    skeleton = _skeleton(text)
    depth = 0
    for index, char in enumerate(skeleton):
        if char in "[{":
            depth += 1
            if depth > MAX_NESTING:
                line = skeleton.count("\n", 0, index) + 1
                raise ScenarioError(
                    [ScenarioProblem(path, "toml_nesting", {"max": MAX_NESTING}, line=line)]
                )
        elif char in "]}":
            depth = max(0, depth - 1)
    for number, line_text in enumerate(skeleton.split("\n"), start=1):
        if line_text.count(".") < MAX_KEY_PARTS:
            continue
        tokens = _SEPARATORS.split(_DOT.sub(".", line_text))
        if any(token.count(".") >= MAX_KEY_PARTS for token in tokens):
            problem = ScenarioProblem(path, "key_too_deep", {"max": MAX_KEY_PARTS}, line=number)
            raise ScenarioError([problem])


def parse_toml(text: str, path: Path) -> dict[str, Any]:
    """Parse TOML text; syntax errors become a :class:`ScenarioError` with line and column."""
    check_structure(text, path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's own detail ("Invalid value") is English: the known ones are translated.
        detail = str(exc)
        if m := _TOML_POSITION.match(detail):
            line, column = int(m["line"]), int(m["col"])
            problem = ScenarioProblem(
                path, "toml_syntax", {"detail": _toml_detail(m["msg"])}, line=line, column=column
            )
        elif m := _TOML_AT_END.match(detail):
            line = text.count("\n") + 1
            detail_at_end = _toml_detail(m["msg"])
            problem = ScenarioProblem(
                path, "toml_syntax_at_end", {"detail": detail_at_end}, line=line
            )
        else:
            problem = ScenarioProblem(path, "toml_syntax", {"detail": detail})
        raise ScenarioError([problem]) from None
    except RecursionError:
        raise ScenarioError([ScenarioProblem(path, "toml_too_deep")]) from None


def parse_scenario(data: bytes, path: Path, origin: Origin = Origin.BUILT_IN) -> Scenario:
    """Validate the bytes of one scenario file; raise :class:`ScenarioError` if it is unusable."""
    text = decode_scenario_bytes(data, path)
    document = parse_toml(text, path)
    if not document:
        raise ScenarioError([ScenarioProblem(path, "no_scenario")])
    return _Validator(path, origin).scenario(document)


def _reflow(text: str) -> str:
    """Join the lines of each paragraph; a blank line separates paragraphs.

    Authors wrap long texts in ``\"\"\"`` strings to keep the file readable; the app wraps them
    again to the width of the screen.
    """
    paragraphs = (" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(text))
    return "\n\n".join(p for p in paragraphs if p)


def _kind_of(value: object) -> Phrase:
    """What a TOML value is, for "must be text, not a number (3)"."""
    if isinstance(value, bool):
        return Phrase("value.boolean", {"value": str(value).lower()})
    if isinstance(value, int | float):
        return Phrase("value.number", {"value": value})
    if isinstance(value, str):
        return Phrase("value.text")
    if isinstance(value, dict):
        return Phrase("value.table")
    if isinstance(value, list):
        return Phrase("value.list")
    # What is left of TOML's types: a date, a time, or both.
    return Phrase("value.date", {"value": value})


def _suggest(word: str, choices: Sequence[str]) -> Phrase:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return Phrase("suggest.did_you_mean", {"name": close[0]})
    return Phrase("suggest.valid_keys", {"keys": ", ".join(choices)})


class _Validator:
    """Collects every problem in one document instead of stopping at the first."""

    def __init__(self, path: Path, origin: Origin) -> None:
        self.path = path
        self.origin = origin
        self.problems: list[ScenarioProblem] = []

    def error(self, key: str | None, code: str, /, **params: object) -> None:
        """Record problem ``code`` at ``key``; ``params`` fill in its text."""
        self.problems.append(ScenarioProblem(self.path, code, params, key=key))

    # -- small checkers; each returns None after recording a problem -------------------------

    def unknown_keys(self, table: dict[str, Any], allowed: Sequence[str], prefix: str) -> None:
        for key in table:
            if key not in allowed:
                self.error(prefix + key, "unknown_key", suggestion=_suggest(key, allowed))

    def text(
        self,
        table: dict[str, Any],
        key: str,
        prefix: str = "",
        *,
        required: bool = True,
        missing: str = "missing",
        max_chars: int | None = None,
    ) -> str | None:
        if key not in table:
            if required:
                self.error(prefix + key, missing)
            return None
        value = table[key]
        if not isinstance(value, str):
            self.error(prefix + key, "not_text", found=_kind_of(value))
            return None
        if unsafe := find_unsafe(value):
            self.error(
                prefix + key,
                "unsafe_character",
                code=unsafe.code,
                name=unsafe.name,
                position=unsafe.index + 1,
                count=unsafe.count,
            )
            return None
        text = _reflow(value)
        if not text:
            self.error(prefix + key, "empty_text")
            return None
        if max_chars is not None and len(text) > max_chars:
            self.error(prefix + key, "text_too_long", length=len(text), max=max_chars)
            return None
        return text

    def duration(self, table: dict[str, Any], key: str, prefix: str) -> float | None:
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(prefix + key, "not_seconds", found=_kind_of(value))
            return None
        seconds = float(value)
        if not math.isfinite(seconds):
            self.error(prefix + key, "not_finite")
            return None
        if seconds < 0:
            self.error(prefix + key, "negative", value=value)
            return None
        if seconds > MAX_DURATION_S:
            self.error(prefix + key, "too_long", value=value, max=MAX_DURATION_S)
            return None
        return seconds

    def tables(self, document: dict[str, Any], key: str) -> list[dict[str, Any]] | None:
        """An array of tables (``[[key]]``); ``None`` if missing or malformed."""
        if key not in document:
            self.error(key, "tables_missing", table=key)
            return None
        value = document[key]
        if isinstance(value, dict):
            self.error(key, "tables_single", table=key)
            return None
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.error(key, "tables_type", table=key, found=_kind_of(value))
            return None
        if not value:
            self.error(key, "tables_empty", table=key)
            return None
        most = MAX_TABLES.get(key)
        if most is not None and len(value) > most:
            self.error(key, "tables_too_many", table=key, count=len(value), max=most)
            return None
        return value

    # -- sections ----------------------------------------------------------------------------

    def scenario(self, doc: dict[str, Any]) -> Scenario:
        self.unknown_keys(doc, TOP_KEYS, "")
        scenario_id = self.text(doc, "id")
        if scenario_id is not None and not (
            ID_PATTERN.fullmatch(scenario_id) and len(scenario_id) <= MAX_ID_CHARS
        ):
            self.error("id", "bad_id", id=scenario_id, max=MAX_ID_CHARS)
            scenario_id = None
        language = self.text(doc, "language")
        if language is not None and language not in LANGUAGES:
            if language.lower() in LANGUAGES:
                self.error(
                    "language", "bad_language_case", language=language, suggestion=language.lower()
                )
            else:
                self.error("language", "bad_language", language=language)
            language = None
        title = self.text(doc, "title", max_chars=MAX_TITLE_CHARS)
        action_step = self.text(doc, "action_step", max_chars=MAX_STEP_CHARS)
        why = self.text(doc, "why")
        research = self.text(doc, "research", required=False)
        story = self.text(doc, "story")
        model_line = self.text(doc, "model_line")
        rounds = self.rounds(doc)
        pattern = self.pattern(doc)
        prompts = self.prompts(doc, pattern, rounds)
        feedback = self.feedback(doc)
        materials = self.materials(doc)
        step = self.step(doc, pattern)
        if self.problems:
            raise ScenarioError(self.problems)
        assert scenario_id and language and title and action_step and why and story
        assert model_line and rounds and pattern and prompts is not None
        return Scenario(
            id=scenario_id,
            language=language,
            title=title,
            action_step=action_step,
            why=why,
            research=research,
            story=story,
            model_line=model_line,
            prompts=prompts,
            pattern=pattern,
            rounds=rounds,
            feedback=feedback,
            materials=materials,
            path=self.path,
            origin=self.origin,
            step=step,
        )

    def step(self, doc: dict[str, Any], pattern: Pattern | None) -> str | None:
        """The kind of action step; a pause pattern implies its own, a timed turn has two."""
        step = self.text(doc, "step", required=False)
        if step is None:
            return None
        if step not in STEP_KINDS:
            self.error("step", "bad_step", step=step, steps=", ".join(STEP_KINDS))
            return None
        if pattern is not None:
            fits = STEP_FITS[pattern.shape]
            if step not in fits:
                self.error("step", "step_shape", step=step, steps=", ".join(fits))
                return None
        return step

    def rounds(self, doc: dict[str, Any]) -> int | None:
        value = doc.get("rounds", DEFAULT_ROUNDS)
        if isinstance(value, bool) or not isinstance(value, int):
            self.error("rounds", "rounds_type", found=_kind_of(value))
            return None
        if value < 1:
            self.error("rounds", "rounds_min", value=value)
            return None
        if value > MAX_ROUNDS:
            self.error("rounds", "rounds_max", value=value, max=MAX_ROUNDS)
            return None
        return value

    def pattern(self, doc: dict[str, Any]) -> Pattern | None:
        entries = self.tables(doc, "pattern")
        if entries is None:
            return None
        before = len(self.problems)
        phases: list[Phase] = []
        measured: list[str] = []
        for i, entry in enumerate(entries, start=1):
            prefix = f"pattern[{i}]."
            self.unknown_keys(entry, PHASE_KEYS, prefix)
            kind_text = self.text(entry, "kind", prefix)
            kind: PhaseKind | None = None
            if kind_text is not None:
                try:
                    kind = PhaseKind(kind_text)
                except ValueError:
                    kinds = ", ".join(PHASE_KINDS)
                    self.error(prefix + "kind", "bad_phase_kind", kind=kind_text, kinds=kinds)
            label = self.text(entry, "label", prefix)
            band = self.band(entry, prefix)
            if any(k in entry for k in BAND_KEYS):
                measured.append(f"pattern[{i}]")
            if kind is not None and label is not None:
                phases.append(Phase(kind, label, band))
        if not measured:
            self.error("pattern", "measured_none")
        elif len(measured) > 1:
            self.error("pattern", "measured_many", phases=", ".join(measured))
        if len(self.problems) > before:
            return None
        try:
            return Pattern(tuple(phases))
        except ValueError:
            # The checks above leave exactly one measured phase, so what Pattern rejects is the
            # order of the kinds.
            sequence = " → ".join(p.kind.value for p in phases)
            self.error("pattern", "pattern_sequence", sequence=sequence)
            return None

    def band(self, entry: dict[str, Any], prefix: str) -> Band | None:
        present = [k for k in BAND_KEYS if k in entry]
        if not present:
            return None
        missing = [k for k in BAND_KEYS if k not in entry]
        for key in missing:
            self.error(prefix + key, "band_missing")
        values = {k: self.duration(entry, k, prefix) for k in present}
        target_s, min_s, max_s = (values.get(k) for k in BAND_KEYS)
        if target_s is None or min_s is None or max_s is None:
            return None
        if max_s <= 0:
            self.error(prefix + "max_s", "max_zero")
            return None
        if min_s > max_s:
            self.error(prefix + "min_s", "min_above_max", min_s=min_s, max_s=max_s)
            return None
        if not min_s <= target_s <= max_s:
            self.error(
                prefix + "target_s", "target_outside", target_s=target_s, min_s=min_s, max_s=max_s
            )
            return None
        try:
            return Band(target_s=target_s, min_s=min_s, max_s=max_s)
        except ValueError as exc:  # pragma: no cover - the checks above mirror Band's own
            self.error(prefix.rstrip("."), "band_invalid", detail=str(exc))
            return None

    def prompts(
        self, doc: dict[str, Any], pattern: Pattern | None, rounds: int | None
    ) -> tuple[RoundPrompt, ...] | None:
        entries = self.tables(doc, "prompts")
        if entries is None:
            return None
        shape = pattern.shape if pattern is not None else None
        before = len(self.problems)
        prompts: list[RoundPrompt] = []
        for i, entry in enumerate(entries, start=1):
            prefix = f"prompts[{i}]."
            self.unknown_keys(entry, PROMPT_KEYS, prefix)
            situation = self.text(entry, "situation", prefix)
            line = self.text(entry, "line", prefix)
            name = self.text(
                entry,
                "name",
                prefix,
                required=shape is Shape.SPEECH_PAUSE_SPEECH,
                missing="missing_name",
            )
            cue = self.text(
                entry,
                "cue",
                prefix,
                required=shape is Shape.CUE_PAUSE_SPEECH,
                missing="missing_cue",
            )
            if shape is Shape.TIMED_TURN and "name" in entry:
                self.error(prefix + "name", "name_not_used")
            if shape is not None and shape is not Shape.CUE_PAUSE_SPEECH and "cue" in entry:
                self.error(prefix + "cue", "cue_not_used")
            if situation is not None and line is not None:
                prompts.append(RoundPrompt(situation, line, name, cue))
        if len(self.problems) > before:
            return None
        distinct = len({" ".join(p.line.casefold().split()) for p in prompts})
        if rounds is not None and distinct < rounds:
            self.error(
                "prompts",
                "too_few_lines_one" if distinct == 1 else "too_few_lines",
                distinct=distinct,
                rounds=rounds,
            )
            return None
        return tuple(prompts)

    def feedback(self, doc: dict[str, Any]) -> tuple[tuple[str, str], ...]:
        if "feedback" not in doc:
            return ()
        table = doc["feedback"]
        if not isinstance(table, dict):
            self.error("feedback", "feedback_type", found=_kind_of(table))
            return ()
        self.unknown_keys(table, FEEDBACK_KEYS, "feedback.")
        pairs: list[tuple[str, str]] = []
        for key in FEEDBACK_KEYS:
            text = self.text(table, key, "feedback.", required=False)
            if text is not None and self.placeholders(text, "feedback." + key):
                pairs.append((key, text))
        return tuple(pairs)

    def placeholders(self, text: str, key: str) -> bool:
        """Check ``{value}``-style placeholders; write ``{{`` and ``}}`` for a literal brace.

        Only a bare name is allowed: a format spec such as ``{value:>300000000}`` would let a
        file decide how much text the app writes.
        """
        try:
            parts = [(f, s, c) for _, f, s, c in string.Formatter().parse(text) if f is not None]
        except ValueError as exc:
            # Python's own detail ("Single '{' encountered…") stays English, in our frame.
            self.error(key, "broken_placeholder", detail=str(exc))
            return False
        for name, spec, conversion in parts:
            if spec or conversion:
                written = name + (f"!{conversion}" if conversion else "") + f":{spec}" * bool(spec)
                self.error(key, "placeholder_format", written=written)
                return False
        fields = [name for name, _, _ in parts]
        unknown = [f for f in fields if f not in FEEDBACK_PLACEHOLDERS]
        if unknown:
            allowed = ", ".join(f"{{{p}}}" for p in FEEDBACK_PLACEHOLDERS)
            self.error(key, "unknown_placeholder", name=unknown[0], allowed=allowed)
            return False
        return True

    def materials(self, doc: dict[str, Any]) -> tuple[Material, ...]:
        if "materials" not in doc or doc["materials"] == []:
            return ()
        entries = self.tables(doc, "materials")
        if entries is None:
            return ()
        materials: list[Material] = []
        for i, entry in enumerate(entries, start=1):
            prefix = f"materials[{i}]."
            self.unknown_keys(entry, MATERIAL_KEYS, prefix)
            title = self.text(entry, "title", prefix, max_chars=MAX_TITLE_CHARS)
            kind = self.text(entry, "kind", prefix)
            if kind is not None and kind not in MATERIAL_KINDS:
                kinds = ", ".join(MATERIAL_KINDS)
                self.error(prefix + "kind", "bad_material_kind", kind=kind, kinds=kinds)
                kind = None
            reference = self.text(entry, "reference", prefix)
            if title is not None and kind is not None and reference is not None:
                materials.append(Material(title, kind, reference))
        return tuple(materials)
