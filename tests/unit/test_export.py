"""The debrief export, from a real temporary history to Markdown, HTML and CSV files."""

from __future__ import annotations

import argparse
import csv
import errno
import io
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from simulator.audio.pattern import Band, Shape, question_pause_name
from simulator.audio.result import (
    ANALYSIS_RATE_HZ,
    Levels,
    LevelWarning,
    Reason,
    RoundMeasurement,
    Segment,
)
from simulator.commands import export_session as export_command
from simulator.export import (
    CSV_COLUMNS,
    build_debrief,
    render_markdown,
    text_timeline,
)
from simulator.store.history import HistoryStore, export_session, measurement_from_stored
from simulator.store.paths import history_db_path

R = ANALYSIS_RATE_HZ
BAND = question_pause_name().band
LEVELS = Levels(-8.0, -20.0, -60.0, 0.0)
NBSP = "\u00a0"
NOTES = 'Asked the question first <b>every</b> time & said "Kay" last.\nNext visit: Friday.'
PARTICIPANT = "Jantien <script>alert(1)</script>"


def sps(pause_s: float, q_end_s: float = 2.0) -> RoundMeasurement:
    name = q_end_s + pause_s
    return RoundMeasurement(
        Shape.SPEECH_PAUSE_SPEECH,
        BAND,
        (Segment(int(0.3 * R), int(q_end_s * R)), Segment(int(name * R), int((name + 0.4) * R))),
        (int(q_end_s * R), int(name * R)),
        None,
        LEVELS,
        (),
        int((name + 1.2) * R),
    )


def failed(reason: Reason) -> RoundMeasurement:
    return RoundMeasurement(
        Shape.SPEECH_PAUSE_SPEECH,
        BAND,
        (Segment(int(0.2 * R), int(0.8 * R)), Segment(int(1.0 * R), int(3.0 * R))),
        None,
        reason,
        LEVELS,
        (),
        5 * R,
    )


def turn(length_s: float) -> RoundMeasurement:
    band = Band(8.0, 4.0, 10.0)
    seg = Segment(int(0.5 * R), int((0.5 + length_s) * R))
    return RoundMeasurement(
        Shape.TIMED_TURN,
        band,
        (seg,),
        (seg.start, seg.end),
        None,
        LEVELS,
        (LevelWarning.TOO_QUIET,),
        int((length_s + 1.5) * R),
    )


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COACH_SIM_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    return tmp_path / "home"


@pytest.fixture
def store(home: Path) -> HistoryStore:
    return HistoryStore(history_db_path())


@pytest.fixture
def session_id(store: HistoryStore) -> int:
    """Three rounds of the flagship scenario: too short, name first, on target."""
    sid = store.start_session(
        "check-question",
        "en",
        started_at="2025-03-04T09:15:02+00:00",
        participant=PARTICIPANT,
        notes=NOTES,
    )
    store.save_round(sid, 1, sps(1.2))
    store.save_round(sid, 2, failed(Reason.NAME_FIRST))
    store.save_round(sid, 3, sps(3.1, q_end_s=2.5))
    return sid


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    export_command.add_arguments(parser)
    args = parser.parse_args(argv)
    args.scenarios = []
    return args


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = export_command.run(parse(*argv))
    out, err = capsys.readouterr()
    return code, out, err


# --- the pure part -----------------------------------------------------------------------------


def test_stored_round_rebuilds_the_measurement(store: HistoryStore, session_id: int) -> None:
    session = store.session(session_id)
    assert session is not None
    originals = [sps(1.2), failed(Reason.NAME_FIRST), sps(3.1, q_end_s=2.5)]
    for stored, original in zip(session.rounds, originals, strict=True):
        m = measurement_from_stored(stored)
        assert m.shape is original.shape
        assert m.band == original.band
        assert m.reason is original.reason
        assert m.span == original.span
        assert m.segments == original.segments
        assert m.duration_samples == original.duration_samples
        assert m.verdict is original.verdict


