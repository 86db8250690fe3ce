"""The session and a masterclass's turns as plain values: record, redo, next, skip — no screen."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import FrozenInstanceError, replace

import pytest

from simulator.audio.pattern import question_pause_name
from simulator.audio.result import ANALYSIS_RATE_HZ as R
from simulator.audio.result import Levels, Reason, RoundMeasurement, Segment
from simulator.rehearsal.masterclass import Turns
from simulator.rehearsal.round import RoundPhase
from simulator.rehearsal.session import Session


def measured(pause_s: float) -> RoundMeasurement:
    pattern = question_pause_name()
    name = 2.0 + pause_s
    return RoundMeasurement(
        pattern.shape,
        pattern.band,
        (Segment(int(0.3 * R), int(2.0 * R)), Segment(int(name * R), int((name + 0.4) * R))),
        (int(2.0 * R), int(name * R)),
        None,
        Levels(-8.0, -20.0, -60.0, 0.0),
        (),
        int((name + 1.2) * R),
    )


def asked_for(question_s: float) -> RoundMeasurement:
    """``measured(2.0)`` with a question of ``question_s`` (its first segment starts earlier)."""
    m = measured(2.0)
    start = int((2.0 - question_s) * R)
    return replace(m, segments=(Segment(start, int(2.0 * R)), *m.segments[1:]))


def test_a_session_records_its_rounds_in_order_and_moves_on() -> None:
    a, b, c = measured(1.0), measured(2.0), measured(3.0)
    session = Session(3)
    assert (session.number, session.results, session.last) == (1, (), False)
    session = session.record(a).next().record(b).next()
    assert (session.number, session.results, session.earlier_attempt) == (3, (a, b), None)
    session = session.record(c)
    assert session.last and session.results == (a, b, c)
    assert session.next() == session  # after the last round the session stays put


def test_a_redone_round_replaces_its_attempt_and_names_it() -> None:
    a, b, again = measured(1.0), measured(2.0), measured(2.5)
    session = Session(3).record(a).next().record(b).redo()
    assert session.number == 2 and session.earlier_attempt == b
    session = session.record(again)
    assert session.results == (a, again)  # replaced, not added
    assert session.next().earlier_attempt is None


def test_a_session_keeps_the_attempt_each_redo_replaced() -> None:
    a, b, again, third = measured(1.0), measured(2.0), measured(2.5), measured(2.8)
    session = Session(3).record(a).next().record(b).redo().record(again)
    assert session.replaced == (None, b)  # beside each result: what it replaced
    session = session.redo().record(third)  # redone twice: the attempt just before it
    assert session.results == (a, third) and session.replaced == (None, again)
    assert session.next().record(b).replaced == (None, again, None)


def test_a_session_is_a_frozen_value() -> None:
    session = Session(3)
    with pytest.raises(FrozenInstanceError):
        session.number = 2  # type: ignore[misc]
    assert session.record(measured(1.0)) is not session and session.results == ()


@pytest.mark.parametrize(("rounds", "number"), [(0, 1), (3, 0), (3, 4)])
def test_a_session_refuses_rounds_it_cannot_have(rounds: int, number: int) -> None:
    with pytest.raises(ValueError, match="round"):
        Session(rounds, number)


def test_turns_go_participant_after_participant() -> None:
    a, b = measured(1.0), measured(2.0)
    turns = Turns(("Ann", "Bo", "Cas"))
    assert (turns.name, turns.following, turns.finished) == ("Ann", "Bo", False)
    turns = turns.record((a,)).record((a, b))
    assert turns.results == {0: (a, b)}
    turns = turns.advance()
    assert (turns.name, turns.following) == ("Bo", "Cas")
    turns = turns.skip()
    assert turns.skipped == {1} and turns.name == "Cas" and turns.following is None
    turns = turns.record(()).advance()
    assert turns.finished
    assert turns.results == {0: (a, b), 2: ()}


def test_turns_are_a_frozen_value() -> None:
    turns = Turns(("Ann",))
    turns.record((measured(1.0),))
    assert turns.results == {} and turns.current == 0
    with pytest.raises(TypeError):
        turns.record(()).results[1] = ()  # type: ignore[index]


def test_round_phases_say_which_keys_work() -> None:
    assert {p for p in RoundPhase if p.idle} == {RoundPhase.READY, RoundPhase.STOPPED}
    assert {p for p in RoundPhase if p.hearing} == {RoundPhase.CUE, RoundPhase.LISTENING}
    assert [p.value for p in RoundPhase] == [
        "ready",
        "starting",
        "cue",
        "listening",
        "analysing",
        "stopped",
    ]


def test_the_rehearsal_loads_no_ui_no_audio_device_and_no_store() -> None:
    code = (
        "import sys; import simulator.rehearsal.round, simulator.rehearsal.session,"
        " simulator.rehearsal.masterclass, simulator.rehearsal.mic_check;"
        "print(*(m in sys.modules for m in ('textual', 'sounddevice', 'simulator.store.history')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "False"]


def test_a_session_knows_how_long_the_teacher_s_question_lasted() -> None:
    # The question runs from its first segment to the pause: 1.7 s in ``measured``.
    unmeasured = replace(measured(1.0), span=None, reason=Reason.NO_PAUSE)
    session = Session(3)
    assert session.question_s is None
    assert session.record(unmeasured).question_s is None
    longer = asked_for(2.0)
    session = session.record(measured(1.0)).next().record(unmeasured).next().record(longer)
    assert session.question_s == pytest.approx((1.7 + 2.0) / 2, abs=0.001)


def test_another_question_forgets_how_long_the_earlier_one_was() -> None:
    session = Session(3).record(measured(1.0)).next()
    assert session.question_s == pytest.approx(1.7, abs=0.001)
    session = session.new_question()
    assert session.question_s is None
    assert session.record(asked_for(2.0)).question_s == pytest.approx(2.0, abs=0.001)


def test_the_question_said_in_the_microphone_check_is_kept_beside_the_measured_one() -> None:
    session = Session(3, checked_question_s=2.6)
    assert session.question_s is None
    session = session.record(measured(1.0)).next()
    assert session.checked_question_s == 2.6
    assert session.question_s == pytest.approx(1.7, abs=0.001)


def test_another_question_forgets_the_one_said_in_the_microphone_check() -> None:
    session = Session(3, checked_question_s=2.6).new_question()
    assert session.checked_question_s is None
    # Said again in a check during the rounds: known again.
    assert session.checked(1.4).checked_question_s == 1.4
