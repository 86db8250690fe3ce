"""Reading WAV files of any common PCM form into float32 samples.

The standard library's ``wave`` module reads integer PCM only; rehearsal recordings also come as
32-bit float and as WAVE_FORMAT_EXTENSIBLE, so the RIFF chunks are parsed here directly.
"""

from __future__ import annotations

import errno
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from simulator.i18n import DEFAULT_LANGUAGE, t
from simulator.store.files import FileTooLargeError, NotRegularFileError, read_regular

FORMAT_PCM = 0x0001
FORMAT_FLOAT = 0x0003
FORMAT_EXTENSIBLE = 0xFFFE
_STREAMING_SIZES = (0, 0xFFFFFFFF)
MIN_RATE_HZ = 8_000
MAX_RATE_HZ = 192_000
MAX_WAV_BYTES = 64 * 1024 * 1024
"""64 MiB: over ten minutes of 48 kHz mono 16-bit audio, far more than a rehearsal round; the
file is read whole and converted to float, so a larger one is refused before it is read."""
MAX_WAV_S = 20 * 60
"""20 minutes of audio, whatever its format: the analysis holds several arrays of the whole
recording at 16 kHz (about 30 MB a minute), so 64 MiB of 8-bit 8 kHz audio (over two hours)
would take gigabytes. Checked from the header, before any sample is converted."""


SYSTEM_REASONS = {errno.ELOOP: "symlink_loop", errno.ENAMETOOLONG: "name_too_long"}
"""Failures of the system's own whose text would be English whatever the reader's language,
by their ``wav_error`` text."""


COMPRESSED_ENCODINGS = {
    0x0002: "Microsoft ADPCM",
    0x0006: "A-law",
    0x0007: "\u00b5-law",
    0x0011: "IMA ADPCM",
    0x0031: "GSM 6.10",
    0x0055: "MP3",
}
"""Compressed encodings a WAV file may hold (telephone systems, dictaphones), by the name the
recorder's settings use for them."""