def test_text_timeline_shows_phases_and_band(store: HistoryStore, session_id: int) -> None:
    session = store.session(session_id)
    assert session is not None
    d = build_debrief(export_session(session), None, "en")
    first = d.rounds[0].feedback
    assert first is not None
    line = text_timeline(first.timeline, "en")
    assert re.fullmatch(
        rf"question █{{7}} \| pause ░{{5}} 1\.2{NBSP}s \[2\.5–4\.0{NBSP}s\] \| name █{{2}}", line
    ), line
    second = d.rounds[1].feedback
    assert second is not None
    assert text_timeline(second.timeline, "en").startswith("speech heard: ██")


def test_feedback_is_regenerated_in_order(store: HistoryStore, session_id: int) -> None:
    session = store.session(session_id)
    assert session is not None
    d = build_debrief(export_session(session), None, "en")
    fbs = [r.feedback for r in d.rounds]
    assert all(fb is not None for fb in fbs)
    assert fbs[0] is not None and fbs[0].measured_s == pytest.approx(1.2, abs=1e-3)
    assert fbs[1] is not None and fbs[1].problem is Reason.NAME_FIRST
    # The name-first failure of round 2 is fixed in round 3, and that is what is said.
    assert fbs[2] is not None and "Now the name came after the question" in fbs[2].praise
    assert d.summary is not None
    assert d.summary.measured_count == 2 and d.summary.on_target_count == 1


# --- Markdown ----------------------------------------------------------------------------------


def test_markdown_to_stdout_has_every_round(
    capsys: pytest.CaptureFixture[str], session_id: int
) -> None:
    code, out, err = run(capsys, str(session_id))
    assert (code, err) == (0, "")
    assert out.startswith("# Debrief: Check question: the question first, then the name")
    assert "**Action step:**" in out
    assert "2025-03-04" in out
    for n in (1, 2, 3):
        assert f"### Round {n}\n" in out
    assert f"Measured 1.2{NBSP}s: **too short**. Target 3.0{NBSP}s, range 2.5–4.0{NBSP}s." in out
    assert f"Measured 3.1{NBSP}s: **within the range**. Target 3.0{NBSP}s" in out
    assert "Not measured: the name came before the question. Target" in out
    assert "on target between" not in out
    assert "question █" in out and f"3.1{NBSP}s [2.5–4.0{NBSP}s]" in out
    assert "## Summary" in out and "**Your next step:**" in out
    # people's text is escaped, not interpreted
    assert "Jantien \\<script\\>alert(1)\\</script\\>" in out
    assert "> Next visit: Friday." in out


def test_markdown_in_dutch(capsys: pytest.CaptureFixture[str], session_id: int) -> None:
    code, out, _ = run(capsys, str(session_id), "--lang", "nl")
    assert code == 0
    assert out.startswith("# Nabespreking: Checkvraag")
    for n in (1, 2, 3):
        assert f"### Ronde {n}\n" in out
    assert f"Gemeten 1,2{NBSP}s" in out and "**te kort**" in out
    assert "vraag █" in out and "denkpauze ░" in out


def test_export_defaults_to_the_sessions_language(
    capsys: pytest.CaptureFixture[str], store: HistoryStore
) -> None:
    sid = store.start_session("check-question", "nl")
    store.save_round(sid, 1, sps(2.8))
    code, out, _ = run(capsys, str(sid))
    assert code == 0
    assert "### Ronde 1" in out and "**binnen de marge**" in out


def test_session_whose_scenario_is_gone_uses_generic_labels(
    capsys: pytest.CaptureFixture[str], store: HistoryStore
) -> None:
    sid = store.start_session("my-own-direction", "en")
    store.save_round(sid, 1, turn(12.0))
    store.save_round(sid, 2, turn(7.5))
    code, out, _ = run(capsys, str(sid))
    assert code == 0
    assert out.startswith("# Debrief: my-own-direction")
    assert f"turn {'█' * 48} 12.0{NBSP}s [4.0–10.0{NBSP}s]" in out
    assert f"turn {'█' * 30} 7.5{NBSP}s" in out
    assert "**too long**" in out and "**within the range**" in out
    assert "Quiet sound: move closer" in out  # the stored level warning


def test_too_quiet_round_quotes_the_stored_level(
    capsys: pytest.CaptureFixture[str], store: HistoryStore
) -> None:
    sid = store.start_session("check-question", "en")
    store.save_round(sid, 1, failed(Reason.TOO_QUIET))
    code, out, _ = run(capsys, str(sid))
    assert code == 0
    assert "Too faint to measure (-20" in out.replace("−", "-")
    assert "nan" not in out.lower()


