import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.audio.segmenter import from_string, segment


@pytest.mark.parametrize(
    ("flags", "max_gap", "min_len", "expected"),
    [
        ("", 3, 1, []),
        ("____", 3, 1, []),
        ("SSSS", 3, 1, [(0, 4)]),
        ("SS__SS", 3, 1, [(0, 6)]),  # a 2-frame dip stays inside the segment
        ("SS___SS", 3, 1, [(0, 2), (5, 7)]),  # a 3-frame gap splits it
        ("__S______SSSS_", 3, 2, [(9, 13)]),  # a lone frame is too short
        ("SSSS______SS", 4, 2, [(0, 4), (10, 12)]),
    ],
)
def test_segments_from_strings(flags: str, max_gap: int, min_len: int, expected: list) -> None:
    assert segment(from_string(flags), max_gap, min_len) == expected


def test_rejects_nonsense_parameters() -> None:
    with pytest.raises(ValueError):
        segment([True], 0, 1)


flags_st = st.lists(st.booleans(), max_size=300)


@given(flags_st, st.integers(1, 20), st.integers(1, 20))
def test_segments_are_ordered_separated_and_long_enough(
    flags: list[bool], max_gap: int, min_len: int
) -> None:
    segs = segment(flags, max_gap, min_len)
    for start, end in segs:
        assert 0 <= start < end <= len(flags)
        assert end - start >= min_len
        assert flags[start] and flags[end - 1]  # segments start and end on speech
        # no silence run of max_gap or more inside a segment
        run = 0
        for f in flags[start:end]:
            run = 0 if f else run + 1
            assert run < max_gap
    for (_, end), (start, _) in zip(segs, segs[1:], strict=False):
        assert start - end >= max_gap


@given(flags_st, st.integers(1, 20))
def test_with_min_len_one_every_speech_frame_is_covered(flags: list[bool], max_gap: int) -> None:
    segs = segment(flags, max_gap, 1)
    covered = {i for a, b in segs for i in range(a, b)}
    assert {i for i, f in enumerate(flags) if f} <= covered


@given(flags_st, st.integers(1, 20), st.integers(1, 20))
def test_silence_gap_split_is_stable_under_reversal(
    flags: list[bool], max_gap: int, min_len: int
) -> None:
    n = len(flags)
    forward = segment(flags, max_gap, min_len)
    backward = segment(flags[::-1], max_gap, min_len)
    assert sorted((n - b, n - a) for a, b in backward) == forward
