"""Audio sources: 80 ms frames of 16 kHz mono int16 from a file, standard input or a microphone.

Every source is iterable (`for frame in source:` yields np.ndarray of FRAME samples; the
last partial frame is zero-padded), a context manager, and has `close()`. Conversion of
rate, channels and sample format happens here, once. `open_source(spec)` picks one:
None -> microphone, "-" -> standard input (raw s16le 16 kHz mono), else a file path.
"""
from __future__ import annotations

import logging
import queue
import struct
import sys
import threading
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator

import numpy as np

from voicebox.audio import FRAME, RATE
from voicebox.audio.convert import StreamConverter, check_file, reason
from voicebox.audio.devices import DeviceError, describe, portaudio, rescan, resolve
from voicebox.audio.settings import Audio
from voicebox.errors import BadInputError, VoiceboxError

BLOCK_S = 0.5  # seconds decoded per read from a file: bounded memory for hour-long inputs
MIC_BLOCK_S = 0.08  # PortAudio callback period by default: one frame, 12.5 wake-ups a second
MIC_QUEUE_S = 60.0  # audio the microphone may run ahead of a busy consumer before blocks drop
MIC_START_S = 5.0  # a stream just opened may take this long for its first block (PulseAudio: ~2 s)

ErrorHandler = Callable[[VoiceboxError], None]


def frames(chunks: Iterable[np.ndarray]) -> Iterator[np.ndarray]:
    """Re-cut int16 chunks of any length into FRAME-sample frames; the last one zero-padded."""
    pending = np.zeros(0, dtype=np.int16)
    for chunk in chunks:
        pending = np.concatenate([pending, chunk]) if len(pending) else chunk
        whole = len(pending) - len(pending) % FRAME
        for start in range(0, whole, FRAME):
            yield pending[start:start + FRAME]
        pending = pending[whole:]
    if len(pending):
        yield np.pad(pending, (0, FRAME - len(pending)))


class Source:
    """Base of the sources: subclasses yield converted chunks from `_chunks()`."""

    def __iter__(self) -> Iterator[np.ndarray]:
        return frames(self._chunks())

    def _chunks(self) -> Iterator[np.ndarray]:
        raise NotImplementedError

    def close(self) -> None:
        """Release the file or device; further iteration ends."""

    def __enter__(self) -> "Source":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class FileSource(Source):
    """A decodable audio file (WAV of any rate, channels and sample format; FLAC; OGG), streamed."""

    def __init__(self, path: str | Path) -> None:
        import soundfile as sf

        self.path = check_file(path)
        try:
            self._file = sf.SoundFile(str(self.path))
        except (sf.LibsndfileError, RuntimeError, ValueError, EOFError) as err:
            raise BadInputError(f"{self.path}: not a readable audio file ({reason(err)})") from None
        if self._file.frames == 0:
            self._file.close()
            raise BadInputError(f"{self.path}: the file holds no audio samples")
        self.duration_s = self._file.frames / self._file.samplerate

    def _chunks(self) -> Iterator[np.ndarray]:
        import soundfile as sf

        converter = StreamConverter(self._file.samplerate)
        block = max(1, int(self._file.samplerate * BLOCK_S))
        try:
            for data in self._file.blocks(blocksize=block, dtype="float32", always_2d=True):
                yield converter.push(data)
        except (sf.LibsndfileError, RuntimeError) as err:
            raise BadInputError(f"{self.path}: audio data is damaged ({reason(err)})") from None
        yield converter.flush()

    def close(self) -> None:
        self._file.close()


class StdinSource(Source):
    """Raw signed 16-bit little-endian, 16 kHz, mono samples from a binary stream (default stdin)."""

    def __init__(self, stream: BinaryIO | None = None) -> None:
        stream = stream if stream is not None else sys.stdin
        if stream is None:  # started without a standard input at all (some service managers)
            raise BadInputError("no standard input to read audio from")
        self._stream: BinaryIO = getattr(stream, "buffer", stream)  # a text stream's bytes
        self._closed = False

    def _chunks(self) -> Iterator[np.ndarray]:
        total = 0
        first = True
        while not self._closed:
            data = self._stream.read(FRAME * 2)
            if not data:
                break
            if first:  # `arecord` without `-t raw` writes a WAV header first
                data, first = data[wav_header_size(data):], False
            data = data[:len(data) - len(data) % 2]  # a stray odd byte cannot be a sample
            total += len(data)
            yield np.frombuffer(data, dtype="<i2").astype(np.int16)
        if total == 0 and not self._closed:
            raise BadInputError("standard input held no audio (expected raw s16le 16 kHz mono)")

    def close(self) -> None:
        self._closed = True


