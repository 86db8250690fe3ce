"""A number and its unit stay on one line: a no-break space between them, in the catalogs and in
the formatters (``3,0\u00a0s``, ``-42\u00a0dBFS``, ``16\u00a0kHz``)."""

from __future__ import annotations

import re

import pytest

from simulator.i18n import LANGUAGES, catalog, format_band, format_seconds

UNIT_AFTER_PLAIN_SPACE = re.compile(r"([0-9]|\})[ \t](s|ms|dBFS|Hz|kHz|kB|MB|seconds?|seconden?)\b")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_catalog_text_breaks_a_number_from_its_unit(lang: str) -> None:
    loose = {
        key: text for key, text in catalog(lang).items() if UNIT_AFTER_PLAIN_SPACE.search(text)
    }
    assert not loose


@pytest.mark.parametrize(("lang", "text"), [("nl", "3,0\u00a0s"), ("en", "3.0\u00a0s")])
def test_formatted_durations_hold_a_no_break_space(lang: str, text: str) -> None:
    assert format_seconds(3.0, lang) == text
    assert format_band(2.5, 4.0, lang).endswith("\u00a0s")
    assert " " not in format_seconds(12.25, lang, 2)


def test_kept_audio_sizes_follow_the_language() -> None:
    from simulator.commands.manage_recordings import _size

    assert _size(1536 * 1024, "nl") == "1,5\u00a0MB"
    assert _size(1536 * 1024, "en") == "1.5\u00a0MB"
    assert _size(188 * 1024, "nl") == "188\u00a0kB"
