"""Reading files that fight back: FIFOs, devices, folders, huge and sparse files, deep keys,
deep pack folders, and numbers that are not numbers. Each is refused with a clear message,
before it is read, and the files after it are still read.

The commands run as real processes with a time limit, so a hang fails the test instead of
stopping the run.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.audio.wav import MAX_WAV_BYTES, write_wav_pcm16
from simulator.scenarios import library as library_module
from simulator.scenarios.library import load_folder
from simulator.scenarios.loader import (
    MAX_FILE_BYTES,
    MAX_KEY_PARTS,
    MAX_NESTING,
    ScenarioError,
    parse_scenario,
)
from simulator.scenarios.model import Origin
from simulator.screens.coach import SecondsInputError, parse_seconds
from simulator.store.files import FileTooLargeError, NotRegularFileError, read_regular

REPO = Path(__file__).resolve().parents[2]
GOOD = REPO / "scenarios" / "check-question.en.toml"
LIMIT_S = 60


def coach_sim(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COACH_SIM_HOME": str(home), "LANG": "en_GB.UTF-8"}
    env.pop("LC_ALL", None)
    return subprocess.run(
        [sys.executable, "-m", "simulator", *args],
        capture_output=True,
        text=True,
        timeout=LIMIT_S,
        env=env,
    )


def no_traceback(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stderr and "Error:" not in done.stderr.replace("error:", "")


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "stuck.toml"
    os.mkfifo(path)
    return path


def test_read_regular_refuses_before_reading(tmp_path: Path, fifo: Path) -> None:
    with pytest.raises(NotRegularFileError):
        read_regular(fifo, 100)
    with pytest.raises(NotRegularFileError):
        read_regular(Path("/dev/zero"), 100)
    with pytest.raises(IsADirectoryError):
        read_regular(tmp_path, 100)
    sparse = tmp_path / "sparse.bin"
    with sparse.open("wb") as handle:
        handle.truncate(8 * 1024**3)
    with pytest.raises(FileTooLargeError) as info:
        read_regular(sparse, 1000)
    assert info.value.size == 8 * 1024**3
    (tmp_path / "ok").write_bytes(b"x" * 100)
    assert read_regular(tmp_path / "ok", 100) == b"x" * 100


# -- scenario files ------------------------------------------------------------------------


def test_check_reports_a_fifo_and_goes_on(tmp_path: Path, fifo: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_bytes(GOOD.read_bytes())
    done = coach_sim("scenarios", "check", str(fifo), str(good), home=tmp_path / "home")
    no_traceback(done)
    assert done.returncode == 1
    assert f"{fifo}: not an ordinary file (a pipe, device or socket)" in done.stdout
    assert f"ok  {good}" in done.stdout
    dutch = coach_sim("scenarios", "check", str(fifo), "--lang", "nl", home=tmp_path / "home")
    assert "geen gewoon bestand" in dutch.stdout


def test_a_pack_with_a_fifo_loads_the_other_files(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "good.toml").write_bytes(GOOD.read_bytes())
    os.mkfifo(pack / "a-stuck.toml")
    done = coach_sim("scenarios", "--scenarios", str(pack), "--json", home=tmp_path / "home")
    no_traceback(done)
    assert done.returncode == 0
    assert str(pack / "good.toml") in done.stdout
    assert "a-stuck.toml: not an ordinary file" in done.stderr


def test_a_huge_sparse_scenario_file_is_refused_by_its_size(tmp_path: Path) -> None:
    huge = tmp_path / "huge.toml"
    with huge.open("wb") as handle:
        handle.truncate(2 * 1024**3)
    started = time.monotonic()
    done = coach_sim("scenarios", "check", str(huge), home=tmp_path / "home")
    no_traceback(done)
    assert done.returncode == 1
    max_kib = MAX_FILE_BYTES // 1024
    assert f"the file is 2097152 KiB; a scenario file is at most {max_kib} KiB" in done.stdout
    assert time.monotonic() - started < LIMIT_S


def problem_codes(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text.encode("utf-8"), Path("x.toml"), Origin.PACK)
    return [p.code for p in info.value.problems]


def test_a_key_of_many_dotted_parts_is_refused_before_parsing() -> None:
    key = "a" + ".a" * 40_000  # 80 KB; tomllib alone needs gigabytes for this
    assert problem_codes(f"{key} = 1\n") == ["key_too_deep"]
    assert problem_codes(f"[{key}]\n") == ["key_too_deep"]
    assert problem_codes("x = { " + "b . " * 20 + "c = 1 }\n") == ["key_too_deep"]
    assert problem_codes("0" + ".0" * 50 + " = 1\n") == ["key_too_deep"]


def test_dots_in_strings_comments_and_numbers_are_not_key_parts() -> None:
    text = GOOD.read_text("utf-8")
    dotted = text.replace(
        "rounds = 3\n",
        'rounds = 3\n# a.b.c.d.e.f.g.h.i.j.k\nresearch_note_unused = "..........."\n'.replace(
            "research_note_unused", "#x"
        ),
    )
    dotted = dotted.replace('title = "', 'title = "a.b.c.d.e.f.g.h.i.j. ')
    parse_scenario(dotted.encode("utf-8"), Path("x.toml"), Origin.PACK)
    floats = "values = [" + ", ".join(["1.5"] * 40) + "]\n"
    assert "key_too_deep" not in problem_codes(floats)
    parts = ".".join(["k"] * MAX_KEY_PARTS)
    assert "key_too_deep" not in problem_codes(f"{parts} = 1\n")


def test_deep_nesting_is_refused_before_parsing() -> None:
    assert problem_codes("x = " + "[" * 100_000 + "]" * 100_000) == ["toml_nesting"]
    assert problem_codes("x = " + "{a = " * (MAX_NESTING + 1) + "1" + "}" * 40) == ["toml_nesting"]
    fine = "x = " + "[" * MAX_NESTING + "]" * MAX_NESTING
    assert "toml_nesting" not in problem_codes(fine)
    # Brackets inside strings are text, not nesting.
    assert "toml_nesting" not in problem_codes('x = "' + "[" * 100 + "\"\ny = '{{{{{{'")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from("ab.=[]{}\"'#\\ \n\t0123,-_"), max_size=400))
def test_the_loader_only_ever_raises_scenario_errors(text: str) -> None:
    try:
        parse_scenario(text.encode("utf-8"), Path("x.toml"), Origin.PACK)
    except ScenarioError as exc:
        assert all(p.text("en") and p.text("nl") for p in exc.problems)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_the_loader_takes_any_bytes(data: bytes) -> None:
    with contextlib.suppress(ScenarioError):
        parse_scenario(data, Path("x.toml"), Origin.PACK)


def nest(top: Path, depth: int, content: bytes) -> None:
    """``top/d/d/…/d/x.toml``, one level at a time (pathlib's ``mkdir(parents=True)`` and
    ``shutil.rmtree`` recurse, and 1200 levels are beyond Python's recursion limit)."""
    fd = os.open(top, os.O_RDONLY)
    for _ in range(depth):
        os.mkdir("d", dir_fd=fd)
        inner = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    with os.fdopen(os.open("x.toml", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "wb") as out:
        out.write(content)
    os.close(fd)


def unnest(top: Path, depth: int) -> None:
    """Remove what :func:`nest` made, deepest first."""
    os.unlink(Path(top, *(["d"] * depth), "x.toml"))
    for level in range(depth, 0, -1):
        os.rmdir(Path(top, *(["d"] * level)))


def test_a_pack_nested_1200_deep_is_read_to_a_limit(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    nest(pack, 1200, GOOD.read_bytes())
    try:
        (pack / "good.toml").write_bytes(GOOD.read_bytes())
        scenarios, problems = load_folder(pack, Origin.PACK)
        assert [s.path for s in scenarios] == [pack / "good.toml"]
        assert [p.code for p in problems] == ["pack_too_deep"]
        assert "more than 8 levels deep" in problems[0].text("en")
        done = coach_sim("scenarios", "--scenarios", str(pack), home=tmp_path / "home")
        no_traceback(done)
        assert done.returncode == 0 and "more than 8 levels deep" in done.stderr
    finally:
        unnest(pack, 1200)


def test_a_pack_of_too_many_files_is_read_to_a_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(library_module, "MAX_PACK_FILES", 5)
    for n in range(9):
        (tmp_path / f"{n}.toml").write_text("x = 1\n")
    _, problems = load_folder(tmp_path, Origin.PACK)
    assert [p.code for p in problems].count("pack_too_many") == 1
    assert "more than 5 .toml files; only the first 5 were read" in problems[0].text("en")
    assert len({p.path for p in problems} - {tmp_path}) == 5


def test_a_symlinked_folder_loop_is_not_followed(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "good.toml").write_bytes(GOOD.read_bytes())
    (pack / "loop").symlink_to(pack)
    scenarios, problems = load_folder(pack, Origin.PACK)
    assert len(scenarios) == 1 and problems == ()


# -- WAV files and numbers for analyze -----------------------------------------------------


def fifo_and_sparse_wav(folder: Path) -> tuple[Path, Path]:
    """A FIFO named like a WAV file, and a sparse 8 GiB one (no disk space used)."""
    stuck = folder / "stuck.wav"
    os.mkfifo(stuck)
    sparse = folder / "sparse.wav"
    with sparse.open("wb") as handle:
        handle.truncate(8 * 1024**3)
    return stuck, sparse


def test_analyze_refuses_fifos_devices_folders_and_huge_files(tmp_path: Path) -> None:
    stuck, sparse = fifo_and_sparse_wav(tmp_path)
    folder = tmp_path / "folder.wav"
    folder.mkdir()
    good = tmp_path / "good.wav"
    write_wav_pcm16(good, np.zeros(16000, dtype=np.float32), 16000)
    paths = [stuck, Path("/dev/zero"), sparse, folder, good]
    done = coach_sim("analyze", *map(str, paths), home=tmp_path / "home")
    no_traceback(done)
    assert done.returncode == 1
    err = done.stderr
    assert f"{stuck}: not an ordinary file (a pipe, device or socket)" in err
    assert "/dev/zero: not an ordinary file" in err
    limit = MAX_WAV_BYTES // 1024**2
    assert (
        f"{sparse}: the file is 8192 MiB; coach-sim reads WAV files of at most {limit} MiB" in err
    )
    assert f"{folder}: is a folder" in err
    assert f"{good}: no measurement" in done.stdout
    assert "4 of 5 files could not be read" in err
    alone = coach_sim("analyze", str(folder), home=tmp_path / "home")
    assert alone.returncode == 1
    assert alone.stderr.endswith("coach-sim analyze: the file could not be read\n")
    dutch = coach_sim("analyze", "--lang", "nl", str(folder), str(stuck), home=tmp_path / "home")
    assert "2 van 2 bestanden konden niet gelezen worden" in dutch.stderr
    one_of_two = coach_sim("analyze", "--lang", "nl", str(folder), str(good), home=tmp_path / "h")
    assert "1 van 2 bestanden kon niet gelezen worden" in one_of_two.stderr


@pytest.mark.parametrize(
    "option",
    [
        ["--cue-end", "nan"],
        ["--target", "inf"],
        ["--target", "1e999"],
        ["--target", "-3"],
        ["--target", "²"],
        ["--band", "2", "٣"],
        ["--cue-end", "NaN"],
    ],
)
def test_analyze_numbers_must_be_finite_ascii_seconds(tmp_path: Path, option: list[str]) -> None:
    wav = tmp_path / "x.wav"
    write_wav_pcm16(wav, np.zeros(1600, dtype=np.float32), 16000)
    done = coach_sim("analyze", *option, str(wav), home=tmp_path / "home")
    no_traceback(done)
    assert done.returncode == 2
    assert f"argument {option[0]}:" in done.stderr
    assert "is not a number of seconds" in done.stderr or "out of range" in done.stderr


def test_typed_seconds_take_ascii_digits_only() -> None:
    assert parse_seconds("2,5 s") == 2.5
    for text in ("١٢", "²", "nan", "inf", "1e3"):
        with pytest.raises(SecondsInputError):
            parse_seconds(text)


# -- the settings file ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["fifo", "huge", "folder"])
def test_a_settings_file_that_is_not_one_does_not_stop_the_app(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "settings.json"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "huge":
        with path.open("wb") as handle:
            handle.truncate(4 * 1024**3)
    else:
        path.mkdir()
    code = (
        "import sys; from pathlib import Path; from simulator.store.settings import load_settings; "
        "print(load_settings(Path(sys.argv[1])).problem)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=LIMIT_S
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("cannot be read")


def test_analyze_says_it_in_dutch(tmp_path: Path) -> None:
    stuck, sparse = fifo_and_sparse_wav(tmp_path)
    (tmp_path / "notes.wav").write_text("geen opname\n")
    paths = [stuck, sparse, tmp_path / "notes.wav"]
    done = coach_sim("analyze", "--lang", "nl", *map(str, paths), home=tmp_path / "home")
    no_traceback(done)
    assert f"{stuck}: geen gewoon bestand (een pipe, apparaat of socket)" in done.stderr
    assert f"{sparse}: het bestand is 8192 MiB; coach-sim leest WAV-bestanden van hooguit" in (
        done.stderr
    )
    assert "notes.wav: geen WAV-bestand (geen RIFF/WAVE-kop)" in done.stderr
    assert "3 van 3 bestanden konden niet gelezen worden" in done.stderr