def test_round_saved_without_levels_does_not_quote_unknown_levels(
    capsys: pytest.CaptureFixture[str], store: HistoryStore
) -> None:
    sid = store.start_session("check-question", "en")
    store.save_round(sid, 1, failed(Reason.TOO_QUIET))
    with sqlite3.connect(store.path) as conn:  # as a version-1 store left it
        conn.execute("UPDATE rounds SET peak_dbfs = NULL, speech_dbfs = NULL")
    code, out, _ = run(capsys, str(sid))
    assert code == 0
    assert "too faintly to measure" in out
    assert "nan" not in out.lower()


def test_session_without_rounds(capsys: pytest.CaptureFixture[str], store: HistoryStore) -> None:
    sid = store.start_session("check-question", "en")
    code, out, _ = run(capsys, str(sid), "--format", "html")
    assert code == 0
    assert "No rounds were saved in this session." in out


# --- HTML --------------------------------------------------------------------------------------

VOID = {"meta", "br", "hr", "img", "input", "link", "rect", "line", "area", "wbr", "col"}


class Checker(HTMLParser):
    """Fails on end tags that do not close the innermost open element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []
        self.sections: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section":
            self.sections.append(dict(attrs).get("id") or "")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_file_is_self_contained_and_has_every_round(
    capsys: pytest.CaptureFixture[str], session_id: int, tmp_path: Path
) -> None:
    target = tmp_path / "debrief.html"
    code, out, err = run(capsys, str(session_id), "--format", "html", "--output", str(target))
    assert (code, err) == (0, "")
    assert str(target) in out
    page = target.read_text("utf-8")
    checker = Checker()
    checker.feed(page)
    checker.close()
    assert checker.problems == []
    assert checker.stack == []
    assert checker.sections == ["summary", "round-1", "round-2", "round-3", "materials"]
    text = "".join(checker.text)
    for n in (1, 2, 3):
        assert f"Round {n}" in text
    lowered = page.lower()
    for external in ("http://", "https://", "src=", "url(", "@import", "<script", "<link"):
        assert external not in lowered, external
    assert "@media print" in page and "size: A4" in page
    # The rounds chart, then one timeline per round (round 2: the speech heard).
    assert page.count("<svg ") == 4
    # The band behind the chart, and in the rounds only where a pause was measured.
    assert page.count('class="band"') == 3
    # everything a person typed is escaped
    assert PARTICIPANT in text and "Jantien &lt;script&gt;" in page
    assert "<b>every</b>" not in page and "&lt;b&gt;every&lt;/b&gt;" in page
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]


def test_html_timeline_places_the_band_in_seconds(
    capsys: pytest.CaptureFixture[str], session_id: int
) -> None:
    code, page, _ = run(capsys, str(session_id), "--format", "html")
    assert code == 0
    round_1 = re.findall(r'<section class="round" id="round-1">.*?</section>', page, re.S)[0]
    svg = re.findall(r"<svg.*?</svg>", round_1, re.S)[0]
    ticks = [
        (float(x), int(label))
        for x, label in re.findall(r'class="tick" x="([\d.]+)"[^>]*>(\d+)<', svg)
    ]
    (x0, s0), (x1, s1) = ticks[0], ticks[1]
    px_per_s = (x1 - x0) / (s1 - s0)

    def at(x: str) -> float:
        return s0 + (float(x) - x0) / px_per_s

    band = re.search(r'class="band" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
    assert band is not None
    # question ends at 2.0 s; the band runs from 2.0 + 2.5 to 2.0 + 4.0 s
    assert at(band.group(1)) == pytest.approx(4.5, abs=0.05)
    assert float(band.group(2)) / px_per_s == pytest.approx(1.5, abs=0.05)
    pause = re.search(r'class="pause" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
    assert pause is not None
    assert at(pause.group(1)) == pytest.approx(2.0, abs=0.05)
    assert float(pause.group(2)) / px_per_s == pytest.approx(1.2, abs=0.05)


# --- CSV ---------------------------------------------------------------------------------------


def test_csv_round_trips_every_round(
    capsys: pytest.CaptureFixture[str], session_id: int, tmp_path: Path
) -> None:
    target = tmp_path / "rounds.csv"
    code, _, _ = run(capsys, str(session_id), "--format", "csv", "-o", str(target))
    assert code == 0
    with target.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
        rows = list(reader)
    assert [r["round"] for r in rows] == ["1", "2", "3"]
    for r in rows:
        assert r["session_id"] == str(session_id)
        assert r["scenario"] == "check-question"
        assert r["language"] == "en"
        assert r["started_at"] == "2025-03-04T09:15:02+00:00"
        assert r["participant"] == PARTICIPANT
        assert (float(r["target_s"]), float(r["min_s"]), float(r["max_s"])) == (3.0, 2.5, 4.0)
    one, two, three = rows
    assert float(one["measured_s"]) == pytest.approx(1.2, abs=1e-4)
    assert float(one["pause_s"]) == pytest.approx(1.2, abs=1e-4)
    assert float(one["question_end_s"]) == pytest.approx(2.0, abs=1e-4)
    assert float(one["name_start_s"]) == pytest.approx(3.2, abs=1e-4)
    assert (one["verdict"], one["reason"]) == ("too_short", "")
    assert (two["measured_s"], two["pause_s"], two["question_end_s"]) == ("", "", "")
    assert (two["verdict"], two["reason"]) == ("no_measurement", "name_first")
    assert float(three["measured_s"]) == pytest.approx(3.1, abs=1e-4)
    assert float(three["question_end_s"]) == pytest.approx(2.5, abs=1e-4)
    assert three["verdict"] == "on_target"


def test_csv_to_stdout_parses(capsys: pytest.CaptureFixture[str], session_id: int) -> None:
    code, out, _ = run(capsys, str(session_id), "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert len(rows) == 4 and rows[0] == list(CSV_COLUMNS)


# --- errors ------------------------------------------------------------------------------------


def test_unknown_session_lists_recent_ids(
    capsys: pytest.CaptureFixture[str], session_id: int
) -> None:
    code, out, err = run(capsys, "999")
    assert code == 1 and out == ""
    assert "no practice session with id 999" in err
    assert f"{session_id} (2025-03-04" in err
    assert "coach-sim history" in err
    assert "Traceback" not in err


def test_unknown_session_in_an_empty_history(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    code, _, err = run(capsys, "1")
    assert code == 1
    assert "No practice sessions have been saved yet." in err


@pytest.mark.parametrize("bad", ["abc", "0", "-3", "1.5"])
def test_session_id_must_be_a_number(
    capsys: pytest.CaptureFixture[str], home: Path, bad: str
) -> None:
    code = export_command.run(parse("--", bad) if bad.startswith("-") else parse(bad))
    err = capsys.readouterr().err
    assert code == 1
    assert f"“{bad}” is not a session id" in err


def test_missing_output_folder_writes_nothing(
    capsys: pytest.CaptureFixture[str], session_id: int, tmp_path: Path
) -> None:
    target = tmp_path / "no-such-folder" / "debrief.html"
    code, out, err = run(capsys, str(session_id), "--format", "html", "-o", str(target))
    assert code == 1 and out == ""
    assert "does not exist" in err and str(target.parent) in err
    assert not target.parent.exists()


def test_output_that_is_a_folder(
    capsys: pytest.CaptureFixture[str], session_id: int, tmp_path: Path
) -> None:
    code, _, err = run(capsys, str(session_id), "-o", str(tmp_path))
    assert code == 1
    assert "that is a folder" in err
    assert list(tmp_path.iterdir()) == [tmp_path / "home"]


def test_existing_file_is_replaced_whole(
    capsys: pytest.CaptureFixture[str], session_id: int, tmp_path: Path
) -> None:
    target = tmp_path / "debrief.md"
    target.write_text("old text that is much longer than nothing\n" * 500)
    code, _, _ = run(capsys, str(session_id), "-o", str(target))
    assert code == 0
    assert target.read_text("utf-8").startswith("# Debrief:")
    assert "old text" not in target.read_text("utf-8")


def _mount_tmpfs(where: Path, options: str) -> bool:
    if os.geteuid() != 0:
        return False
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True
    )
    return done.returncode == 0


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A real read-only folder: chmod 555, or as root a read-only tmpfs."""
    folder = tmp_path / "ro"
    if os.geteuid() != 0:
        folder.mkdir()
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    if not _mount_tmpfs(folder, "size=64k,ro"):
        pytest.skip("running as root without permission to mount a read-only tmpfs")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def test_read_only_folder_gives_a_clear_error(
    capsys: pytest.CaptureFixture[str], session_id: int, read_only_folder: Path
) -> None:
    code, _, err = run(capsys, str(session_id), "-o", str(read_only_folder / "d.md"))
    assert code == 1
    assert "you may not write in the folder" in err and str(read_only_folder) in err
    assert list(read_only_folder.iterdir()) == []


