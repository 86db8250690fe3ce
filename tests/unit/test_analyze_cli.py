"""`coach-sim analyze` end to end: a real process on generated WAVs and on broken files."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from simulator.audio.resample import resample
from simulator.audio.wav import write_wav_pcm16
from tests.speech import RATE, clip, make_round, silence


def run_analyze(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "simulator", "analyze", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, espeak: str) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("wavs")
    q = clip("Welke twee voorbeelden heb ik net gegeven van economische marktwerking?", "nl")
    n = clip("Kay?", "nl")
    out: dict[str, Path] = {}

    def save(key: str, samples: np.ndarray, rate: int = RATE) -> None:
        out[key] = d / f"{key}.wav"
        write_wav_pcm16(out[key], samples, rate)

    save("good", make_round(q, n, 3.1).samples)
    save("short", make_round(q, n, 1.0).samples)
    stereo = resample(make_round(q, n, 4.6).samples, RATE, 44100)
    save("stereo44k", np.stack([stereo, stereo * 0.5], axis=1), 44100)
    save("tiny", silence(0.1))
    long_round = np.concatenate([make_round(q, n, 2.7).samples, silence(600.0)])
    save("ten_minutes", long_round)
    # 8-bit unsigned PCM, written by hand.
    eight = make_round(q, n, 2.9).samples
    pcm8 = (np.clip(eight, -1, 127 / 128) * 128 + 128).astype(np.uint8).tobytes()
    import struct

    fmt = struct.pack("<HHIIHH", 1, 1, RATE, RATE, 1, 8)
    body = b"WAVEfmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", len(pcm8)) + pcm8
    (d / "eight_bit.wav").write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    out["eight_bit"] = d / "eight_bit.wav"
    save("no_name", np.concatenate([silence(0.5), q, silence(8.0)]))
    save("one_stretch", np.concatenate([silence(0.5), q, silence(1.0)]))
    (d / "empty.wav").write_bytes(b"")
    out["empty"] = d / "empty.wav"
    out["truncated"] = d / "truncated.wav"
    out["truncated"].write_bytes(out["good"].read_bytes()[:5000])
    out["text"] = d / "notes.wav"
    out["text"].write_text("Dit is geen opname.\n")
    return out


def test_human_readable_output(files: dict[str, Path]) -> None:
    r = run_analyze(str(files["good"]))
    assert r.returncode == 0, r.stderr
    assert "pause 3.10\u00a0s (within the range" in r.stdout
    assert "question end" in r.stdout and "name start" in r.stdout


def test_json_lines_for_many_files_with_failures(files: dict[str, Path]) -> None:
    keys = ["good", "short", "stereo44k", "eight_bit", "tiny", "empty", "truncated", "text"]
    r = run_analyze("--json", *(str(files[k]) for k in keys))
    assert r.returncode == 1  # some files failed
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert [Path(line["file"]).stem for line in lines] == [files[k].stem for k in keys]
    by = {Path(line["file"]).stem: line for line in lines}
    assert by["good"]["pause_s"] == pytest.approx(3.1, abs=0.01)
    assert by["good"]["verdict"] == "on_target"
    assert by["good"]["segments"] and all(len(s) == 2 for s in by["good"]["segments"])
    assert by["good"]["question_end_s"] < by["good"]["name_start_s"]
    assert by["short"]["verdict"] == "too_short"
    assert by["stereo44k"]["pause_s"] == pytest.approx(4.6, abs=0.01)
    assert by["stereo44k"]["verdict"] == "too_long"
    assert by["eight_bit"]["pause_s"] == pytest.approx(2.9, abs=0.01)
    assert by["tiny"]["pause_s"] is None and by["tiny"]["reason"] == "no_speech"
    for broken, words in [("empty", "empty"), ("truncated", "truncated"), ("notes", "not a WAV")]:
        assert by[broken]["pause_s"] is None
        assert words in by[broken]["error"]
        assert words in r.stderr
    assert "Traceback" not in r.stderr


def test_ten_minute_recording(files: dict[str, Path]) -> None:
    r = run_analyze("--json", str(files["ten_minutes"]))
    assert r.returncode == 0, r.stderr
    line = json.loads(r.stdout)
    assert line["pause_s"] == pytest.approx(2.7, abs=0.01)
    assert line["duration_s"] > 600


def test_target_option_changes_the_verdict(files: dict[str, Path]) -> None:
    r = run_analyze("--json", "--target", "5", str(files["good"]))
    line = json.loads(r.stdout)
    assert line["target_s"] == 5.0 and line["verdict"] == "too_short"
    bad = run_analyze("--band", "4", "2", str(files["good"]))
    assert bad.returncode != 0 and "above its maximum" in bad.stderr


def test_a_wait_that_ran_to_the_end_is_said_so(files: dict[str, Path]) -> None:
    r = run_analyze(str(files["no_name"]), str(files["one_stretch"]))
    assert r.returncode == 0, r.stderr
    no_name, one_stretch = r.stdout.splitlines()
    assert "after the question, 8.0\u00a0s of silence until the recording ends: no name heard" in (
        no_name
    )
    # Without the long silence it is one stretch of speech, as before.
    assert "only one utterance heard" in one_stretch
    dutch = run_analyze("--lang", "nl", str(files["no_name"]))
    assert "na de vraag 8,0\u00a0s stilte tot de opname eindigt: geen naam gehoord" in dutch.stdout