def wav_header_size(data: bytes) -> int:
    """Bytes of a WAV header at the start of a raw stream (0: none). A WAV that is not 16 kHz
    mono 16-bit PCM is a BadInputError: read as raw samples it would be noise."""
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return 0
    pos, fmt = 12, None
    while pos + 8 <= len(data):
        kind, size = data[pos:pos + 4], int.from_bytes(data[pos + 4:pos + 8], "little")
        if kind == b"fmt " and pos + 24 <= len(data):
            fmt = struct.unpack("<HHIIHH", data[pos + 8:pos + 24])
        elif kind == b"data" and fmt is not None:
            tag, channels, rate, _, _, bits = fmt
            if tag in (1, 0xFFFE) and (channels, rate, bits) == (1, RATE, 16):
                return pos + 8
            raise BadInputError(f"standard input holds a WAV file of {rate} Hz, {channels} channel(s), "
                                f"{bits}-bit; --input - takes raw s16le 16 kHz mono (pass the file as "
                                "--input FILE)")
        pos += 8 + size + size % 2
    raise BadInputError("standard input starts with a WAV header voicebox cannot read; --input - "
                        "takes raw s16le 16 kHz mono")


class MicSource(Source):
    """A microphone at its native rate and channel count, converted; survives device errors.

    PortAudio calls back on its own thread; blocks go through a queue so that a consumer
    busy for a while (a recogniser loading) loses nothing. When the device fails or stops
    delivering audio for `stall_s`, the error goes to `on_error` and the device is opened
    again every `retry_s` until it works or the source is closed: never a crash.
    """

    def __init__(self, device: str | int | None = None, on_error: ErrorHandler | None = None,
                 retry_s: float = 2.0, stall_s: float = 2.0, block_s: float = MIC_BLOCK_S) -> None:
        self.device, self.retry_s, self.stall_s, self.block_s = device, retry_s, stall_s, block_s
        self.on_error = on_error or _log_error
        self.errors = self.overflows = self.dropped = 0
        self._queue: queue.Queue = queue.Queue(maxsize=int(MIC_QUEUE_S / block_s))
        self._closed = threading.Event()
        self._stream = None
        self._open()  # a device that cannot be opened at the start is bad input (exit 2)

    def _open(self) -> None:
        sd = portaudio()
        try:
            index = resolve(self.device, "input")
        except DeviceError:
            rescan()  # the device may have come back under a new index
            index = resolve(self.device, "input")
        info = describe(index, "input")
        self.name, self.rate = info["name"], int(info["default_samplerate"])
        self.channels = _channels(sd, index, self.rate, int(info["max_input_channels"]))
        try:
            stream = sd.InputStream(device=index, samplerate=self.rate, channels=self.channels,
                                    dtype="float32", blocksize=int(self.rate * self.block_s),
                                    callback=self._callback)
            stream.start()
        except (sd.PortAudioError, ValueError) as err:
            raise DeviceError(f"input device {self.name!r}: cannot open ({reason(err)})") from None
        self._converter = StreamConverter(self.rate)
        self._starting = True
        self._stream = stream

    def _callback(self, indata: np.ndarray, frame_count: int, time_info: object, status: object) -> None:
        if getattr(status, "input_overflow", False):
            self.overflows += 1
        try:
            self._queue.put_nowait(indata.copy())
        except queue.Full:
            self.dropped += 1

    def _chunks(self) -> Iterator[np.ndarray]:
        while not self._closed.is_set():
            if self._stream is None:
                self._reconnect()
                continue
            stall = max(self.stall_s, 2 * self.block_s)  # a long block is no stall
            wait = max(stall, MIC_START_S) if self._starting else stall
            try:
                block = self._queue.get(timeout=wait)
            except queue.Empty:
                if not self._closed.is_set():
                    self._fail(DeviceError(f"input device {self.name!r}: no audio for {wait:g} s"))
                continue
            if block is not None:
                self._starting = False
                yield self._converter.push(block)

    def _fail(self, err: VoiceboxError) -> None:
        self.errors += 1
        self.on_error(err)
        self._drop_stream()

    def _reconnect(self) -> None:
        if self._closed.wait(self.retry_s):
            return
        try:
            self._open()
        except DeviceError as err:
            self._fail(err)

    def _drop_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.abort()
                stream.close()
            except Exception:  # a vanished device fails here too; the stream is gone either way
                pass

    def close(self) -> None:
        self._closed.set()
        self._drop_stream()
        try:
            self._queue.put_nowait(None)  # wake a consumer waiting for audio
        except queue.Full:
            pass


def _channels(sd, index: int | None, rate: int, most: int) -> int:
    """Mono when the device offers it (averaging 32 mostly-silent channels would bury the voice)."""
    for channels in dict.fromkeys((1, min(2, most), most)):
        try:
            sd.check_input_settings(device=index, channels=channels, samplerate=rate, dtype="float32")
            return channels
        except (sd.PortAudioError, ValueError):
            continue
    return max(1, most)


def _log_error(err: VoiceboxError) -> None:
    logging.getLogger("voicebox.audio").warning("%s; retrying", err)


def open_source(spec: str | None, device: str | int | None = None,
                on_error: ErrorHandler | None = None, settings: Audio | None = None) -> Source:
    """None -> the microphone (`device`, else the profile's input_device); "-" -> standard input;
    anything else -> an audio file."""
    if spec is None:
        settings = settings or Audio()
        device = device if device not in (None, "") else (settings.input_device or None)
        return MicSource(device, on_error=on_error, retry_s=settings.retry_s, stall_s=settings.stall_s,
                         block_s=settings.block_s)
    if spec == "-":
        return StdinSource()
    return FileSource(spec)
