"""The catalogs: same keys and placeholders in both languages; language resolution; formatting."""

from __future__ import annotations

import re

import pytest

from simulator.i18n import (
    LANGUAGES,
    catalog,
    fill,
    format_band,
    format_seconds,
    language_choice,
    language_override_note,
    placeholders,
    resolve_language,
    t,
)


def test_both_catalogs_have_the_same_keys() -> None:
    nl, en = catalog("nl"), catalog("en")
    assert sorted(set(nl) - set(en)) == []
    assert sorted(set(en) - set(nl)) == []
    assert len(en) > 200


@pytest.mark.parametrize("key", sorted(catalog("en")))
def test_same_placeholders_per_key(key: str) -> None:
    assert placeholders(catalog("nl")[key]) == placeholders(catalog("en")[key]), key


def test_texts_are_non_empty_and_actually_translated() -> None:
    nl, en = catalog("nl"), catalog("en")
    for lang in LANGUAGES:
        assert all(v.strip() for v in catalog(lang).values())
    same = [k for k in en if en[k] == nl[k]]
    # Only names, symbols and pure-placeholder texts may be identical.
    assert len(same) < 0.1 * len(en), same


def test_placeholders_parses_format_fields() -> None:
    assert placeholders("Round {round} of {rounds}: {value:>5}") == {"round", "rounds", "value"}
    assert placeholders("no fields {{literal}}") == frozenset()


def test_t_fills_placeholders_in_each_language() -> None:
    assert t("round.title", "en", round=2, rounds=3) == "Round 2 of 3"
    assert t("round.title", "nl", round=2, rounds=3) == "Ronde 2 van 3"
    assert t("verdict.on_target", "nl") == "binnen de marge"


def test_t_unknown_key_and_missing_parameter_raise() -> None:
    with pytest.raises(KeyError, match="no.such.key"):
        t("no.such.key", "en")
    with pytest.raises(KeyError):
        t("round.title", "en", round=1)
    with pytest.raises(ValueError, match="unknown language"):
        t("round.title", "de", round=1, rounds=3)


def test_fill_keeps_a_text_with_a_broken_placeholder() -> None:
    assert fill("wait {target}", target="3.0 s") == "wait 3.0 s"
    assert fill("wait {unknown} {", target="3.0 s") == "wait {unknown} {"


@pytest.mark.parametrize(
    ("explicit", "environ", "expected"),
    [
        ("nl", {"LANG": "en_US.UTF-8"}, "nl"),
        ("en", {"LANG": "nl_NL.UTF-8"}, "en"),
        ("nl_BE", {}, "nl"),
        (None, {"LANG": "nl_NL.UTF-8"}, "nl"),
        (None, {"LANG": "nl_BE"}, "nl"),
        (None, {"LANG": "en_GB.UTF-8"}, "en"),
        (None, {"LANG": "de_DE.UTF-8"}, "en"),
        (None, {"LC_ALL": "en_US.UTF-8", "LANG": "nl_NL.UTF-8"}, "en"),
        (None, {"LC_MESSAGES": "nl_NL.UTF-8", "LANG": "en_US.UTF-8"}, "nl"),
        (None, {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "nl_NL.UTF-8"}, "nl"),
        (None, {"LC_ALL": "C", "LANG": "nl_NL.UTF-8"}, "nl"),
        (None, {"LANG": "C.UTF-8"}, "en"),
        (None, {}, "en"),
        ("xx", {"LANG": "nl_NL.UTF-8"}, "nl"),
    ],
)
def test_resolve_language(explicit: str | None, environ: dict[str, str], expected: str) -> None:
    assert resolve_language(explicit, environ) == expected


def test_numbers_use_the_language_s_decimal_mark() -> None:
    assert format_seconds(2.1, "en") == "2.1\u00a0s"
    assert format_seconds(2.06, "nl") == "2,1\u00a0s"
    assert format_band(2.5, 4.0, "nl") == "2,5–4,0\u00a0s"


def test_dutch_says_binnen_de_marge_not_the_translated_op_doel() -> None:
    # A Dutch coach says a pause is "binnen de marge" (or, where space is short, "raak");
    # "op doel" reads as a word-for-word translation of "on target".
    assert [k for k, v in catalog("nl").items() if "op doel" in v.lower()] == []


def test_language_label_says_when_lang_decides_for_this_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LC_ALL", "en_GB.UTF-8")
    assert language_choice(None, "nl") == "Zoals op deze computer (English)"
    assert language_choice(None, "nl", "nl") == "Nederlands (voor deze keer, via --lang)"
    assert language_choice("en", "en", "nl") == "Nederlands (for this run, from --lang)"
    assert language_override_note(None, "nl") is None
    note = language_override_note("en", "en")
    assert note is not None and "--lang decides the language (English)" in note


def test_a_count_of_one_takes_the_singular_form() -> None:
    from simulator.i18n import tn

    assert tn("scenarios.checked", "en", 1, count=1, valid=1, bad=0).startswith("1 file checked")
    assert tn("scenarios.checked", "en", 2, count=2, valid=2, bad=0).startswith("2 files checked")
    assert tn("scenarios.checked", "nl", 1, count=1, valid=0, bad=1).startswith(
        "1 bestand gecontroleerd"
    )
    # A text without a singular form is the same for every count.
    assert tn("history.unreadable_session", "en", 1, id="x") == "session x"
    # No text a user sees writes a plural as "(s)", "(en)" or "(den)".
    for lang in ("en", "nl"):
        for key, text in catalog(lang).items():
            assert not re.search(r"\w\((s|en|den|y/ies)\)", text), (lang, key, text)