def test_full_disk_keeps_the_old_file_and_leaves_no_half_file(
    capsys: pytest.CaptureFixture[str], session_id: int, tmp_path: Path
) -> None:
    """A real full disk: a 64 KiB tmpfs with an earlier export, filled up to the last byte."""
    folder = tmp_path / "small"
    if not _mount_tmpfs(folder, "size=64k"):
        pytest.skip("needs root with permission to mount tmpfs")
    try:
        target = folder / "debrief.html"
        target.write_text("the earlier export\n")
        with (
            (folder / "filler").open("wb", buffering=0) as filler,
            pytest.raises(OSError) as full,
        ):
            while True:
                filler.write(b"x" * 512)
        assert full.value.errno == errno.ENOSPC
        code, _, err = run(capsys, str(session_id), "--format", "html", "-o", str(target))
        assert code == 1
        assert "the disk is full" in err and "nothing was written" in err
        assert target.read_text() == "the earlier export\n"
        assert sorted(p.name for p in folder.iterdir()) == ["debrief.html", "filler"]
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def test_simulated_full_disk_removes_the_temporary_file(
    capsys: pytest.CaptureFixture[str],
    session_id: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where no tmpfs can be mounted: the disk fills up while the data is flushed."""

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, _, err = run(capsys, str(session_id), "-o", str(out_dir / "d.md"))
    assert code == 1
    assert "the disk is full" in err
    assert list(out_dir.iterdir()) == []


# --- through the real command line -------------------------------------------------------------


def test_coach_sim_export_command(session_id: int, home: Path, tmp_path: Path) -> None:
    env = {**os.environ, "COACH_SIM_HOME": str(home)}
    target = tmp_path / "via-cli.html"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "simulator",
            "export",
            str(session_id),
            "--format",
            "html",
            "--output",
            str(target),
            "--lang",
            "nl",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    page = target.read_text("utf-8")
    assert '<html lang="nl">' in page and "Ronde 3" in page
    missing = subprocess.run(
        [sys.executable, "-m", "simulator", "export", "42"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert missing.returncode == 1
    assert "coach-sim history" in missing.stderr and "Traceback" not in missing.stderr


def test_export_core_loads_no_ui_or_audio_libraries() -> None:
    code = (
        "import sys, simulator.export; "
        "print(sorted(m for m in ('textual', 'sounddevice') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr


def test_markdown_renderer_is_pure(store: HistoryStore, session_id: int) -> None:
    session = store.session(session_id)
    assert session is not None
    a = render_markdown(build_debrief(export_session(session), None, "en"))
    b = render_markdown(build_debrief(export_session(session), None, "en"))
    assert a == b and "### Round 3" in a


def test_unknown_session_lists_only_ones_own_practice(
    capsys: pytest.CaptureFixture[str], store: HistoryStore, session_id: int
) -> None:
    """A masterclass's turns are not in `coach-sim history`, so the ids offered leave them out
    too: the message points to the history, which must then show every id it named."""
    masterclass = store.start_masterclass("check-question", "en", participants=1, names_kept=False)
    turn = store.start_session(
        "check-question", "en", started_at="2025-03-05T10:00:00+00:00", turn=(masterclass, 1)
    )
    store.save_round(turn, 1, sps(3.0))
    code, _, err = run(capsys, "999")
    assert code == 1
    assert f"{session_id} (2025-03-04" in err
    assert f"{turn} (" not in err