class WavError(ValueError):
    """A file that cannot be read as audio. ``code`` names the text in the catalogs (section
    ``wav_error``) and ``message(lang)`` says why in words a user understands; ``str()`` is the
    English text."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(self.message(DEFAULT_LANGUAGE))

    def message(self, lang: str) -> str:
        return t(f"wav_error.{self.code}", lang, **self.params)


@dataclass(frozen=True, slots=True)
class WavAudio:
    samples: npt.NDArray[np.float32]
    """Shape ``(frames, channels)``, values in [-1, 1]."""
    sample_rate_hz: int
    bits: int
    is_float: bool

    @property
    def channels(self) -> int:
        return int(self.samples.shape[1])

    @property
    def duration_s(self) -> float:
        return int(self.samples.shape[0]) / self.sample_rate_hz


def read_wav(path: Path) -> WavAudio:
    try:
        data = read_regular(path, MAX_WAV_BYTES)
    except FileNotFoundError:
        raise WavError("stdin" if str(path) == "-" else "not_found") from None
    except IsADirectoryError:
        raise WavError("is_folder") from None
    except NotRegularFileError:
        raise WavError("not_regular_file") from None
    except FileTooLargeError as exc:
        raise WavError(
            "too_large", size_mib=exc.size // (1024 * 1024), max_mib=MAX_WAV_BYTES // (1024 * 1024)
        ) from None
    except PermissionError:
        raise WavError("no_permission") from None
    except OSError as exc:
        if exc.errno in SYSTEM_REASONS:
            raise WavError(SYSTEM_REASONS[exc.errno]) from None
        raise WavError("cannot_read", reason=exc.strerror or str(exc)) from None
    return parse_wav(data)


def parse_wav(data: bytes) -> WavAudio:
    if len(data) == 0:
        raise WavError("empty")
    if len(data) < 12 or data[0:4] != b"RIFF" or data[8:12] != b"WAVE":
        if data[0:4] == b"RIFX":
            raise WavError("big_endian")
        kind = other_audio_kind(data)
        if kind is not None:
            raise WavError("other_audio", kind=kind, ext=OTHER_AUDIO[kind])
        raise WavError("not_wav")
    fmt: bytes | None = None
    pcm: bytes | None = None
    pos = 12
    while pos + 8 <= len(data):
        chunk_id = data[pos : pos + 4]
        (size,) = struct.unpack_from("<I", data, pos + 4)
        body_start = pos + 8
        if chunk_id == b"data":
            available = len(data) - body_start
            if size in _STREAMING_SIZES:
                size = available  # written by a recorder that never finalised the header
            elif size > available:
                raise WavError("truncated", size=size, available=available)
            pcm = data[body_start : body_start + size]
            if fmt is not None:
                break
            # Some writers put the format after the audio: look on for it.
            pos = _next_chunk(data, body_start + size, size & 1)
            continue
        if body_start + size > len(data):
            raise WavError("truncated_chunk", chunk=_chunk_name(chunk_id))
        if chunk_id == b"fmt ":
            fmt = data[body_start : body_start + size]
        pos = _next_chunk(data, body_start + size, size & 1)
    if fmt is None:
        raise WavError("no_fmt")
    if pcm is None:
        raise WavError("no_data")
    return _decode(fmt, pcm)


OTHER_AUDIO: dict[str, str] = {
    "FLAC": "flac",
    "Ogg": "ogg",
    "MP3": "mp3",
    "MP4/M4A": "m4a",
    "AIFF": "aiff",
    "WebM/Matroska": "webm",
    "RF64": "wav",
    "Windows Media": "wma",
    "AMR": "amr",
    "CAF": "caf",
}
"""Audio formats that are not WAV, by the name a user knows them by, with their usual
extension (for the conversion example in the message)."""


def other_audio_kind(data: bytes) -> str | None:
    """Which audio format other than WAV ``data`` starts like (a phone's voice memo is M4A, a
    recorder's file may be FLAC or MP3), so the message can say so; ``None`` for anything else."""
    head = data[:12]
    if head.startswith(b"fLaC"):
        return "FLAC"
    if head.startswith(b"OggS"):
        return "Ogg"
    if head.startswith(b"ID3") or _mpeg_layer3_sync(head):
        return "MP3"
    if head[4:8] == b"ftyp":
        return "MP4/M4A"
    if head.startswith(b"FORM") and head[8:12] in (b"AIFF", b"AIFC"):
        return "AIFF"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "WebM/Matroska"
    if head[0:4] in (b"RF64", b"BW64"):
        return "RF64"
    if head.startswith(b"\x30\x26\xb2\x75"):
        return "Windows Media"
    if head.startswith(b"#!AMR"):
        return "AMR"
    if head.startswith(b"caff"):
        return "CAF"
    return None


def _mpeg_layer3_sync(head: bytes) -> bool:
    """An MP3 frame header without ID3 tag: 11 sync bits, a known MPEG version and layer III
    (so the UTF-16 byte-order mark ``FF FE`` is not taken for one)."""
    if len(head) < 2 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    return head[1] & 0x18 != 0x08 and head[1] & 0x06 == 0x02


KNOWN_CHUNKS = frozenset(
    {b"fmt ", b"data", b"fact", b"LIST", b"JUNK", b"PAD ", b"cue ", b"bext", b"id3 ", b"smpl"}
)
"""Chunk ids WAV writers commonly put in a file, to tell where a chunk starts."""


def _next_chunk(data: bytes, end: int, pad: int) -> int:
    """Where the chunk after one ending at ``end`` starts: after the pad byte RIFF puts behind
    an odd-sized chunk, or right at ``end`` when the writer left that byte out (a chunk starts
    there, and not one byte later: by a well-known id, else by a readable id whose size fits)."""
    if not pad:
        return end
    here, later = data[end : end + 4], data[end + 1 : end + 5]
    if here in KNOWN_CHUNKS or later in KNOWN_CHUNKS:
        return end if later not in KNOWN_CHUNKS else end + 1
    return end if _chunk_fits(data, end) and not _chunk_fits(data, end + 1) else end + 1


def _chunk_fits(data: bytes, at: int) -> bool:
    """Whether a chunk header can start at ``at``: four printable characters, then a size that
    fits in the file (an audio chunk's may be a recorder's placeholder or too large)."""
    if at + 8 > len(data) or not all(0x20 <= b < 0x7F for b in data[at : at + 4]):
        return False
    (size,) = struct.unpack_from("<I", data, at + 4)
    return data[at : at + 4] == b"data" or at + 8 + size <= len(data)


def _chunk_name(chunk_id: bytes) -> str:
    return chunk_id.decode("latin-1").strip()


def _decode(fmt: bytes, pcm: bytes) -> WavAudio:
    if len(fmt) < 16:
        raise WavError("fmt_short")
    tag, channels, rate, _byte_rate, block_align, bits = struct.unpack_from("<HHIIHH", fmt)
    if tag == FORMAT_EXTENSIBLE:
        if len(fmt) < 40:
            raise WavError("extensible_short")
        (tag,) = struct.unpack_from("<H", fmt, 24)  # first two bytes of the sub-format GUID
    if tag not in (FORMAT_PCM, FORMAT_FLOAT):
        if tag in COMPRESSED_ENCODINGS:
            raise WavError("compressed", encoding=COMPRESSED_ENCODINGS[tag])
        raise WavError("encoding", tag=f"{tag:#06x}")
    if channels < 1:
        raise WavError("no_channels")
    if not MIN_RATE_HZ <= rate <= MAX_RATE_HZ:
        raise WavError("rate", rate=rate)
    is_float = tag == FORMAT_FLOAT
    valid = {True: (32, 64), False: (8, 16, 24, 32)}[is_float]
    if bits not in valid:
        kind = "float" if is_float else "integer"
        raise WavError(f"bits_{kind}", bits=bits)
    frame_bytes = channels * bits // 8
    if block_align != frame_bytes:
        raise WavError("block_align", found=block_align, expected=frame_bytes)
    frames = len(pcm) // frame_bytes
    if frames == 0:
        raise WavError("no_audio")
    if frames > MAX_WAV_S * rate:
        raise WavError("too_long", minutes=frames // (60 * rate), max_minutes=MAX_WAV_S // 60)
    raw = pcm[: frames * frame_bytes]
    samples = _to_float(raw, bits, is_float).reshape(frames, channels)
    if is_float and not np.all(np.isfinite(samples)):
        raise WavError("not_finite")
    return WavAudio(samples=samples, sample_rate_hz=rate, bits=bits, is_float=is_float)


def _to_float(raw: bytes, bits: int, is_float: bool) -> npt.NDArray[np.float32]:
    if is_float:
        dtype = "<f4" if bits == 32 else "<f8"
        return np.frombuffer(raw, dtype=dtype).astype(np.float32)
    if bits == 8:
        return (np.frombuffer(raw, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
    if bits == 16:
        return np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    if bits == 24:
        b = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        value = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        value = np.where(value & 0x800000, value - 0x1000000, value)
        return value.astype(np.float32) / 8388608.0
    return (np.frombuffer(raw, dtype="<i4").astype(np.float64) / 2147483648.0).astype(np.float32)


def wav_bytes_pcm16(samples: npt.NDArray[np.floating], sample_rate_hz: int) -> bytes:
    """Mono or ``(frames, channels)`` float samples as the bytes of a 16-bit PCM WAV file."""
    arr = np.asarray(samples, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr[:, None]
    channels = arr.shape[1]
    pcm = (np.clip(arr, -1.0, 32767 / 32768) * 32768.0).round().astype("<i2").tobytes()
    header = b"RIFF" + struct.pack("<I", 36 + len(pcm)) + b"WAVE"
    header += b"fmt " + struct.pack(
        "<IHHIIHH",
        16,
        FORMAT_PCM,
        channels,
        sample_rate_hz,
        sample_rate_hz * channels * 2,
        channels * 2,
        16,
    )
    header += b"data" + struct.pack("<I", len(pcm))
    return header + pcm


def write_wav_pcm16(path: Path, samples: npt.NDArray[np.floating], sample_rate_hz: int) -> None:
    """Write mono or ``(frames, channels)`` float samples as a 16-bit PCM WAV file."""
    path.write_bytes(wav_bytes_pcm16(samples, sample_rate_hz))
