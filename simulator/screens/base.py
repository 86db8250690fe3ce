"""What every screen of the app shares: the typed app, translation, and translated key labels.

Bindings are declared with a catalog key as their description (``"keys.quit"``); each screen
replaces those with the text in the app's language when it is created, so the footer speaks the
teacher's language.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar, cast

from textual.screen import ModalScreen, Screen

from simulator.i18n import has, t

if TYPE_CHECKING:
    from simulator.app import CoachApp

ResultT = TypeVar("ResultT")


def translate_bindings(node: Screen[object], lang: str) -> None:
    table = node._bindings.key_to_bindings
    for key, bindings in table.items():
        table[key] = [
            replace(b, description=t(b.description, lang))
            if b.description.startswith("keys.") and has(b.description, lang)
            else b
            for b in bindings
        ]


class _Coached:
    """What every coach-sim screen shares: the app, its language, and translated text."""

    @property
    def coach(self) -> CoachApp:
        return cast("CoachApp", cast("Screen[object]", self).app)

    @property
    def lang(self) -> str:
        return self.coach.lang

    def t(self, key: str, **params: object) -> str:
        return t(key, self.coach.lang, **params)


class CoachScreen(_Coached, Screen[ResultT]):
    def __init__(self) -> None:
        super().__init__()
        translate_bindings(cast("Screen[object]", self), self.coach.lang)


class CoachModal(_Coached, ModalScreen[ResultT]):
    def __init__(self) -> None:
        super().__init__()
        translate_bindings(cast("Screen[object]", self), self.coach.lang)
