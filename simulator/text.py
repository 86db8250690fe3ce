"""The one door for untrusted text on its way to a screen.

Scenario files, participants' names, coach notes and the history are written by other people and
passed around by e-mail and USB stick. Before any of that text reaches the terminal or the app it
goes through :func:`visible`: control characters (an escape sequence can set the window title or
write to the clipboard), bidirectional overrides (they make a line read differently from what it
says) and invisible format characters are replaced by a visible ``\\u202e``-style code, so the
reader sees that something odd is there and the terminal never acts on it.

Pure: no Textual, no files. The app additionally shows such text as plain text, never markup
(``simulator.screens.base.plain``); exports have their own escaping (``simulator.export``).
"""

from __future__ import annotations

import json
import os
import unicodedata
from dataclasses import dataclass
from typing import Any

UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
"""Unicode categories never shown as they are: controls (C0, DEL, C1), format characters (bidi
overrides and isolates, zero-width characters, tag characters), lone surrogates, and the line and
paragraph separators."""

C0_NAMES = (
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL",
    "BS", "HT", "LF", "VT", "FF", "CR", "SO", "SI",
    "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB",
    "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US",
)  # fmt: skip
C1_NAMES = (
    "PAD", "HOP", "BPH", "NBH", "IND", "NEL", "SSA", "ESA",
    "HTS", "HTJ", "VTS", "PLD", "PLU", "RI", "SS2", "SS3",
    "DCS", "PU1", "PU2", "STS", "CCH", "MW", "SPA", "EPA",
    "SOS", "SGCI", "SCI", "CSI", "ST", "OSC", "PM", "APC",
)  # fmt: skip
"""The standard abbreviations of the control characters (ISO 6429), which have no Unicode
name: U+0000-U+001F and U+0080-U+009F."""

FORMAT_NAMES = {
    0x00AD: "SHY", 0x061C: "ALM", 0x180E: "MVS", 0x200B: "ZWSP", 0x200C: "ZWNJ", 0x200D: "ZWJ",
    0x200E: "LRM", 0x200F: "RLM", 0x2028: "LSEP", 0x2029: "PSEP", 0x202A: "LRE", 0x202B: "RLE",
    0x202C: "PDF", 0x202D: "LRO", 0x202E: "RLO", 0x2060: "WJ", 0x2066: "LRI", 0x2067: "RLI",
    0x2068: "FSI", 0x2069: "PDI", 0xFEFF: "ZWNBSP",
}  # fmt: skip
"""The standard abbreviations (Unicode name aliases) of the format characters a hostile text
uses: bidirectional overrides and isolates, zero-width characters, line and paragraph separators;
they read the same in every language, where the Unicode name is English."""

LAYOUT = frozenset("\n\t")
"""Characters a multi-line text may keep."""


def is_unsafe(char: str) -> bool:
    """Whether ``char`` must not reach a terminal as it is."""
    return unicodedata.category(char) in UNSAFE_CATEGORIES


def code_of(char: str) -> str:
    """The visible stand-in: ``\\u001b`` (``\\U000e0041`` beyond the first 65,536 code points)."""
    point = ord(char)
    return f"\\u{point:04x}" if point <= 0xFFFF else f"\\U{point:08x}"


def visible(text: str, *, multiline: bool = False) -> str:
    """``text`` safe for a terminal or a widget: every unsafe character shown as its code.

    One line by default (a table cell, a name): line breaks and tabs become spaces, so a name
    cannot start a line of its own. With ``multiline`` newlines and tabs stay and ``\\r\\n``
    becomes ``\\n``.
    """
    if multiline:
        text = text.replace("\r\n", "\n")
    out: list[str] = []
    for char in text:
        if char in LAYOUT or char == "\r":
            out.append(char if multiline and char in LAYOUT else " ")
        elif is_unsafe(char):
            out.append(code_of(char))
        else:
            out.append(char)
    return "".join(out)


def visible_path(path: str | os.PathLike[str]) -> str:
    """A file or folder name safe for a terminal: like :func:`visible`, but a line break or a tab
    in it is shown as its code too (``\\u000a``), not as a space: it is part of the name, and a
    name shown with a space would be another file's."""
    return "".join(code_of(char) if is_unsafe(char) else char for char in os.fspath(path))


@dataclass(frozen=True, slots=True)
class Unsafe:
    """The first unsafe character in a text: where (0-based) and which, and how many in all."""

    index: int
    char: str
    count: int

    @property
    def code(self) -> str:
        return code_of(self.char)

    @property
    def name(self) -> str:
        """The character's standard abbreviation where it has one ("ESC", "BEL", "RLO", "ZWSP"),
        which reads the same in Dutch; else its Unicode name."""
        point = ord(self.char)
        if point < 0x20:
            return C0_NAMES[point]
        if point == 0x7F:
            return "DEL"
        if 0x80 <= point < 0xA0:
            return C1_NAMES[point - 0x80]
        if point in FORMAT_NAMES:
            return FORMAT_NAMES[point]
        return unicodedata.name(self.char, "surrogate").lower()


def find_unsafe(text: str, *, allowed: frozenset[str] = frozenset("\n\t\r")) -> Unsafe | None:
    """The first character of ``text`` that :func:`visible` would replace, or ``None``.

    ``allowed`` are characters the caller accepts (by default the line breaks and tabs of a
    text wrapped over several lines).
    """
    found = [i for i, char in enumerate(text) if char not in allowed and is_unsafe(char)]
    if not found:
        return None
    return Unsafe(found[0], text[found[0]], len(found))


def escape(text: str) -> str:
    """``text`` as Textual markup that shows exactly that text (unsafe characters as codes).

    Textual reads ``\\[`` as a literal bracket, so escaping every ``[`` leaves nothing that can
    open a tag: not ``[/]`` (which would end a style that was never opened), not ``[$x]`` or
    ``[ b ]`` (which ``rich.markup.escape`` leaves alone), not ``[@click=app.quit]``. A backslash
    before a bracket stays visible, because ``\\\\[`` shows as ``\\[``.
    """
    return visible(text, multiline=True).replace("[", "\\[")


def json_text(value: Any, *, indent: int | None = None) -> str:
    """``value`` as JSON that is safe on a terminal and true to its texts.

    Every unsafe character in a text is written as JSON escapes it (``\\u001b``; a pair of
    surrogate escapes beyond the first 65,536 code points), never raw: ``json.dumps`` escapes the
    C0 controls only, and leaves DEL, the C1 controls and bidi overrides as they are. A program
    reading the output gets each text exactly as it was; other non-ASCII text (``é``, ``–``)
    stays readable.
    """
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    # Outside the texts JSON has only ASCII punctuation, and the line breaks of ``indent``.
    return "".join(_json_escape(c) if c != "\n" and is_unsafe(c) else c for c in text)


def _json_escape(char: str) -> str:
    units = char.encode("utf-16-be", "surrogatepass")
    return "".join(f"\\u{units[i] << 8 | units[i + 1]:04x}" for i in range(0, len(units), 2))


def shortened(text: str, max_chars: int = 40) -> str:
    """:func:`visible`, cut to ``max_chars`` with an ellipsis: for echoing a bad argument."""
    shown = visible(text)
    return shown if len(shown) <= max_chars else shown[: max_chars - 1] + "…"


class TypedTextError(ValueError):
    """A line typed by a teacher that cannot be kept: ``reason`` is ``too_long`` or ``unsafe``,
    ``params`` fill the message (``max``, ``length``; ``code``, ``name``)."""

    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params


def typed_text(text: str, max_chars: int) -> str:
    """A line typed (or pasted) into the app, made safe to keep, show and export.

    Runs of white space become one space and the ends are trimmed; a text longer than
    ``max_chars`` or holding an unsafe character (a pasted escape sequence, a bidi override)
    raises ``TypedTextError`` so the teacher can fix it, instead of it being kept in secret.
    """
    unsafe = find_unsafe(text, allowed=LAYOUT | {"\r"})
    if unsafe is not None:
        raise TypedTextError("unsafe", code=unsafe.code, name=unsafe.name)
    clean = " ".join(text.split())
    if len(clean) > max_chars:
        raise TypedTextError("too_long", max=max_chars, length=len(clean))
    return clean
